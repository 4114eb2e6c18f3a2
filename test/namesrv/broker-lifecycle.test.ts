import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { SerializeType } from '../../src/remoting/remoting-command.js';
import { FakeBroker, registerRequest, topic } from '../support/fake-broker.js';
import { bodyJson, call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

async function routeOf(ns: RunningNameServer, topicName: string) {
  const client = await ns.connect();
  const response = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: topicName } });
  client.close();
  return response;
}

describe('a broker\'s life against the NameServer', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer();
  });
  after(() => ns.stop());

  it('registers over a JSON header and becomes routable', async () => {
    const broker = new FakeBroker(await ns.connect(), { brokerName: 'life-json' });
    const response = await broker.register();
    assert.equal(response.code, ResponseCode.SUCCESS);
    assert.deepEqual(response.extFields, {}, 'Java answers with an empty response header');
    assert.equal(response.serializeType, SerializeType.JSON);
    const route = await routeOf(ns, 'TopicA');
    assert.equal(route.code, ResponseCode.SUCCESS);
    const body = bodyJson(route) as { brokerDatas: Array<{ brokerName: string }> };
    assert.ok(body.brokerDatas.some((b) => b.brokerName === 'life-json'));
  });

  it('registers over a ROCKETMQ header and is answered in ROCKETMQ', async () => {
    const broker = new FakeBroker(await ns.connect(), { brokerName: 'life-binary', brokerAddr: '127.0.0.1:20911', topics: [topic('BinaryTopic'), topic('T2')] });
    const response = await broker.register({ rocketmq: true });
    assert.equal(response.code, ResponseCode.SUCCESS);
    assert.equal(response.serializeType, SerializeType.ROCKETMQ);
    assert.equal((await routeOf(ns, 'BinaryTopic')).code, ResponseCode.SUCCESS);
  });

  it('registers a compressed body', async () => {
    const broker = new FakeBroker(await ns.connect(), { brokerName: 'life-zip', brokerAddr: '127.0.0.1:30911', topics: [topic('ZipTopic'), topic('Z2')] });
    assert.equal((await broker.register({ compressed: true })).code, ResponseCode.SUCCESS);
    assert.equal((await routeOf(ns, 'ZipTopic')).code, ResponseCode.SUCCESS);
  });

  it('refuses a body whose crc32 does not match', async () => {
    const broker = new FakeBroker(await ns.connect(), { brokerName: 'life-crc', brokerAddr: '127.0.0.1:40911', topics: [topic('CrcTopic'), topic('C2')] });
    const response = await broker.register({ corruptCrc: true });
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(response.remark, 'crc32 not match');
    assert.equal((await routeOf(ns, 'CrcTopic')).code, ResponseCode.TOPIC_NOT_EXIST);
  });

  it('re-registers with and without changes, and answers QUERY_DATA_VERSION', async () => {
    const broker = new FakeBroker(await ns.connect(), { brokerName: 'life-version', brokerAddr: '127.0.0.1:50911', topics: [topic('V1'), topic('V2')] });
    await broker.register();
    let query = await broker.queryDataVersion();
    assert.equal(query.code, ResponseCode.SUCCESS);
    assert.deepEqual(query.extFields, { changed: 'false' });
    assert.deepEqual(bodyJson(query), { ...broker.dataVersion });

    assert.equal((await broker.register()).code, ResponseCode.SUCCESS, 'unchanged re-registration');

    broker.setTopics([topic('V1', { writeQueueNums: 8 }), topic('V2'), topic('V3')]);
    query = await broker.queryDataVersion();
    assert.deepEqual(query.extFields, { changed: 'true' }, 'the broker holds a newer version than the NameServer');
    await broker.register();
    const route = bodyJson(await routeOf(ns, 'V1')) as { queueDatas: Array<{ writeQueueNums: number }> };
    assert.equal(route.queueDatas[0]!.writeQueueNums, 8);
    assert.equal((await routeOf(ns, 'V3')).code, ResponseCode.SUCCESS);
  });

  it('QUERY_DATA_VERSION for an unknown broker says changed, with no body', async () => {
    const stranger = new FakeBroker(await ns.connect(), { brokerName: 'nobody', brokerAddr: '127.0.0.1:1' });
    const query = await stranger.queryDataVersion({ counter: 0, timestamp: 0, stateVersion: 0 });
    assert.deepEqual(query.extFields, { changed: 'true' });
    assert.equal(query.body, null);
  });

  it('a closed connection removes the broker\'s routes', async () => {
    const connection = await ns.connect();
    const broker = new FakeBroker(connection, { brokerName: 'life-close', brokerAddr: '127.0.0.1:60911', topics: [topic('CloseTopic'), topic('C3')] });
    await broker.register();
    assert.equal((await routeOf(ns, 'CloseTopic')).code, ResponseCode.SUCCESS);
    await ns.disconnect(connection);
    assert.equal((await routeOf(ns, 'CloseTopic')).code, ResponseCode.TOPIC_NOT_EXIST);
  });

  it('UNREGISTER_BROKER removes the broker', async () => {
    const broker = new FakeBroker(await ns.connect(), { brokerName: 'life-unreg', brokerAddr: '127.0.0.1:61911', topics: [topic('UnregTopic'), topic('U2')] });
    await broker.register();
    const response = await broker.unregister();
    assert.equal(response.code, ResponseCode.SUCCESS);
    assert.equal(response.extFields, null, 'Java writes no extFields for 104');
    await ns.server.registry.unregistrationsDrained();
    assert.equal((await routeOf(ns, 'UnregTopic')).code, ResponseCode.TOPIC_NOT_EXIST);
  });

  it('a broker silent past its timeout is dropped and its connection closed; heartbeats keep it', async () => {
    const quiet = await ns.connect();
    const talker = await ns.connect();
    const silentBroker = new FakeBroker(quiet, { brokerName: 'life-silent', brokerAddr: '127.0.0.1:62911', topics: [topic('SilentTopic'), topic('S2')] });
    const beatingBroker = new FakeBroker(talker, { brokerName: 'life-beat', brokerAddr: '127.0.0.1:63911', topics: [topic('BeatTopic'), topic('B2')] });
    await silentBroker.register();
    await beatingBroker.register();
    ns.clock.advance(100_000);
    assert.equal((await beatingBroker.heartbeat()).code, ResponseCode.SUCCESS);
    ns.clock.advance(20_001);
    ns.server.registry.scanNotActiveBrokers();
    await ns.closedAtServer(quiet);
    await ns.server.registry.unregistrationsDrained();
    assert.equal((await routeOf(ns, 'SilentTopic')).code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal((await routeOf(ns, 'BeatTopic')).code, ResponseCode.SUCCESS);
    assert.ok(talker.isOpen);
  });

  it('QUERY_DATA_VERSION keeps a broker alive only over the connection it registered on (unlike Java)', async () => {
    const options = { heartbeatTimeoutMillis: 3_000, topics: [topic('AskedTopic'), topic('A2')] };
    const asked = new FakeBroker(await ns.connect(), { ...options, brokerName: 'life-asked', brokerAddr: '127.0.0.1:61911' });
    const asking = new FakeBroker(await ns.connect(), { ...options, brokerName: 'life-asking', brokerAddr: '127.0.0.1:61811', topics: [topic('AskingTopic'), topic('A3')] });
    await asked.register();
    await asking.register();
    // Someone else (a NameServer comparison, say) asks for the silent broker's data version.
    const comparer = new FakeBroker(await ns.connect(), { brokerName: 'life-asked', brokerAddr: '127.0.0.1:61911' });
    for (let i = 0; i < 2; i++) {
      ns.clock.advance(2_000);
      assert.equal((await comparer.queryDataVersion(asked.dataVersion)).code, ResponseCode.SUCCESS);
      assert.equal((await asking.queryDataVersion()).code, ResponseCode.SUCCESS);
    }
    assert.equal(ns.server.registry.scanNotActiveBrokers(), 1);
    await ns.closedAtServer(asked.connection);
    await ns.server.registry.unregistrationsDrained();
    assert.equal((await routeOf(ns, 'AskedTopic')).code, ResponseCode.TOPIC_NOT_EXIST, 'asked from elsewhere: expired');
    assert.equal((await routeOf(ns, 'AskingTopic')).code, ResponseCode.SUCCESS, 'asked over its own connection: alive');
    assert.ok(comparer.connection.isOpen);
    await asking.unregister();
  });

  it('a slave learns its master\'s address and HA address', async () => {
    const master = new FakeBroker(await ns.connect(), { brokerName: 'life-ms', brokerAddr: '127.0.0.1:64911', topics: [topic('MsTopic'), topic('M2')] });
    const slave = new FakeBroker(await ns.connect(), { brokerName: 'life-ms', brokerId: 1, brokerAddr: '127.0.0.1:65011', topics: [topic('MsTopic'), topic('M2')] });
    await master.register();
    const response = await slave.register();
    assert.deepEqual(response.extFields, { masterAddr: '127.0.0.1:64911', haServerAddr: '127.0.0.1:64912' });
  });
});

describe('order topic config returned to brokers', () => {
  it('answers a registration with the ORDER_TOPIC_CONFIG namespace', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      await call(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'OrderTopic', value: 'broker-a:4' } });
      const response = await new FakeBroker(client).register();
      assert.deepEqual(bodyJson(response), { table: { OrderTopic: 'broker-a:4' } });
    } finally {
      await ns.stop();
    }
  });

  it('returns no body when returnOrderTopicConfigToBroker is off', async () => {
    const ns = await startNameServer({ namesrv: { returnOrderTopicConfigToBroker: false } });
    try {
      const client = await ns.connect();
      await call(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'OrderTopic', value: 'broker-a:4' } });
      assert.equal((await new FakeBroker(client).register()).body, null);
    } finally {
      await ns.stop();
    }
  });
});

describe('identical re-registrations', () => {
  it('a topic deleted on the NameServer comes back with the broker\'s next identical registration, as in Java', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      const broker = new FakeBroker(client, { topics: [topic('Keep'), topic('Gone')] });
      await broker.register();
      await broker.register(); // the unchanged body, recognised
      await call(client, RequestCode.DELETE_TOPIC_IN_NAMESRV, { extFields: { topic: 'Gone' } });
      assert.equal((await routeOf(ns, 'Gone')).code, ResponseCode.TOPIC_NOT_EXIST);
      await broker.register();
      assert.equal((await routeOf(ns, 'Gone')).code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });

  it('a changed body with the same length is decoded again', async () => {
    const ns = await startNameServer();
    try {
      const broker = new FakeBroker(await ns.connect(), { topics: [topic('AAAA'), topic('BBBB')] });
      await broker.register();
      broker.topics = [topic('AAAA'), topic('CCCC')]; // same length, same data version
      await broker.register();
      assert.equal((await routeOf(ns, 'CCCC')).code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });
});

describe('re-registrations where only the data version moved', () => {
  it('take the new data version and keep the routes', async () => {
    const ns = await startNameServer();
    try {
      const broker = new FakeBroker(await ns.connect(), { topics: [topic('Stay1'), topic('Stay2')] });
      await broker.register();
      broker.setTopics(broker.topics); // same topics, next data version
      assert.deepEqual((await broker.queryDataVersion()).extFields, { changed: 'true' });
      await broker.register();
      const query = await broker.queryDataVersion();
      assert.deepEqual(query.extFields, { changed: 'false' });
      assert.equal((bodyJson(query) as { counter: number }).counter, broker.dataVersion.counter);
      assert.equal((await routeOf(ns, 'Stay2')).code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });
});

describe('a compressed body flagged as JSON', () => {
  it('is recognised by its zlib header and registered', async () => {
    const ns = await startNameServer();
    try {
      const request = registerRequest({
        topics: [topic('Z1'), topic('Z2')],
        dataVersion: { counter: 1, timestamp: 1, stateVersion: 0 },
        brokerName: 'broker-z',
        compressed: true,
        compressedFlag: false,
      });
      assert.equal((await call(await ns.connect(), RequestCode.REGISTER_BROKER, request)).code, ResponseCode.SUCCESS);
      assert.equal((await routeOf(ns, 'Z2')).code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });
});
