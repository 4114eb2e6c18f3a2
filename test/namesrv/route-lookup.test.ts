import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { SerializeType } from '../../src/remoting/remoting-command.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { bodyJson, call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { groupWithoutMaster } from '../support/serving-processes.js';

const NOT_EXIST_REMARK =
  'No topic route info in name server for the topic: NoSuchTopic\nSee http://rocketmq.apache.org/docs/faq/ for further details.';

describe('GET_ROUTEINFO_BY_TOPIC', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer();
    await new FakeBroker(await ns.connect(), { brokerAddr: '127.0.0.1:33911', topics: [topic('CapRouteTopic'), topic('Other')] }).register();
  });
  after(() => ns.stop());

  for (const rocketmq of [false, true]) {
    const encoding = rocketmq ? 'ROCKETMQ' : 'JSON';
    it(`writes standard JSON for clients at version 401 and later (${encoding} header)`, async () => {
      const response = await call(await ns.connect(), RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'CapRouteTopic' }, version: 401, rocketmq });
      assert.equal(response.code, ResponseCode.SUCCESS);
      assert.equal(response.serializeType, rocketmq ? SerializeType.ROCKETMQ : SerializeType.JSON);
      assert.equal(response.version, 479);
      assert.match(response.body!.toString(), /"brokerAddrs":\{"0":"127\.0\.0\.1:33911"\}/);
    });

    it(`writes fastjson's form for clients before 401 (${encoding} header)`, async () => {
      const response = await call(await ns.connect(), RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'CapRouteTopic' }, version: 399, rocketmq });
      assert.match(response.body!.toString(), /"brokerAddrs":\{0:"127\.0\.0\.1:33911"\}/);
    });

    it(`answers TOPIC_NOT_EXIST with Java's remark (${encoding} header)`, async () => {
      const response = await call(await ns.connect(), RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'NoSuchTopic' }, rocketmq });
      assert.equal(response.code, ResponseCode.TOPIC_NOT_EXIST);
      assert.equal(response.remark, NOT_EXIST_REMARK);
      assert.equal(response.body, null);
    });
  }

  it('honours acceptStandardJsonOnly from old clients', async () => {
    const client = await ns.connect();
    const yes = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'CapRouteTopic', acceptStandardJsonOnly: 'true' }, version: 399 });
    const no = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'CapRouteTopic', acceptStandardJsonOnly: 'false' }, version: 399 });
    assert.match(yes.body!.toString(), /\{"0":/);
    assert.match(no.body!.toString(), /\{0:/);
  });

  it('serves a changed route after the broker re-registers (the cached answer is dropped)', async () => {
    const client = await ns.connect();
    const before = bodyJson(await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Other' } })) as { queueDatas: Array<{ writeQueueNums: number }> };
    assert.equal(before.queueDatas[0]!.writeQueueNums, 4);
    const broker = new FakeBroker(await ns.connect(), { brokerAddr: '127.0.0.1:33911', topics: [topic('CapRouteTopic'), topic('Other')] });
    broker.setTopics([topic('CapRouteTopic'), topic('Other', { writeQueueNums: 16 })]);
    await broker.register();
    const afterChange = bodyJson(await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Other' } })) as { queueDatas: Array<{ writeQueueNums: number }> };
    assert.equal(afterChange.queueDatas[0]!.writeQueueNums, 16);
  });

  it('answers a request without the topic field with an error and keeps the connection', async () => {
    const client = await ns.connect();
    const response = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: {} });
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.match(response.remark!, /topic/);
    const noExt = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC);
    assert.equal(noExt.code, ResponseCode.SYSTEM_ERROR);
    assert.equal((await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'CapRouteTopic' } })).code, ResponseCode.SUCCESS);
  });
});

describe('route lookup switches', () => {
  it('adds the order-topic config when orderMessageEnable is on', async () => {
    const ns = await startNameServer({ namesrv: { orderMessageEnable: true } });
    try {
      const client = await ns.connect();
      await new FakeBroker(client).register();
      const before = bodyJson(await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'TopicA' } })) as { orderTopicConf?: string };
      assert.equal(before.orderTopicConf, undefined);
      await call(client, RequestCode.PUT_KV_CONFIG, { extFields: { namespace: 'ORDER_TOPIC_CONFIG', key: 'TopicA', value: 'broker-a:4' } });
      const after = bodyJson(await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'TopicA' } })) as { orderTopicConf?: string };
      assert.equal(after.orderTopicConf, 'broker-a:4');
    } finally {
      await ns.stop();
    }
  });

  it('refuses lookups until waitSecondsForService has passed when needWaitForService is on', async () => {
    const ns = await startNameServer({ namesrv: { needWaitForService: true, waitSecondsForService: 45 } });
    try {
      const client = await ns.connect();
      await new FakeBroker(client).register();
      const early = await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'TopicA' } });
      assert.equal(early.code, ResponseCode.SYSTEM_ERROR);
      assert.equal(early.remark, 'name server not ready');
      ns.clock.advance(45_000);
      assert.equal((await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'TopicA' } })).code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });

  it('in zone mode answers only the caller\'s zone, keeping groups whose master is down', async () => {
    const ns = await startNameServer();
    try {
      const topics = [topic('ZoneTopic'), topic('Z2')];
      await new FakeBroker(await ns.connect(), { brokerName: 'east-1', brokerAddr: '127.0.0.1:1001', zoneName: 'east', topics }).register();
      await new FakeBroker(await ns.connect(), { brokerName: 'west-1', brokerAddr: '127.0.0.1:2001', zoneName: 'west', topics }).register();
      await new FakeBroker(await ns.connect(), { brokerName: 'west-2', brokerId: 1, brokerAddr: '127.0.0.1:3001', zoneName: 'west', enableActingMaster: true, topics }).register();
      const client = await ns.connect();
      const zoned = bodyJson(await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'ZoneTopic', zoneMode: 'true', zoneName: 'EAST' } })) as {
        brokerDatas: Array<{ brokerName: string }>;
      };
      assert.deepEqual(zoned.brokerDatas.map((b) => b.brokerName).sort(), ['east-1', 'west-2']);
      const all = bodyJson(await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'ZoneTopic' } })) as { brokerDatas: unknown[] };
      assert.equal(all.brokerDatas.length, 3);
    } finally {
      await ns.stop();
    }
  });

  it('offers an acting master over the wire when supportActingMaster is on', async () => {
    const ns = await startNameServer({ namesrv: { supportActingMaster: true } });
    try {
      await groupWithoutMaster(ns);
      type Route = { brokerDatas: Array<{ brokerAddrs: Record<string, string> }>; queueDatas: Array<{ perm: number }> };
      const route = bodyJson(await call(await ns.connect(), RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'ActTopic' } })) as Route;
      assert.deepEqual(route.brokerDatas[0]!.brokerAddrs, { '0': '127.0.0.1:4002' });
      assert.equal(route.queueDatas[0]!.perm & 2, 0);
    } finally {
      await ns.stop();
    }
  });
});

describe('cached answers after a broker changes', () => {
  it('a broker\'s new zone and addresses show in the next lookup', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      const lookup = async () => (await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'Moving' } })).body!.toString();
      const topics = [topic('Moving'), topic('Other')];
      await new FakeBroker(await ns.connect(), { brokerAddr: '127.0.0.1:5001', zoneName: 'east', topics }).register();
      for (let i = 0; i < 3; i++) assert.match(await lookup(), /"zoneName":"east"/);
      await new FakeBroker(await ns.connect(), { brokerAddr: '127.0.0.1:5001', zoneName: 'west', topics }).register();
      assert.match(await lookup(), /"zoneName":"west"/);
      await new FakeBroker(await ns.connect(), { brokerId: 1, brokerAddr: '127.0.0.1:5002', zoneName: 'west', topics }).register();
      assert.match(await lookup(), /"1":"127\.0\.0\.1:5002"/);
    } finally {
      await ns.stop();
    }
  });
});
