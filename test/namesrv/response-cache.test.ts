import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseCache, type RouteFlavor } from '../../src/namesrv/processors/response-cache.js';

/** Looks an answer up, building and offering it on a miss, as the route handler does. */
function lookup(cache: ResponseCache, topic: string, flavor: RouteFlavor, kvVersion: number, build: () => Buffer | null): Buffer | null {
  const cached = cache.getRoute(topic, flavor, kvVersion);
  if (cached) return cached;
  const built = build();
  if (built) cache.putRoute(topic, flavor, kvVersion, built);
  return built;
}

describe('response cache', () => {
  it('builds an answer once and serves it until the topic changes', () => {
    const cache = new ResponseCache(1024);
    let builds = 0;
    const build = () => (builds++, Buffer.from('route'));
    lookup(cache, 'T', 'standard', 0, build);
    assert.equal(cache.cachedRouteBytes, 0, 'a topic asked for once is not kept');
    lookup(cache, 'T', 'standard', 0, build);
    lookup(cache, 'T', 'standard', 0, build);
    assert.equal(builds, 2, 'asked again, it is kept and served');
    lookup(cache, 'T', 'fastjson', 0, build);
    lookup(cache, 'T', 'fastjson', 0, build);
    assert.equal(builds, 3, 'each JSON flavour is its own answer');
    cache.routeChanged('T');
    lookup(cache, 'T', 'standard', 0, build);
    assert.equal(builds, 4);
    lookup(cache, 'T', 'standard', 1, build);
    assert.equal(builds, 5, 'a KV change (order-topic config) rebuilds');
  });

  it('never holds more than its budget', () => {
    const cache = new ResponseCache(100);
    for (let i = 0; i < 50; i++) for (let n = 0; n < 2; n++) lookup(cache, `T${i}`, 'standard', 0, () => Buffer.alloc(30));
    assert.ok(cache.cachedRouteBytes <= 100);
    assert.ok(cache.cachedRouteBytes > 0);
  });

  it('does not remember topics without a route', () => {
    const cache = new ResponseCache(100);
    let builds = 0;
    assert.equal(lookup(cache, 'Missing', 'standard', 0, () => (builds++, null)), null);
    lookup(cache, 'Missing', 'standard', 0, () => (builds++, null));
    assert.equal(builds, 2);
  });

  it('drops the lists when any route changes, and everything on a broker change', () => {
    const cache = new ResponseCache();
    let listBuilds = 0;
    cache.allTopics(() => (listBuilds++, Buffer.from('[]')));
    cache.routeChanged('T');
    cache.allTopics(() => (listBuilds++, Buffer.from('[]')));
    assert.equal(listBuilds, 2);
    let infoBuilds = 0;
    cache.clusterInfo(() => (infoBuilds++, Buffer.from('{}')));
    cache.routeChanged('T');
    cache.clusterInfo(() => (infoBuilds++, Buffer.from('{}')));
    assert.equal(infoBuilds, 1, 'a topic change leaves cluster info alone');
    cache.routeChanged(null);
    cache.clusterInfo(() => (infoBuilds++, Buffer.from('{}')));
    assert.equal(infoBuilds, 2);
  });
});
