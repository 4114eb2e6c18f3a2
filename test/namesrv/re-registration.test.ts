import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeClusterInfo } from '../../src/protocol/bodies/index.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import type { TopicConfig } from '../../src/protocol/route-types.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import { FakeBroker, topic, type FakeBrokerOptions } from '../support/fake-broker.js';
import { bodyJson, call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

interface QueueView {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
}

/**
 * Brokers re-register every 30 s, mostly with the topic table they sent last time. Whatever the
 * server does to avoid decoding those, the routes must be exactly what Java's NameServer gives:
 * a broker's topics are taken in full when its data version moved, only missing ones otherwise.
 */
for (const compressed of [false, true]) {
  describe(`re-registrations with ${compressed ? 'compressed' : 'JSON'} bodies give Java's routes`, () => {
    let ns: RunningNameServer;
    let client: ClientConnection;
    let nextPort = 11000;
    before(async () => {
      ns = await startNameServer();
      client = await ns.connect();
    });
    after(() => ns.stop());

    async function broker(options: FakeBrokerOptions = {}): Promise<FakeBroker> {
      nextPort += 10;
      return new FakeBroker(await ns.connect(), { brokerName: `broker-${nextPort}`, brokerAddr: `127.0.0.1:${nextPort}`, ...options });
    }

    async function register(b: FakeBroker, topics: TopicConfig[], counter: number): Promise<void> {
      b.topics = topics;
      b.dataVersion = { ...b.dataVersion, counter };
      const response = await b.register({ compressed });
      assert.equal(response.code, ResponseCode.SUCCESS, response.remark ?? '');
    }

    async function queues(topicName: string): Promise<QueueView[] | null> {
      const response = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: topicName } });
      if (response.code === ResponseCode.TOPIC_NOT_EXIST) return null;
      assert.equal(response.code, ResponseCode.SUCCESS);
      const body = bodyJson(response) as { queueDatas: QueueView[] };
      return body.queueDatas.map(({ brokerName, readQueueNums, writeQueueNums, perm }) => ({ brokerName, readQueueNums, writeQueueNums, perm }));
    }

    function q(b: FakeBroker, nums: number, perm: number): QueueView {
      return { brokerName: b.brokerName, readQueueNums: nums, writeQueueNums: nums, perm };
    }

    it('same version with another body, then a new version with that body: the new body is taken', async () => {
      const b = await broker();
      const T = `T-${b.brokerName}`;
      await register(b, [topic(T, { readQueueNums: 8, writeQueueNums: 8, perm: 6 }), topic('Other')], 1);
      assert.deepEqual(await queues(T), [q(b, 8, 6)]);
      await register(b, [topic(T, { readQueueNums: 5, writeQueueNums: 5, perm: 4 }), topic('Other')], 1);
      assert.deepEqual(await queues(T), [q(b, 8, 6)], 'same data version: existing topics are kept');
      await register(b, [topic(T, { readQueueNums: 5, writeQueueNums: 5, perm: 4 }), topic('Other')], 2);
      assert.deepEqual(await queues(T), [q(b, 5, 4)], 'new data version: the body is taken');
      await register(b, [topic(T, { readQueueNums: 5, writeQueueNums: 5, perm: 4 }), topic('Other')], 3);
      assert.deepEqual(await queues(T), [q(b, 5, 4)]);
    });

    it('a wiped write permission stays until the broker\'s data version moves, even with an unchanged body', async () => {
      const b = await broker();
      const T = `W-${b.brokerName}`;
      const topics = [topic(T), topic(`${T}-2`)];
      await register(b, topics, 1);
      const wiped = await call(client, RequestCode.WIPE_WRITE_PERM_OF_BROKER, { extFields: { brokerName: b.brokerName } });
      assert.equal(wiped.code, ResponseCode.SUCCESS);
      assert.deepEqual(await queues(T), [q(b, 4, 4)]);
      await register(b, topics, 1);
      assert.deepEqual(await queues(T), [q(b, 4, 4)], 'same version: the wipe holds');
      await register(b, topics, 1);
      assert.deepEqual(await queues(T), [q(b, 4, 4)], 'and holds again');
      await register(b, topics, 2); // e.g. updateBrokerConfig brokerPermission=6
      assert.deepEqual(await queues(T), [q(b, 4, 6)], 'new version: every topic rewritten as the broker sends it');
    });

    it('a new version with a new body, and an unchanged body after it', async () => {
      const b = await broker();
      const T = `N-${b.brokerName}`;
      await register(b, [topic(T), topic('Other')], 1);
      await register(b, [topic(T, { writeQueueNums: 2, readQueueNums: 2 }), topic('Other')], 2);
      assert.deepEqual(await queues(T), [q(b, 2, 6)]);
      await register(b, [topic(T, { writeQueueNums: 2, readQueueNums: 2 }), topic('Other')], 3);
      assert.deepEqual(await queues(T), [q(b, 2, 6)]);
    });

    it('a topic deleted on the NameServer comes back with the next registration, whatever its version', async () => {
      const b = await broker();
      const T = `D-${b.brokerName}`;
      const topics = [topic(T), topic(`${T}-2`)];
      await register(b, topics, 1);
      await register(b, topics, 1);
      const deleted = await call(client, RequestCode.DELETE_TOPIC_IN_NAMESRV, { extFields: { topic: T } });
      assert.equal(deleted.code, ResponseCode.SUCCESS);
      assert.equal(await queues(T), null);
      await register(b, topics, 1);
      assert.deepEqual(await queues(T), [q(b, 4, 6)]);
    });

    it('a broker that reconnects on a new connection is registered afresh', async () => {
      const b = await broker();
      const T = `R-${b.brokerName}`;
      const topics = [topic(T), topic(`${T}-2`)];
      await register(b, topics, 1);
      await b.unregister();
      await ns.disconnect(b.connection);
      assert.equal(await queues(T), null);
      const again = new FakeBroker(await ns.connect(), { brokerName: b.brokerName, brokerAddr: b.brokerAddr });
      await register(again, topics, 1);
      assert.deepEqual(await queues(T), [q(again, 4, 6)]);
    });

    it('a broker whose old connection closes after it registered on a new one stays registered', async () => {
      const b = await broker();
      const T = `N-${b.brokerName}`;
      const topics = [topic(T), topic(`${T}-2`)];
      await register(b, topics, 1);
      const again = new FakeBroker(await ns.connect(), { brokerName: b.brokerName, brokerAddr: b.brokerAddr });
      await register(again, topics, 1);
      await ns.disconnect(b.connection);
      assert.deepEqual(await queues(T), [q(again, 4, 6)]);
    });

    it('a slave\'s topics are not taken until it is the prime slave of an acting-master group', async () => {
      const master = await broker({ enableActingMaster: true });
      const T = `S-${master.brokerName}`;
      const slave = await broker({ enableActingMaster: true, brokerName: master.brokerName, brokerId: 1 });
      await register(master, [topic(T), topic('Other')], 1);
      await register(slave, [topic(T), topic(`${T}-slave-only`)], 1);
      await register(slave, [topic(T), topic(`${T}-slave-only`)], 1);
      assert.equal(await queues(`${T}-slave-only`), null, 'a slave\'s own topics are not routed');
      await master.unregister();
      ns.server.registry.flushUnregistrations();
      await register(slave, [topic(T), topic(`${T}-slave-only`)], 1);
      assert.deepEqual(await queues(`${T}-slave-only`), [q(slave, 4, 4)], 'the prime slave\'s topics are taken, read-only');
      assert.deepEqual(await queues(T), [q(slave, 4, 4)]);
    });
  });
}

describe('re-registrations with deleteTopicWithBrokerRegistration', () => {
  it('delete the topics a body lacks even when its data version and body did not change', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      const b = new FakeBroker(await ns.connect(), { brokerName: 'del-broker' });
      const routed = async (t: string) => (await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: t } })).code;
      b.topics = [topic('A'), topic('B'), topic('C')];
      await b.register();
      b.setTopics([topic('A'), topic('B')]);
      await b.register();
      await b.register();
      assert.equal(await routed('C'), ResponseCode.SUCCESS, 'kept while the switch is off');
      const update = await call(client, RequestCode.UPDATE_NAMESRV_CONFIG, { body: 'deleteTopicWithBrokerRegistration=true' });
      assert.equal(update.code, ResponseCode.SUCCESS);
      await b.register();
      assert.equal(await routed('C'), ResponseCode.TOPIC_NOT_EXIST, 'an unchanged body still deletes what it lacks');
      assert.equal(await routed('A'), ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });
});

describe('cached cluster info follows every broker change', () => {
  it('shows a broker name that joined another cluster at the same address', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      const clusters = async () => {
        const response = await call(client, RequestCode.GET_BROKER_CLUSTER_INFO);
        const { clusterAddrTable } = decodeClusterInfo(response.body!);
        return Object.fromEntries([...clusterAddrTable].map(([cluster, names]) => [cluster, [...names]]));
      };
      const first = new FakeBroker(await ns.connect(), { clusterName: 'C1', brokerName: 'mover' });
      await first.register();
      assert.deepEqual(await clusters(), { C1: ['mover'] });
      const moved = new FakeBroker(first.connection, { clusterName: 'C2', brokerName: 'mover' });
      await moved.register();
      assert.deepEqual(Object.keys(await clusters()).sort(), ['C1', 'C2'], 'as Java: the name is now listed under both');
      assert.deepEqual((await clusters()).C2, ['mover']);
    } finally {
      await ns.stop();
    }
  });
});
