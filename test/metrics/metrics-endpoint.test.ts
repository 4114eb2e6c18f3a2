import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { Exposition, httpGet, scrapeMetrics } from '../support/http.js';
import { call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

const M = 'rocketmq_namesrv_';

/** Resolves once `check` holds, checking after each turn of the event loop (no timers). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

function promtoolOnPath(): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, 'promtool')));
}

describe('GET /metrics while a broker registers and clients look routes up', () => {
  let ns: RunningNameServer;
  let start: Exposition;
  let loaded: Exposition;
  let broker: FakeBroker;

  before(async () => {
    ns = await startNameServer();
    start = await scrapeMetrics(ns.httpPort!);
    broker = new FakeBroker(await ns.connect(), { topics: [topic('TopicA'), topic('TopicB')] });
    assert.equal((await broker.register()).code, 0);
    assert.equal((await broker.register()).code, 0, 'the same body again: unchanged');
    broker.setTopics([topic('TopicA'), topic('TopicB'), topic('TopicC')]);
    assert.equal((await broker.register({ corruptCrc: true })).code, 1, 'a bad checksum is refused');

    const client = await ns.connect();
    for (let i = 0; i < 5; i++) {
      const route = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'TopicA' } });
      assert.equal(route.code, 0);
    }
    assert.equal((await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Nope' } })).code, 17);
    assert.equal((await call(client, 9999)).code, 3);
    assert.equal((await call(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K', value: 'V' } })).code, 0);
    loaded = await scrapeMetrics(ns.httpPort!);
  });

  after(() => ns.stop());

  test('requests are counted by code, class and response code', () => {
    const delta = (labels: Record<string, string>) => loaded.value(`${M}requests_total`, labels) - start.value(`${M}requests_total`, labels);
    assert.equal(delta({ code: 'GET_ROUTEINFO_BY_TOPIC', class: 'route', result: 'SUCCESS' }), 5);
    assert.equal(delta({ code: 'GET_ROUTEINFO_BY_TOPIC', class: 'route', result: 'TOPIC_NOT_EXIST' }), 1);
    assert.equal(delta({ code: 'REGISTER_BROKER', class: 'register', result: 'SUCCESS' }), 2);
    assert.equal(delta({ code: 'REGISTER_BROKER', class: 'register', result: 'SYSTEM_ERROR' }), 1);
    assert.equal(delta({ code: 'PUT_KV_CONFIG', class: 'kv', result: 'SUCCESS' }), 1);
    assert.equal(delta({ code: 'UNKNOWN', class: 'other', result: 'REQUEST_CODE_NOT_SUPPORTED' }), 1);
  });

  test('the latency histogram counts every request of a code, in cumulative buckets', () => {
    const name = `${M}request_duration_seconds`;
    const labels = { code: 'GET_ROUTEINFO_BY_TOPIC', class: 'route' };
    assert.equal(loaded.count(name, labels), 6);
    assert.ok(loaded.sum(name, labels) > 0);
    const buckets = [...loaded.buckets(name, labels)].sort(([a], [b]) => Number(a) - Number(b));
    assert.ok(buckets.length > 10);
    assert.deepEqual(buckets.at(-1), ['+Inf', 6]);
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]![1] >= buckets[i - 1]![1], 'buckets never decrease');
    assert.equal(loaded.count(name, { code: 'REGISTER_BROKER' }), 3);
  });

  test('registrations by outcome, and the registry gauges', () => {
    const outcome = (name: string) => loaded.value(`${M}broker_registrations_total`, { outcome: name }) - start.value(`${M}broker_registrations_total`, { outcome: name });
    assert.equal(outcome('applied'), 1);
    assert.equal(outcome('unchanged'), 1);
    assert.equal(outcome('rejected'), 1);
    assert.equal(loaded.value(`${M}live_brokers`), 1);
    assert.equal(loaded.value(`${M}broker_groups`), 1);
    assert.equal(loaded.value(`${M}clusters`), 1);
    assert.equal(loaded.value(`${M}topics`), 2);
    assert.equal(start.value(`${M}topics`), 0);
  });

  test('route cache hits and misses add up to the lookups', () => {
    const hits = loaded.value(`${M}route_cache_lookups_total`, { result: 'hit' });
    const misses = loaded.value(`${M}route_cache_lookups_total`, { result: 'miss' });
    assert.equal(hits + misses, 6);
    assert.ok(hits >= 1, 'repeated lookups of one topic hit the cache');
    assert.ok(misses >= 2, 'the first lookup and the unknown topic miss');
  });

  test('connections and bytes', () => {
    assert.equal(loaded.value(`${M}connections_open`), 2);
    assert.equal(loaded.value(`${M}connections_accepted_total`) - start.value(`${M}connections_accepted_total`), 2);
    assert.ok(loaded.value(`${M}received_bytes_total`) > start.value(`${M}received_bytes_total`));
    assert.ok(loaded.value(`${M}sent_bytes_total`) > start.value(`${M}sent_bytes_total`));
  });

  test('KV writes are timed', () => {
    assert.equal(loaded.count(`${M}kv_persist_duration_seconds`) - start.count(`${M}kv_persist_duration_seconds`), 1);
    assert.equal(loaded.value(`${M}kv_persist_failures_total`), 0);
  });

  test('no label carries a topic, a broker address or a client address', () => {
    for (const value of loaded.labelValues()) {
      assert.doesNotMatch(value, /Topic|Nope|127\.0\.0\.1|broker-a|DefaultCluster/, `label value ${value}`);
    }
  });

  test('process metrics: event-loop lag, heap, RSS, CPU; not the GC histogram, whose observer costs memory', () => {
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'process_resident_memory_bytes', 'process_cpu_seconds_total']) {
      assert.ok(loaded.families.has(name), name);
    }
    assert.ok(!loaded.families.has('nodejs_gc_duration_seconds'));
  });

  test('promtool check metrics accepts the exposition', (t) => {
    if (!promtoolOnPath()) {
      t.skip('promtool is not on PATH (Debian package "prometheus"): the exposition was not linted');
      return;
    }
    const result = spawnSync('promtool', ['check', 'metrics'], { input: loaded.text, encoding: 'utf8' });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });

  test('OpenMetrics when asked, and the text format keeps its names afterwards', async () => {
    const open = await httpGet(ns.httpPort!, '/metrics', { accept: 'application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5' });
    assert.equal(open.status, 200);
    assert.match(open.contentType ?? '', /^application\/openmetrics-text; version=1\.0\.0/);
    assert.match(open.text, /^# TYPE rocketmq_namesrv_requests counter$/m);
    assert.match(open.text, /^rocketmq_namesrv_requests_total\{/m);
    assert.match(open.text, /# EOF\n$/);
    const text = await httpGet(ns.httpPort!, '/metrics');
    assert.match(text.contentType ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(text.text, /^# TYPE rocketmq_namesrv_requests_total counter$/m);
  });

  test('a broker that expires, then one whose connection closes, are counted apart', async () => {
    const silent = new FakeBroker(await ns.connect(), { brokerName: 'broker-b', brokerAddr: '127.0.0.1:10921', heartbeatTimeoutMillis: 10_000 });
    assert.equal((await silent.register()).code, 0);
    // Past the silent broker's 10 s timeout, within the other's 120 s; no await in between, so the
    // periodic scan cannot take this one's expiry.
    ns.clock.advance(60_000);
    assert.equal(ns.server.scanNotActiveBrokers(), 1);
    await ns.server.registry.unregistrationsDrained();
    const afterExpiry = await scrapeMetrics(ns.httpPort!);
    assert.equal(afterExpiry.value(`${M}broker_expiries_total`), 1);
    assert.equal(afterExpiry.value(`${M}broker_connection_close_removals_total`), 0);

    broker.connection.close();
    await until(() => ns.server.registry.liveBrokerCount === 0);
    const closed = await scrapeMetrics(ns.httpPort!);
    assert.equal(closed.value(`${M}broker_connection_close_removals_total`), 1);
    assert.equal(closed.value(`${M}live_brokers`), 0);
    assert.equal(closed.value(`${M}topics`), 0);
  });

  test('the unregistration queue depth is read when scraped', async () => {
    ns.server.registry.submitUnregister({ clusterName: 'C', brokerAddr: '10.0.0.9:10911', brokerName: 'gone', brokerId: 0 });
    // The queue is applied after this I/O turn; the scrape reads it before.
    const { body } = await ns.app.prometheusMetrics!.scrape(false);
    assert.equal(new Exposition(body).value(`${M}unregistration_queue_depth`), 1);
    await ns.server.registry.unregistrationsDrained();
    assert.equal((await scrapeMetrics(ns.httpPort!)).value(`${M}unregistration_queue_depth`), 0);
  });
});

test('TLS handshakes are counted', async () => {
  const ns = await startNameServer();
  try {
    const secure = await ClientConnection.connect({ host: '127.0.0.1', port: ns.port, tls: { rejectUnauthorized: false } });
    try {
      assert.equal((await call(secure, RequestCode.GET_BROKER_CLUSTER_INFO)).code, 0);
    } finally {
      secure.close();
    }
    const scraped = await scrapeMetrics(ns.httpPort!);
    assert.equal(scraped.value(`${M}tls_handshakes_total`, { result: 'success' }), 1);
    assert.equal(scraped.value(`${M}tls_handshakes_total`, { result: 'failure' }), 0);
  } finally {
    await ns.stop();
  }
});

test('a KV write that cannot be saved is counted as a failure', async () => {
  const ns = await startNameServer();
  try {
    // A directory where the file should be: the atomic rename fails.
    fs.mkdirSync(path.join(ns.home, 'namesrv', 'kvConfig.json'), { recursive: true });
    const client = await ns.connect();
    const put = await call(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'NS', key: 'K', value: 'V' } });
    assert.notEqual(put.code, 0);
    const scraped = await scrapeMetrics(ns.httpPort!);
    assert.equal(scraped.value(`${M}kv_persist_failures_total`), 1);
    assert.equal(scraped.count(`${M}kv_persist_duration_seconds`), 1);
  } finally {
    await ns.stop();
  }
});

test('each NameServer has its own registry: two in one process do not share series', async () => {
  const a = await startNameServer();
  const b = await startNameServer();
  try {
    await call(await a.connect(), RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'T' } });
    const labels = { code: 'GET_ROUTEINFO_BY_TOPIC', result: 'TOPIC_NOT_EXIST' };
    assert.equal((await scrapeMetrics(a.httpPort!)).value(`${M}requests_total`, labels), 1);
    assert.equal((await scrapeMetrics(b.httpPort!)).value(`${M}requests_total`, labels), 0);
  } finally {
    await a.stop();
    await b.stop();
  }
});
