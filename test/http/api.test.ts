import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { getJson, httpGet } from '../support/http.js';
import { call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

describe('the read-only JSON API', () => {
  let ns: RunningNameServer;
  let get: (path: string) => Promise<{ status: number; body: unknown }>;

  before(async () => {
    ns = await startNameServer({ tls: { 'tls.server.keyPassword': 'hunter2' } });
    get = (path) => getJson(ns.httpPort!, path);
    const a = new FakeBroker(await ns.connect(), { brokerName: 'broker-a', topics: [topic('TopicA'), topic('TopicB'), topic('Other')], haServerAddr: '127.0.0.1:10912' });
    const a1 = new FakeBroker(await ns.connect(), { brokerName: 'broker-a', brokerId: 1, brokerAddr: '127.0.0.1:10915', topics: [topic('TopicA'), topic('TopicB')] });
    const b = new FakeBroker(await ns.connect(), { clusterName: 'Second', brokerName: 'broker-b', brokerAddr: '127.0.0.1:10921', topics: [topic('TopicA'), topic('TopicC')] });
    for (const broker of [a, a1, b]) {
      const answer = await broker.register();
      assert.equal(answer.code, 0, answer.remark ?? undefined);
    }
    const client = await ns.connect();
    await call(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'TopicA', value: 'broker-a:4' } });
  });

  after(() => ns.stop());

  test('version', async () => {
    assert.deepEqual(await get('/api/v1/version'), { status: 200, body: { version: '0.1.0', rocketmqVersion: 'V5_3_3', versionCode: 479 } });
  });

  test('overview: versions, times, where it listens, counts', async () => {
    ns.clock.advance(1234);
    const { status, body } = await get('/api/v1/overview');
    assert.equal(status, 200);
    const o = body as Record<string, unknown>;
    assert.equal(o.uptimeMs, 1234);
    assert.equal(typeof o.startedAt, 'number');
    assert.deepEqual(o.remoting, { address: '127.0.0.1', port: ns.port });
    assert.deepEqual(o.http, { address: '127.0.0.1', port: ns.httpPort });
    assert.equal(o.tlsMode, 'permissive');
    assert.deepEqual(o.counts, { clusters: 2, brokerNames: 2, brokers: 3, topics: 4 });
  });

  test('clusters', async () => {
    assert.deepEqual(await get('/api/v1/clusters'), { status: 200, body: { clusters: { DefaultCluster: ['broker-a'], Second: ['broker-b'] } } });
  });

  test('brokers: per group, addresses by id with liveness', async () => {
    ns.clock.advance(5000);
    const { body } = (await get('/api/v1/brokers')) as { body: { brokers: Array<Record<string, unknown>> } };
    assert.deepEqual(body.brokers.map((b) => [b.cluster, b.brokerName, b.topicCount]), [
      ['DefaultCluster', 'broker-a', 3],
      ['Second', 'broker-b', 2],
    ]);
    const [first] = body.brokers;
    assert.equal(first!.zoneName, null);
    assert.equal(first!.enableActingMaster, false);
    const addresses = first!.addresses as Array<Record<string, unknown>>;
    assert.deepEqual(addresses.map((a) => [a.brokerId, a.address]), [[0, '127.0.0.1:10911'], [1, '127.0.0.1:10915']]);
    assert.equal(addresses[0]!.haServerAddress, '127.0.0.1:10912');
    assert.ok((addresses[0]!.heartbeatAgeMs as number) >= 5000);
    assert.equal(addresses[0]!.heartbeatTimeoutMs, 120_000);
    assert.deepEqual(Object.keys(addresses[0]!.dataVersion as object).sort(), ['counter', 'stateVersion', 'timestamp']);
    assert.match(addresses[0]!.remoteAddress as string, /^127\.0\.0\.1:\d+$/);
  });

  test('topics: sorted, paged, filtered by prefix and cluster', async () => {
    assert.deepEqual((await get('/api/v1/topics')).body, {
      total: 4,
      offset: 0,
      limit: 100,
      topics: [
        { topic: 'Other', brokerNames: ['broker-a'] },
        { topic: 'TopicA', brokerNames: ['broker-a', 'broker-b'] },
        { topic: 'TopicB', brokerNames: ['broker-a'] },
        { topic: 'TopicC', brokerNames: ['broker-b'] },
      ],
    });
    const page = (await get('/api/v1/topics?offset=1&limit=2')).body as { total: number; topics: Array<{ topic: string }> };
    assert.equal(page.total, 4);
    assert.deepEqual(page.topics.map((t) => t.topic), ['TopicA', 'TopicB']);
    const prefixed = (await get('/api/v1/topics?prefix=Topic&cluster=Second')).body as { total: number; topics: Array<{ topic: string }> };
    assert.deepEqual(prefixed.topics.map((t) => t.topic), ['TopicA', 'TopicC']);
    assert.equal(prefixed.total, 2);
    assert.equal(((await get('/api/v1/topics?cluster=Nowhere')).body as { total: number }).total, 0);
    assert.equal(((await get('/api/v1/topics?offset=0&limit=100&cluster=&prefix=')).body as { total: number }).total, 4, 'empty filters filter nothing');
  });

  test('topics follow registry changes', async () => {
    const late = new FakeBroker(await ns.connect(), { brokerName: 'broker-z', brokerAddr: '127.0.0.1:10999', topics: [topic('AAA'), topic('Zed')] });
    assert.equal((await late.register()).code, 0);
    const names = async () => ((await get('/api/v1/topics')).body as { topics: Array<{ topic: string }> }).topics.map((t) => t.topic);
    assert.deepEqual(await names(), ['AAA', 'Other', 'TopicA', 'TopicB', 'TopicC', 'Zed']);
    await late.unregister();
    await ns.server.registry.unregistrationsDrained();
    assert.deepEqual(await names(), ['Other', 'TopicA', 'TopicB', 'TopicC']);
  });

  test('bad query parameters are a 400 with a message', async () => {
    for (const query of ['limit=0', 'limit=1001', 'offset=-1', 'offset=abc', 'limit=1.5']) {
      const { status, body } = await get(`/api/v1/topics?${query}`);
      assert.equal(status, 400, query);
      assert.match((body as { error: string }).error, /querystring\/(limit|offset) must be/, query);
    }
  });

  test('a topic route as plain JSON, 404 for an unknown topic', async () => {
    const { status, body } = await get('/api/v1/topics/TopicC/route');
    assert.equal(status, 200);
    assert.deepEqual(body, {
      topic: 'TopicC',
      orderTopicConf: null,
      queueDatas: [{ brokerName: 'broker-b', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }],
      brokerDatas: [{ cluster: 'Second', brokerName: 'broker-b', brokerAddrs: { '0': '127.0.0.1:10921' }, zoneName: null, enableActingMaster: false }],
      filterServerTable: {},
      topicQueueMappingByBroker: null,
    });
    assert.deepEqual(await get('/api/v1/topics/Nope/route'), { status: 404, body: { error: 'No topic route info in name server for the topic: Nope' } });
  });

  test('kv: every namespace, one namespace, 404 for an absent one', async () => {
    assert.deepEqual((await get('/api/v1/kv')).body, { namespaces: { ORDER_TOPIC_CONFIG: { TopicA: 'broker-a:4' } } });
    assert.deepEqual((await get('/api/v1/kv/ORDER_TOPIC_CONFIG')).body, { namespace: 'ORDER_TOPIC_CONFIG', entries: { TopicA: 'broker-a:4' } });
    assert.equal((await get('/api/v1/kv/NOPE')).status, 404);
  });

  test('config: every setting, sorted, secrets redacted', async () => {
    const { body } = (await get('/api/v1/config')) as { body: { settings: Record<string, string> } };
    const names = Object.keys(body.settings);
    assert.deepEqual(names, [...names].sort());
    assert.equal(body.settings.listenPort, '0');
    assert.equal(body.settings.httpPort, '0');
    assert.equal(body.settings['tls.server.keyPassword'], '******');
    assert.doesNotMatch(JSON.stringify(body), /hunter2/);
  });

  test('stats: totals for live charts', async () => {
    const { body } = (await get('/api/v1/stats')) as { body: Record<string, number> };
    assert.deepEqual(Object.keys(body).sort(), ['connectionsOpen', 'requestsTotal', 'routeLookupSecondsSum', 'routeLookupsTotal', 'timestamp']);
    assert.equal(body.timestamp, ns.clock.now());
    assert.ok(body.requestsTotal >= 4);
    assert.equal(body.routeLookupsTotal, 0);
    assert.equal(body.connectionsOpen, 5);
  });

  test('unknown paths and methods are a 404 in JSON', async () => {
    for (const path of ['/nope', '/api/v1/nope', '/api/v2/clusters']) {
      const answer = await httpGet(ns.httpPort!, path);
      assert.equal(answer.status, 404, path);
      assert.match(answer.contentType ?? '', /^application\/json/);
      assert.deepEqual(Object.keys(JSON.parse(answer.text)), ['error']);
    }
    const post = await fetch(`http://127.0.0.1:${ns.httpPort}/api/v1/clusters`, { method: 'POST', body: '{}' });
    assert.equal(post.status, 404);
  });
});

describe('topic names of up to 127 characters', () => {
  const long = 'T'.repeat(127);
  // Retry topics start with %; both % and | are allowed in topic names and travel percent-encoded.
  const encodedLong = `%RETRY%${'|'.repeat(60)}${'a'.repeat(60)}`;
  let ns: RunningNameServer;

  before(async () => {
    ns = await startNameServer();
    const broker = new FakeBroker(await ns.connect(), { topics: [topic(long), topic(encodedLong)] });
    const answer = await broker.register();
    assert.equal(answer.code, 0, answer.remark ?? undefined);
  });

  after(() => ns.stop());

  test('are served by every topic route, percent-encoded ones too', async () => {
    assert.equal(encodedLong.length, 127);
    for (const name of [long, encodedLong]) {
      const { status, body } = await getJson(ns.httpPort!, `/api/v1/topics/${encodeURIComponent(name)}/route`);
      assert.equal(status, 200, `${name.length} characters: ${JSON.stringify(body)}`);
      assert.equal((body as { topic: string }).topic, name);
      const page = await getJson(ns.httpPort!, `/api/v1/topics?prefix=${encodeURIComponent(name)}`);
      assert.deepEqual((page.body as { topics: { topic: string }[] }).topics.map((t) => t.topic), [name]);
    }
  });
});
