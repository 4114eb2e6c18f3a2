import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NameServerClient } from '../../src/client/namesrv/name-server-client.js';
import { LatencyFaultStrategy, QueueIndex } from '../../src/client/producer/latency-fault-strategy.js';
import { topicRouteToPublishInfo } from '../../src/client/producer/publish-info.js';
import { TopicPublishRouter } from '../../src/client/producer/topic-publish-router.js';
import type { TopicRouteData } from '../../src/protocol/route-types.js';
import { ManualClock } from '../../src/util/clock.js';
import { CALL_TIMEOUT_MS, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { until } from '../support/until.js';
import { addressOf, registerFakeBroker, topic } from './helpers.js';

function route(overrides: Partial<TopicRouteData> = {}): TopicRouteData {
  return {
    queueDatas: [
      { brokerName: 'broker-b', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 },
      { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 3, perm: 6, topicSysFlag: 0 },
      { brokerName: 'broker-c', readQueueNums: 4, writeQueueNums: 4, perm: 4, topicSysFlag: 0 },
      { brokerName: 'broker-d', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
    ],
    brokerDatas: [
      { cluster: 'c', brokerName: 'broker-a', brokerAddrs: new Map([[0, 'a:1']]), enableActingMaster: false },
      { cluster: 'c', brokerName: 'broker-b', brokerAddrs: new Map([[0, 'b:1']]), enableActingMaster: false },
      { cluster: 'c', brokerName: 'broker-c', brokerAddrs: new Map([[0, 'c:1']]), enableActingMaster: false },
      { cluster: 'c', brokerName: 'broker-d', brokerAddrs: new Map([[1, 'd:2']]), enableActingMaster: false },
    ],
    filterServerTable: new Map(),
    ...overrides,
  };
}

describe('publish info from a route', () => {
  test('write queues of writable brokers with a master, brokers in name order', () => {
    const info = topicRouteToPublishInfo('T', route());
    assert.equal(info.orderTopic, false);
    assert.deepEqual(
      info.messageQueues.map((q) => `${q.brokerName}/${q.queueId}`),
      ['broker-a/0', 'broker-a/1', 'broker-a/2', 'broker-b/0', 'broker-b/1'],
    );
  });

  test('an order-topic config lists the queues outright', () => {
    const info = topicRouteToPublishInfo('T', route({ orderTopicConf: 'broker-x:2;broker-y:1' }));
    assert.equal(info.orderTopic, true);
    assert.deepEqual(info.messageQueues.map((q) => `${q.brokerName}/${q.queueId}`), ['broker-x/0', 'broker-x/1', 'broker-y/0']);
  });

  test('a static topic maps to logical queues under the mock broker name', () => {
    const mapping = new Map([
      ['broker-a', { bname: 'broker-a', scope: '__global__', totalQueues: 3, epoch: 1, currIdMap: { 0: 0, 1: 1 } }],
      ['broker-b', { bname: 'broker-b', scope: '__global__', totalQueues: 3, epoch: 1, currIdMap: { 2: 0 } }],
    ]);
    const info = topicRouteToPublishInfo('T', route({ topicQueueMappingByBroker: mapping }));
    assert.deepEqual(info.messageQueues.map((q) => `${q.brokerName}/${q.queueId}`), ['__syslo__global__/0', '__syslo__global__/1', '__syslo__global__/2']);
  });
});

describe('latency fault strategy', () => {
  test('a failed broker is avoided for the isolation time, then chosen again', () => {
    const clock = new ManualClock(1_000_000);
    const strategy = new LatencyFaultStrategy({ clock });
    const info = topicRouteToPublishInfo('T', route());
    const index = new QueueIndex(0);
    strategy.updateFaultItem('broker-a', 40, true, false);
    for (let i = 0; i < 20; i++) assert.equal(strategy.selectQueue(info, index)!.brokerName, 'broker-b');
    clock.advance(10_000);
    const chosen = new Set(Array.from({ length: 10 }, () => strategy.selectQueue(info, index)!.brokerName));
    assert.ok(chosen.has('broker-a'));
  });

  test('a slow send keeps the broker out by the latency table', () => {
    const clock = new ManualClock(0);
    const strategy = new LatencyFaultStrategy({ clock });
    strategy.updateFaultItem('broker-a', 600, false);
    assert.equal(strategy.isAvailable('broker-a'), false);
    clock.advance(1999);
    assert.equal(strategy.isAvailable('broker-a'), false);
    clock.advance(1);
    assert.equal(strategy.isAvailable('broker-a'), true);
    strategy.updateFaultItem('broker-b', 80, false);
    assert.equal(strategy.isAvailable('broker-b'), true);
  });

  test('when every broker is out, a queue is still chosen, avoiding the last failed broker', () => {
    const strategy = new LatencyFaultStrategy({ clock: new ManualClock(0) });
    const info = topicRouteToPublishInfo('T', route());
    strategy.updateFaultItem('broker-a', 0, true);
    strategy.updateFaultItem('broker-b', 0, true);
    const index = new QueueIndex(0);
    for (let i = 0; i < 5; i++) assert.equal(strategy.selectQueue(info, index, 'broker-a')!.brokerName, 'broker-b');
  });
});

describe('TopicPublishRouter against a NameServer', () => {
  let ns: RunningNameServer;
  let client: NameServerClient;

  before(async () => {
    ns = await startNameServer();
    await registerFakeBroker(ns, { brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', topics: [topic('TopicA'), topic('TopicX')] });
    await registerFakeBroker(ns, { brokerName: 'broker-b', brokerAddr: '127.0.0.1:10921', topics: [topic('TopicA'), topic('TopicY')] });
    client = new NameServerClient({ nameServers: addressOf(ns), timeoutMs: CALL_TIMEOUT_MS });
  });

  after(async () => {
    await client.close();
    await ns.stop();
  });

  test('stops choosing a broker whose send failed, before any route refresh', async () => {
    const clock = new ManualClock(5_000_000);
    const router = new TopicPublishRouter({ client, refreshIntervalMs: 60_000, faultStrategy: { clock } });
    try {
      const info = await router.publishInfo('TopicA');
      assert.equal(info.messageQueues.length, 8);
      const first = await router.selectQueue('TopicA');
      router.reportSendFailure(first.brokerName, 3000);
      const other = first.brokerName === 'broker-a' ? 'broker-b' : 'broker-a';
      for (let i = 0; i < 16; i++) assert.equal((await router.selectQueue('TopicA')).brokerName, other);
      assert.equal(await router.publishInfo('TopicA'), info, 'the route was not fetched again');
      clock.advance(10_000);
      router.reportSendSuccess(first.brokerName, 5);
      const chosen = new Set<string>();
      for (let i = 0; i < 8; i++) chosen.add((await router.selectQueue('TopicA')).brokerName);
      assert.deepEqual(Array.from(chosen).sort(), ['broker-a', 'broker-b']);
    } finally {
      router.close();
    }
  });

  test('refreshes routes on its interval', async () => {
    const router = new TopicPublishRouter({ client, refreshIntervalMs: 30 });
    try {
      assert.equal((await router.publishInfo('TopicA')).messageQueues.length, 8);
      await client.wipeWritePermOfBroker('broker-a');
      await until(async () => (await router.publishInfo('TopicA')).messageQueues.length === 4);
      const brokers = new Set((await router.publishInfo('TopicA')).messageQueues.map((q) => q.brokerName));
      assert.deepEqual(Array.from(brokers), ['broker-b']);
    } finally {
      router.close();
      await client.addWritePermOfBroker('broker-a');
    }
  });
});
