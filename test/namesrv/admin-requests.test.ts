import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { bodyJson, call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

describe('admin requests', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer();
    await new FakeBroker(await ns.connect(), {
      brokerAddr: '127.0.0.1:33911',
      topics: [topic('TBW102', { perm: 7, readQueueNums: 8, writeQueueNums: 8 }), topic('UnitTopic', { topicSysFlag: 1 }), topic('SubTopic', { topicSysFlag: 2 })],
    }).register();
    await new FakeBroker(await ns.connect(), { clusterName: 'OtherCluster', brokerName: 'broker-x', brokerAddr: '127.0.0.1:43911', topics: [topic('XTopic'), topic('TBW102')] }).register();
  });
  after(() => ns.stop());

  for (const rocketmq of [false, true]) {
    const encoding = rocketmq ? 'ROCKETMQ' : 'JSON';

    it(`GET_BROKER_CLUSTER_INFO (${encoding})`, async () => {
      const response = await call(await ns.connect(), RequestCode.GET_BROKER_CLUSTER_INFO, { rocketmq });
      assert.equal(response.code, ResponseCode.SUCCESS);
      const text = response.body!.toString();
      assert.match(text, /"brokerAddrs":\{0:"127\.0\.0\.1:33911"\}/, 'cluster info keeps fastjson\'s unquoted keys');
      assert.match(text, /"clusterAddrTable":\{/);
      assert.match(text, /"DefaultCluster":\["broker-a"\]/);
      assert.match(text, /"OtherCluster":\["broker-x"\]/);
    });

    it(`GET_ALL_TOPIC_LIST_FROM_NAMESERVER (${encoding})`, async () => {
      const response = await call(await ns.connect(), RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, { rocketmq });
      const { topicList } = bodyJson(response) as { topicList: string[] };
      assert.deepEqual(topicList.sort(), ['SubTopic', 'TBW102', 'UnitTopic', 'XTopic']);
    });

    it(`GET_TOPICS_BY_CLUSTER (${encoding})`, async () => {
      const response = await call(await ns.connect(), RequestCode.GET_TOPICS_BY_CLUSTER, { extFields: { cluster: 'OtherCluster' }, rocketmq });
      assert.deepEqual((bodyJson(response) as { topicList: string[] }).topicList.sort(), ['TBW102', 'XTopic']);
    });

    it(`GET_TOPICS_BY_CLUSTER follows the registry: topics and brokers that come and go (${encoding})`, async () => {
      const client = await ns.connect();
      const topicsOf = async (cluster: string) =>
        (bodyJson(await call(client, RequestCode.GET_TOPICS_BY_CLUSTER, { extFields: { cluster }, rocketmq })) as { topicList: string[] }).topicList.sort();
      const cluster = `Changing${encoding}`;
      assert.deepEqual(await topicsOf(cluster), [], 'no such cluster yet');
      const broker = new FakeBroker(await ns.connect(), { clusterName: cluster, brokerName: `broker-${encoding}`, brokerAddr: `127.0.0.1:${rocketmq ? 53911 : 53921}`, topics: [topic('ChangingA'), topic('TBW102')] });
      assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
      assert.deepEqual(await topicsOf(cluster), ['ChangingA', 'TBW102']);
      assert.deepEqual(await topicsOf(cluster), ['ChangingA', 'TBW102'], 'asked again, unchanged');
      broker.setTopics([topic('ChangingA'), topic('TBW102'), topic('ChangingB')]);
      assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
      assert.deepEqual(await topicsOf(cluster), ['ChangingA', 'ChangingB', 'TBW102']);
      assert.equal((await call(client, RequestCode.DELETE_TOPIC_IN_NAMESRV, { extFields: { topic: 'ChangingA' }, rocketmq })).code, ResponseCode.SUCCESS);
      assert.deepEqual(await topicsOf(cluster), ['ChangingB', 'TBW102']);
      assert.equal((await broker.unregister()).code, ResponseCode.SUCCESS);
      await ns.server.registry.unregistrationsDrained();
      assert.deepEqual(await topicsOf(cluster), []);
    });

    it(`GET_SYSTEM_TOPIC_LIST_FROM_NS (${encoding})`, async () => {
      const response = await call(await ns.connect(), RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, { rocketmq });
      const body = bodyJson(response) as { topicList: string[]; brokerAddr: string };
      assert.deepEqual(body.topicList.sort(), ['DefaultCluster', 'OtherCluster', 'broker-a', 'broker-x']);
      assert.ok(['127.0.0.1:33911', '127.0.0.1:43911'].includes(body.brokerAddr));
    });

    it(`unit topic lists (${encoding})`, async () => {
      const client = await ns.connect();
      const list = async (code: number) => (bodyJson(await call(client, code, { rocketmq })) as { topicList: string[] }).topicList;
      assert.deepEqual(await list(RequestCode.GET_UNIT_TOPIC_LIST), ['UnitTopic']);
      assert.deepEqual(await list(RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST), ['SubTopic']);
      assert.deepEqual(await list(RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST), ['SubTopic']);
    });

    it(`GET_BROKER_MEMBER_GROUP (${encoding})`, async () => {
      const response = await call(await ns.connect(), RequestCode.GET_BROKER_MEMBER_GROUP, { extFields: { clusterName: 'DefaultCluster', brokerName: 'broker-a' }, rocketmq });
      assert.match(response.body!.toString(), /"brokerMemberGroup":\{"brokerAddrs":\{0:"127\.0\.0\.1:33911"\},"brokerName":"broker-a","cluster":"DefaultCluster"\}/);
    });

    it(`GET_NAMESRV_CONFIG (${encoding})`, async () => {
      const response = await call(await ns.connect(), RequestCode.GET_NAMESRV_CONFIG, { rocketmq });
      const text = response.body!.toString();
      assert.match(text, /^listenPort=0$/m);
      assert.match(text, /^orderMessageEnable=false$/m);
      assert.match(text, /^serverChannelMaxIdleTimeSeconds=120$/m);
    });
  }

  it('the unit-topic lists follow the registry: a unit topic registered after a list was asked for is in the next one', async () => {
    const client = await ns.connect();
    const unitTopics = async () => (bodyJson(await call(client, RequestCode.GET_UNIT_TOPIC_LIST)) as { topicList: string[] }).topicList.sort();
    assert.deepEqual(await unitTopics(), ['UnitTopic']);
    const broker = new FakeBroker(await ns.connect(), { brokerName: 'broker-unit', brokerAddr: '127.0.0.1:63911', topics: [topic('LaterUnitTopic', { topicSysFlag: 1 }), topic('PlainTopic')] });
    assert.equal((await broker.register()).code, ResponseCode.SUCCESS);
    assert.deepEqual(await unitTopics(), ['LaterUnitTopic', 'UnitTopic']);
    assert.equal((await broker.unregister()).code, ResponseCode.SUCCESS);
    await ns.server.registry.unregistrationsDrained();
    assert.deepEqual(await unitTopics(), ['UnitTopic']);
  });

  it('WIPE_WRITE_PERM_OF_BROKER and ADD_WRITE_PERM_OF_BROKER answer the topic counts', async () => {
    const client = await ns.connect();
    const wipe = await call(client, RequestCode.WIPE_WRITE_PERM_OF_BROKER, { extFields: { brokerName: 'broker-a' } });
    assert.equal(wipe.code, ResponseCode.SUCCESS);
    assert.deepEqual(wipe.extFields, { wipeTopicCount: '3' });
    const route = bodyJson(await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'UnitTopic' } })) as { queueDatas: Array<{ perm: number }> };
    assert.equal(route.queueDatas[0]!.perm, 4);
    const add = await call(client, RequestCode.ADD_WRITE_PERM_OF_BROKER, { extFields: { brokerName: 'broker-a' }, rocketmq: true });
    assert.deepEqual(add.extFields, { addTopicCount: '3' });
    const restored = bodyJson(await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'UnitTopic' } })) as { queueDatas: Array<{ perm: number }> };
    assert.equal(restored.queueDatas[0]!.perm, 6);
  });

  it('REGISTER_TOPIC_IN_NAMESRV and DELETE_TOPIC_IN_NAMESRV', async () => {
    const client = await ns.connect();
    const routeBody = JSON.stringify({
      brokerDatas: [],
      queueDatas: [{ brokerName: 'broker-a', perm: 6, readQueueNums: 2, topicSysFlag: 0, writeQueueNums: 2 }],
    });
    const registered = await call(client, RequestCode.REGISTER_TOPIC_IN_NAMESRV, { extFields: { topic: 'AdminTopic' }, body: routeBody });
    assert.equal(registered.code, ResponseCode.SUCCESS);
    assert.equal((await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'AdminTopic' } })).code, ResponseCode.SUCCESS);

    const deleted = await call(client, RequestCode.DELETE_TOPIC_IN_NAMESRV, { extFields: { topic: 'AdminTopic', clusterName: 'DefaultCluster' } });
    assert.equal(deleted.code, ResponseCode.SUCCESS);
    assert.equal((await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'AdminTopic' } })).code, ResponseCode.TOPIC_NOT_EXIST);
  });

  it('DELETE_TOPIC_IN_NAMESRV without a cluster deletes the topic everywhere', async () => {
    const client = await ns.connect();
    await call(client, RequestCode.DELETE_TOPIC_IN_NAMESRV, { extFields: { topic: 'TBW102' } });
    assert.equal((await call(client, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'TBW102' } })).code, ResponseCode.TOPIC_NOT_EXIST);
  });

  it('answers an unknown request code with REQUEST_CODE_NOT_SUPPORTED and keeps the connection', async () => {
    const client = await ns.connect();
    const response = await call(client, 9999, { extFields: {} });
    assert.equal(response.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    assert.equal(response.remark, ' request type 9999 not supported');
    assert.equal((await call(client, RequestCode.GET_BROKER_CLUSTER_INFO)).code, ResponseCode.SUCCESS);
  });

  it('ignores extFields it does not know, such as an ACL signature', async () => {
    const response = await call(await ns.connect(), RequestCode.GET_ROUTEINFO_BY_TOPIC, {
      extFields: { Signature: 'abc=', topic: 'XTopic', AccessKey: 'rocketmq2' },
    });
    assert.equal(response.code, ResponseCode.SUCCESS);
  });
});

describe('topic list switches', () => {
  it('answers "disable" when enableAllTopicList or enableTopicList is off', async () => {
    const ns = await startNameServer({ namesrv: { enableAllTopicList: false, enableTopicList: false } });
    try {
      const client = await ns.connect();
      for (const [code, extFields] of [
        [RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, null],
        [RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'DefaultCluster' }],
        [RequestCode.GET_UNIT_TOPIC_LIST, null],
        [RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, null],
        [RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, null],
      ] as const) {
        const response = await call(client, code, { extFields });
        assert.equal(response.code, ResponseCode.SYSTEM_ERROR, `code ${code}`);
        assert.equal(response.remark, 'disable');
      }
    } finally {
      await ns.stop();
    }
  });
});

describe('UPDATE_NAMESRV_CONFIG', () => {
  it('changes a setting at run time and persists it to configStorePath', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      const response = await call(client, RequestCode.UPDATE_NAMESRV_CONFIG, { body: 'orderMessageEnable=true\n' });
      assert.equal(response.code, ResponseCode.SUCCESS);
      assert.equal(ns.configuration.namesrv.orderMessageEnable, true);
      const config = (await call(client, RequestCode.GET_NAMESRV_CONFIG)).body!.toString();
      assert.match(config, /^orderMessageEnable=true$/m);
      const stored = fs.readFileSync(ns.configuration.namesrv.configStorePath, 'utf8');
      assert.match(stored, /^orderMessageEnable=true$/m);
    } finally {
      await ns.stop();
    }
  });

  it('refuses blacklisted settings with NO_PERMISSION and writes nothing', async () => {
    const ns = await startNameServer({ namesrv: { configBlackList: 'configBlackList;configStorePath;kvConfigPath;orderMessageEnable' } });
    try {
      const client = await ns.connect();
      for (const body of ['configStorePath=/tmp/x\n', 'kvConfigPath=/tmp/evil.json\n', 'rocketmqHome=/tmp\n', 'configBlackList=\n', 'orderMessageEnable=true\n']) {
        const response = await call(client, RequestCode.UPDATE_NAMESRV_CONFIG, { body });
        assert.equal(response.code, ResponseCode.NO_PERMISSION, body);
        assert.equal(response.remark, 'Can not update config in black list.');
      }
      assert.equal(ns.configuration.namesrv.orderMessageEnable, false);
      assert.equal(fs.existsSync(ns.configuration.namesrv.configStorePath), false);
    } finally {
      await ns.stop();
    }
  });

  it('refuses a malformed value with a remark', async () => {
    const ns = await startNameServer();
    try {
      const client = await ns.connect();
      const malformed = await call(client, RequestCode.UPDATE_NAMESRV_CONFIG, { body: 'scanNotActiveBrokerInterval=soon\n' });
      assert.equal(malformed.code, ResponseCode.SYSTEM_ERROR);
      assert.match(malformed.remark!, /scanNotActiveBrokerInterval/);
    } finally {
      await ns.stop();
    }
  });
});

describe('UPDATE_NAMESRV_CONFIG with settings of Java parts this server does not have', () => {
  it('accepts them as Java does, changing nothing', async () => {
    const ns = await startNameServer();
    try {
      const response = await call(await ns.connect(), RequestCode.UPDATE_NAMESRV_CONFIG, { body: 'clientWorkerThreads=4\n' });
      assert.equal(response.code, ResponseCode.SUCCESS);
    } finally {
      await ns.stop();
    }
  });
});

describe('UPDATE_NAMESRV_CONFIG of logLevel', () => {
  it('changes the level of the running logger', async () => {
    const { pino } = await import('pino');
    const logger = pino({ level: 'info' }, { write: () => undefined });
    const ns = await startNameServer({}, logger);
    try {
      const response = await call(await ns.connect(), RequestCode.UPDATE_NAMESRV_CONFIG, { body: 'logLevel=debug\n' });
      assert.equal(response.code, ResponseCode.SUCCESS);
      assert.equal(logger.level, 'debug');
    } finally {
      await ns.stop();
    }
  });
});
