import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseCache } from '../../src/namesrv/processors/response-cache.js';

describe('response cache', () => {
  it('builds an answer once and serves it until the topic changes', () => {
    const cache = new ResponseCache(1024);
    let builds = 0;
    const build = () => (builds++, Buffer.from('route'));
    cache.route('T', 'standard', 0, build);
    assert.equal(cache.cachedRouteBytes, 0, 'a topic asked for once is not kept');
    cache.route('T', 'standard', 0, build);
    cache.route('T', 'standard', 0, build);
    assert.equal(builds, 2, 'asked again, it is kept and served');
    cache.route('T', 'fastjson', 0, build);
    cache.route('T', 'fastjson', 0, build);
    assert.equal(builds, 3, 'each JSON flavour is its own answer');
    cache.routeChanged('T');
    cache.route('T', 'standard', 0, build);
    assert.equal(builds, 4);
    cache.route('T', 'standard', 1, build);
    assert.equal(builds, 5, 'a KV change (order-topic config) rebuilds');
  });

  it('never holds more than its budget', () => {
    const cache = new ResponseCache(100);
    for (let i = 0; i < 50; i++) for (let n = 0; n < 2; n++) cache.route(`T${i}`, 'standard', 0, () => Buffer.alloc(30));
    assert.ok(cache.cachedRouteBytes <= 100);
    assert.ok(cache.cachedRouteBytes > 0);
  });

  it('does not remember topics without a route', () => {
    const cache = new ResponseCache(100);
    let builds = 0;
    assert.equal(cache.route('Missing', 'standard', 0, () => (builds++, null)), null);
    cache.route('Missing', 'standard', 0, () => (builds++, null));
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
