import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NamesrvCounters } from '../../src/metrics/namesrv-counters.js';
import { ORDER_TOPIC_CONFIG_NAMESPACE } from '../../src/namesrv/processors/broker-processors.js';
import type { NamesrvContext, ProcessorSwitches } from '../../src/namesrv/processors/context.js';
import { ResponseCache } from '../../src/namesrv/processors/response-cache.js';
import { readRouteInfoHeader, routeProcessors } from '../../src/namesrv/processors/route-processors.js';
import { decodeHeader } from '../../src/protocol/custom-header.js';
import { GetRouteInfoHeader } from '../../src/protocol/namesrv-headers.js';
import { decodeTopicRouteData, encodeTopicRouteData } from '../../src/protocol/bodies/index.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { createRequest } from '../../src/remoting/remoting-command.js';
import type { Connection } from '../../src/remoting/remoting-server.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { makeRegistry, registration, topicConfig, version } from '../route/registry-helpers.js';

const getRouteInfo = new Map(routeProcessors).get(RequestCode.GET_ROUTEINFO_BY_TOPIC)!;

/** The real GET_ROUTEINFO_BY_TOPIC handler over a real registry and cache; KV and switches held here. */
function routeServer(maxRouteBytes?: number) {
  const { registry } = makeRegistry();
  const cache = new ResponseCache(registry, maxRouteBytes);
  const counters = new NamesrvCounters();
  const kvTables = new Map<string, Map<string, string>>();
  const kvVersions = new Map<string, number>();
  let kvChanges = 0;
  const kv = { namespaceVersion: (ns: string) => kvVersions.get(ns) ?? 0, get: (ns: string, key: string) => kvTables.get(ns)?.get(key) };
  const switches: { -readonly [K in keyof ProcessorSwitches]?: ProcessorSwitches[K] } = { orderMessageEnable: false, needWaitForService: false };
  const ctx = { registry, cache, kv, config: { namesrv: switches }, observer: counters, clock: new ManualClock(), startedAt: 0, logger: silentLogger() } as unknown as NamesrvContext;
  const connection = { id: 1, remoteAddress: '127.0.0.1:1' } as Connection;
  const ask = (topic: string, version = 409) => {
    const reply = getRouteInfo(createRequest({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, version, extFields: { topic } }), ctx, connection);
    assert.ok(!(reply instanceof Promise));
    return reply;
  };
  const route = (topic: string) => {
    const reply = ask(topic);
    assert.equal(reply.code, ResponseCode.SUCCESS, reply.remark ?? '');
    return { bytes: reply.body!, route: decodeTopicRouteData(reply.body!) };
  };
  const putKv = (key: string, value: string, namespace = ORDER_TOPIC_CONFIG_NAMESPACE) => {
    if (!kvTables.has(namespace)) kvTables.set(namespace, new Map());
    kvTables.get(namespace)!.set(key, value);
    kvVersions.set(namespace, ++kvChanges);
  };
  return { registry, cache, counters, switches, ask, route, putKv };
}

describe('route answers shared by topics of one shape', () => {
  const shape = (names: string[]) => names.map((name) => topicConfig(name));

  it('a topic asked for the first time gets the answer kept for another topic of its shape, byte for byte', () => {
    const s = routeServer();
    s.registry.registerBroker(registration({ topics: shape(['S1', 'S2', 'S3']) }));
    const first = s.route('S1').bytes;
    s.route('S2'); // a second topic of the shape: its answer is kept
    const before = { ...s.counters.routeCache };
    const third = s.route('S3').bytes;
    assert.equal(s.counters.routeCache.hit, before.hit + 1, 'S3 served from the shared answer');
    assert.equal(s.cache.cachedRouteBytes, 0, 'nothing kept per topic');
    assert.deepEqual(third, first);
  });

  it('a topic of another shape gets its own answer: other queue counts, another broker order', () => {
    const s = routeServer();
    s.registry.registerBroker(registration({ topics: [...shape(['S1', 'S2']), topicConfig('Wide', { writeQueueNums: 16 }), topicConfig('Both')] }));
    s.registry.registerBroker(registration({ brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911', connectionId: 2, topics: [topicConfig('Both'), topicConfig('B-first')] }));
    s.registry.registerBroker(registration({ dataVersion: version(2), topics: [...shape(['S1', 'S2']), topicConfig('Wide', { writeQueueNums: 16 }), topicConfig('Both'), topicConfig('B-first')] }));
    for (const topic of ['S1', 'S2', 'S1']) s.route(topic);
    assert.equal(s.route('Wide').route.queueDatas[0]!.writeQueueNums, 16);
    assert.deepEqual(s.route('Both').route.queueDatas.map((q) => q.brokerName), ['broker-a', 'broker-b']);
    assert.deepEqual(s.route('B-first').route.queueDatas.map((q) => q.brokerName), ['broker-b', 'broker-a']);
  });

  it('a topic with static mappings, or with orderMessageEnable, gets its own answer', () => {
    const s = routeServer();
    const req = registration({ topics: shape(['S1', 'S2', 'Mapped', 'Ordered']) });
    req.topicConfigWrapper.topicQueueMappingInfoMap = new Map([['Mapped', { topic: 'Mapped', bname: 'broker-a', epoch: 1, totalQueues: 4, currIdMap: null } as never]]);
    s.registry.registerBroker(req);
    for (const topic of ['S1', 'S2', 'S1']) s.route(topic);
    assert.ok(s.route('Mapped').route.topicQueueMappingByBroker?.has('broker-a'), 'its mappings are in its answer');
    s.switches.orderMessageEnable = true;
    s.putKv('Ordered', 'broker-a:4');
    assert.equal(s.route('Ordered').route.orderTopicConf, 'broker-a:4');
  });

  it('never holds more than its budget, however many shapes the topics have', () => {
    const s = routeServer(3_000);
    // 100 shapes of two topics each (their own queue counts): each pair's answer is kept once both are asked.
    s.registry.registerBroker(registration({ topics: Array.from({ length: 200 }, (_, i) => topicConfig(`P${i}`, { writeQueueNums: (i >> 1) + 1 })) }));
    for (let i = 0; i < 200; i++) s.route(`P${i}`);
    // What the topics' slots still reach, dropped shapes included.
    const reachable = new Set<{ standard?: Buffer; fastjson?: Buffer }>();
    for (let i = 0; i < 200; i++) {
      const slot = s.registry.topicGeneration(`P${i}`)!.derived;
      if (slot && typeof slot === 'object') reachable.add(slot as { standard?: Buffer; fastjson?: Buffer });
    }
    const held = [...reachable].reduce((n, shared) => n + (shared.standard?.length ?? 0) + (shared.fastjson?.length ?? 0), 0);
    assert.ok(reachable.size > 50, `${reachable.size} shapes`);
    assert.ok(held > 0 && held <= 3_000, `${held} bytes held`);
  });

  it('names shapes for serving processes: one id per shape, never another shape\'s, and no new one that would push the kept shapes out', () => {
    const s = routeServer();
    // 4,096 shapes (the most kept), each of two topics, and one shape more.
    const shapes = 4_096;
    s.registry.registerBroker(registration({ topics: Array.from({ length: 2 * shapes + 2 }, (_, i) => topicConfig(`P${i}`, { writeQueueNums: (i >> 1) + 1 })) }));
    assert.equal(s.cache.shapeIdOf('P0'), s.cache.shapeIdOf('P1'));
    assert.notEqual(s.cache.shapeIdOf('P0'), s.cache.shapeIdOf('P2'));
    for (let i = 0; i < 2 * shapes; i++) s.route(`P${i}`);
    const hits = s.counters.routeCache.hit;
    assert.equal(s.cache.shapeIdOf(`P${2 * shapes}`), null, 'a shape past the most kept is not named');
    s.route('P0');
    assert.equal(s.counters.routeCache.hit, hits + 1, 'the kept shapes are still served');
    assert.equal(s.cache.shapeIdOf('NoSuchTopic'), null);
  });

  it('a change to the brokers the shape names, or to the switches, is served at once', () => {
    const s = routeServer();
    s.registry.registerBroker(registration({ topics: shape(['S1', 'S2', 'S3', 'S4']) }));
    for (const topic of ['S1', 'S2', 'S3']) s.route(topic);
    s.registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.9:10911', connectionId: 2, topics: shape(['S1', 'S2', 'S3', 'S4']) }));
    assert.deepEqual([...s.route('S4').route.brokerDatas[0]!.brokerAddrs.values()], ['10.0.0.1:10911', '10.0.0.9:10911'], 'a broker joined');
    s.route('S1');
    s.registry.registerBroker(registration({ dataVersion: version(2), zoneName: 'zone-1', topics: shape(['S1', 'S2', 'S3', 'S4']) }));
    assert.equal(s.route('S3').route.brokerDatas[0]!.zoneName, 'zone-1', 'new attributes');
    s.switches.orderMessageEnable = true;
    s.putKv('S2', 'broker-a:8');
    s.cache.clear();
    assert.equal(s.route('S2').route.orderTopicConf, 'broker-a:8', 'after the switches changed');
  });
});

describe('route answers cached as bytes', () => {
  it('keeps an answer once its topic is asked for twice, and serves the same bytes', () => {
    const s = routeServer();
    s.registry.registerBroker(registration());
    const first = s.route('TopicA').bytes;
    assert.equal(s.cache.cachedRouteBytes, 0, 'a topic asked for once is not kept');
    s.route('TopicA');
    const third = s.route('TopicA').bytes;
    assert.deepEqual(s.counters.routeCache, { hit: 1, miss: 2 });
    assert.equal(third, s.route('TopicA').bytes, 'served from the cache: the same buffer');
    assert.deepEqual(third, first);
  });

  it('answers a topic\'s change at once: its queues, its brokers, a topic gone and back', () => {
    const s = routeServer();
    s.registry.registerBroker(registration());
    for (let i = 0; i < 3; i++) s.route('TopicA');
    s.registry.registerBroker(registration({ dataVersion: version(2), topics: [topicConfig('TopicA', { writeQueueNums: 8 }), topicConfig('TopicB')] }));
    assert.equal(s.route('TopicA').route.queueDatas[0]!.writeQueueNums, 8, 'queues changed');
    s.route('TopicA');
    s.registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.9:10911', connectionId: 2 }));
    assert.deepEqual([...s.route('TopicA').route.brokerDatas[0]!.brokerAddrs.values()], ['10.0.0.1:10911', '10.0.0.9:10911'], 'a broker joined');
    s.route('TopicA');
    s.registry.deleteTopic('TopicA');
    assert.equal(s.ask('TopicA').code, ResponseCode.TOPIC_NOT_EXIST, 'deleted');
    s.registry.registerTopic('TopicA', [{ brokerName: 'broker-a', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 }]);
    assert.equal(s.route('TopicA').route.queueDatas[0]!.writeQueueNums, 2, 'registered again');
  });

  it('a change of one topic leaves the others\' answers cached', () => {
    const s = routeServer();
    s.registry.registerBroker(registration());
    for (let i = 0; i < 2; i++) s.route('TopicA'), s.route('TopicB');
    s.registry.registerTopic('TopicA', [{ brokerName: 'broker-a', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 }]);
    const before = { ...s.counters.routeCache };
    s.route('TopicB');
    assert.equal(s.counters.routeCache.hit, before.hit + 1);
    s.route('TopicA');
    assert.equal(s.counters.routeCache.miss, before.miss + 1);
  });

  it('a broker no cached topic names, registering and unregistering, leaves their answers cached', () => {
    const s = routeServer();
    s.registry.registerBroker(registration());
    for (let i = 0; i < 2; i++) s.route('TopicA');
    const before = { ...s.counters.routeCache };
    const other = { clusterName: 'OtherCluster', brokerName: 'broker-z', brokerAddr: '10.0.0.26:10911', brokerId: 0, connectionId: 9 };
    s.registry.registerBroker(registration({ ...other, topics: [topicConfig('TopicZ1'), topicConfig('TopicZ2')] }));
    assert.equal(s.route('TopicZ1').route.brokerDatas[0]!.brokerName, 'broker-z');
    s.route('TopicA');
    s.registry.unregisterBrokers([other]);
    assert.equal(s.ask('TopicZ1').code, ResponseCode.TOPIC_NOT_EXIST, 'its topics went with it');
    s.route('TopicA');
    assert.equal(s.counters.routeCache.hit, before.hit + 2, 'TopicA served from the cache throughout');
  });

  it('a change to a broker group a cached topic names is served at once: an address gone, new attributes, a group gone', () => {
    const s = routeServer();
    const slave = { brokerId: 1, brokerAddr: '10.0.0.9:10911', connectionId: 2 };
    s.registry.registerBroker(registration());
    s.registry.registerBroker(registration(slave));
    s.registry.registerBroker(registration({ brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911', connectionId: 3, topics: [topicConfig('TopicA')] }));
    const cached = () => {
      for (let i = 0; i < 2; i++) s.route('TopicA');
    };
    cached();
    s.registry.unregisterBrokers([{ clusterName: 'DefaultCluster', brokerName: 'broker-a', ...slave }]);
    const groupA = () => s.route('TopicA').route.brokerDatas.find((b) => b.brokerName === 'broker-a')!;
    assert.deepEqual([...groupA().brokerAddrs.values()], ['10.0.0.1:10911'], 'the slave\'s address is gone');
    cached();
    s.registry.registerBroker(registration({ dataVersion: version(2), zoneName: 'zone-1', enableActingMaster: true }));
    assert.equal(groupA().zoneName, 'zone-1');
    assert.equal(groupA().enableActingMaster, true);
    cached();
    s.registry.unregisterBrokers([{ clusterName: 'DefaultCluster', brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911', brokerId: 0 }]);
    assert.deepEqual(s.route('TopicA').route.brokerDatas.map((b) => b.brokerName), ['broker-a'], 'broker-b is gone');
  });

  it('answers assembled from kept fragments are the bytes a fresh encoding gives, in both flavours', () => {
    const s = routeServer();
    s.registry.registerBroker(registration());
    s.registry.registerBroker(registration({ brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911', connectionId: 3, zoneName: 'z\u00e9', topics: [topicConfig('TopicA', { perm: 4 })] }));
    for (const [version, flavor] of [[409, 'standard'], [0, 'fastjson']] as const) {
      const fresh = encodeTopicRouteData(s.registry.pickupTopicRoute('TopicA')!, flavor);
      for (const topic of ['TopicB', 'TopicA', 'TopicA']) s.ask(topic, version); // fragments kept by earlier answers
      s.cache.clear();
      const reply = s.ask('TopicA', version);
      assert.equal(reply.code, ResponseCode.SUCCESS);
      assert.deepEqual(reply.body, fresh, flavor);
    }
  });

  it('rebuilds when the order-topic config in KV changes, and after the switches change (clear)', () => {
    const s = routeServer();
    s.switches.orderMessageEnable = true;
    s.registry.registerBroker(registration());
    for (let i = 0; i < 3; i++) s.route('TopicA');
    s.putKv('TopicA', 'broker-a:4');
    assert.equal(s.route('TopicA').route.orderTopicConf, 'broker-a:4');
    s.route('TopicA');
    s.switches.orderMessageEnable = false;
    s.cache.clear();
    assert.equal(s.route('TopicA').route.orderTopicConf ?? null, null);
  });

  it('keeps its answers through KV writes routes do not carry: other namespaces, or any without orderMessageEnable', () => {
    const s = routeServer();
    s.switches.orderMessageEnable = true;
    s.registry.registerBroker(registration());
    for (let i = 0; i < 2; i++) s.route('TopicA');
    let hits = s.counters.routeCache.hit;
    s.putKv('someKey', 'someValue', 'SOME_OTHER_NAMESPACE');
    s.route('TopicA');
    assert.equal(s.counters.routeCache.hit, hits + 1, 'another namespace');
    s.switches.orderMessageEnable = false;
    s.cache.clear();
    for (let i = 0; i < 2; i++) s.route('TopicA');
    hits = s.counters.routeCache.hit;
    s.putKv('TopicA', 'broker-a:4');
    assert.equal(s.route('TopicA').route.orderTopicConf ?? null, null);
    assert.equal(s.counters.routeCache.hit, hits + 1, 'order config is not in routes now');
  });

  it('each JSON flavour is its own answer', () => {
    const s = routeServer();
    s.registry.registerBroker(registration());
    for (let i = 0; i < 3; i++) s.ask('TopicA', 409);
    const hits = s.counters.routeCache.hit;
    s.ask('TopicA', 0); // a client older than 4.9.4: fastjson flavour
    assert.equal(s.counters.routeCache.hit, hits, 'the other flavour is not served from this one');
  });

  it('never holds more than its budget', () => {
    const s = routeServer(2_000);
    s.registry.registerBroker(registration({ topics: Array.from({ length: 50 }, (_, i) => topicConfig(`T${i}`)) }));
    // Each kept answer served once: worth keeping, so the cache starts afresh when full.
    for (let i = 0; i < 50; i++) for (let n = 0; n < 3; n++) s.route(`T${i}`);
    assert.equal(s.cache.isResting, false);
    assert.ok(s.cache.cachedRouteBytes <= 2_000);
    assert.ok(s.cache.cachedRouteBytes > 0);
  });

  it('rests when the answers it kept were served less often than kept, then keeps again, resting twice as long after each such fill', () => {
    const s = routeServer(3_000);
    // Queue counts of their own: no two topics share an answer (see the shared-answer tests).
    s.registry.registerBroker(registration({ topics: Array.from({ length: 400 }, (_, i) => topicConfig(`T${i}`, { writeQueueNums: i + 1 })) }));
    // Each topic asked twice in a row: kept at its second ask, never served from the cache.
    let asked = 0;
    let topic = 0;
    const twice = () => {
      const name = `T${topic++ % 400}`;
      for (let n = 0; n < 2; n++, asked++) s.route(name);
    };
    let fillStart = 0;
    for (const factor of [8, 16]) {
      while (!s.cache.isResting) {
        assert.ok(asked - fillStart < 800, 'rests once the budget is full');
        twice();
      }
      const filledIn = asked - fillStart;
      const restStart = asked;
      while (s.cache.isResting) {
        twice();
        assert.equal(s.cache.cachedRouteBytes, 0, 'nothing is kept while resting');
      }
      const rested = asked - restStart;
      assert.ok(rested >= factor * filledIn - 2 && rested <= factor * filledIn + 2, `rested ${rested} lookups after a fill of ${filledIn} (x${factor})`);
      fillStart = asked;
      twice();
      twice();
      assert.ok(s.cache.cachedRouteBytes > 0, 'keeps again');
    }
  });

  it('does not rest while its answers are served more often than kept', () => {
    const s = routeServer(3_000);
    s.registry.registerBroker(registration({ topics: Array.from({ length: 400 }, (_, i) => topicConfig(`T${i}`)) }));
    for (let i = 0; i < 400; i++) {
      for (let n = 0; n < 6; n++) s.route(`T${i % 3}`); // a hot set
      for (let n = 0; n < 2; n++) s.route(`T${i}`);
      assert.equal(s.cache.isResting, false, `lookup round ${i}`);
    }
    assert.ok(s.cache.cachedRouteBytes > 0);
  });

  it('a topic list being built is shared by whoever asks meanwhile, a change notwithstanding; the ask after it builds anew', async () => {
    const s = routeServer();
    s.registry.registerBroker(registration());
    let builds = 0;
    let finish!: (bytes: Buffer) => void;
    const slow = () => {
      builds++;
      return new Promise<Buffer>((resolve) => (finish = resolve));
    };
    const first = s.cache.allTopics(slow);
    s.registry.registerBroker(registration({ brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911', connectionId: 2, topics: [topicConfig('New'), topicConfig('TopicA')] }));
    assert.equal(s.cache.allTopics(slow), first, 'one build at a time');
    assert.equal(builds, 1);
    finish(Buffer.from('before the change'));
    assert.equal((await first).toString(), 'before the change');
    const next = s.cache.allTopics(() => {
      builds++;
      return Buffer.from('after the change');
    });
    assert.equal(next.toString(), 'after the change');
    assert.equal(builds, 2);
  });

  it('keeps nothing for topics without a route, whatever their names', () => {
    const s = routeServer();
    s.registry.registerBroker(registration());
    for (let i = 0; i < 100; i++) for (let n = 0; n < 2; n++) assert.equal(s.ask(`Missing${'x'.repeat(100)}${i}`).code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(s.cache.cachedRouteBytes, 0);
  });
});

describe('the route lookup header', () => {
  it('is read as decodeHeader reads GetRouteInfoHeader', () => {
    const cases: Array<Record<string, string> | null> = [
      { topic: 'T' },
      { topic: 'T', acceptStandardJsonOnly: 'TRUE', zoneMode: 'false', zoneName: 'z1' },
      { topic: 'T', acceptStandardJsonOnly: 'yes', zoneMode: 'True' },
      { topic: '', zoneName: '' },
    ];
    for (const extFields of cases) assert.deepEqual(readRouteInfoHeader(extFields), decodeHeader(GetRouteInfoHeader, extFields), JSON.stringify(extFields));
    for (const extFields of [null, {}, { zoneName: 'z' }] as Array<Record<string, string> | null>) {
      assert.throws(() => readRouteInfoHeader(extFields), (err: Error) => err.message === 'the custom field <topic> is null');
    }
  });
});
