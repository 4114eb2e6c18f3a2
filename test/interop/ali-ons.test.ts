import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { CALL_TIMEOUT_MS, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';
import { FakeBroker, topic } from '../support/fake-broker.js';

/**
 * ali-ons (a Node RocketMQ client written against Java NameServers) reading our answers with its
 * own request, parsing and routing code. Its requests carry protocol version 121, so the route comes
 * in fastjson's flavour (bare broker ids); with the version raised to 5.x's the same call gets the
 * standard-JSON flavour.
 */
const require = createRequire(import.meta.url);

interface AliRoute {
  brokerDatas: { brokerName: string; cluster: string; brokerAddrs: Record<string, string> }[];
  queueDatas: { brokerName: string; readQueueNums: number; writeQueueNums: number; perm: number }[];
  orderTopicConf?: string;
}
interface AliCommand {
  code: number;
  body: Buffer | null;
  decodeCommandCustomHeader(): Record<string, string>;
}
interface AliApi {
  ready(): Promise<void>;
  close(): Promise<void>;
  getTopicRouteInfoFromNameServer(topic: string, timeoutMillis?: number): Promise<AliRoute>;
  invokeForNameSrvAtLeastOnce(command: unknown, timeout?: number): Promise<AliCommand>;
}
interface AliMessageQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

const MQClientAPI = require('ali-ons/lib/mq_client_api.js') as new (options: object) => AliApi;
const MQClient = require('ali-ons/lib/mq_client.js') as { prototype: { _topicRouteData2TopicPublishInfo(topic: string, route: AliRoute): { messageQueueList: AliMessageQueue[]; orderTopic: boolean } } };
const RemotingCommand = require('ali-ons/lib/protocol/command/remoting_command.js') as {
  prototype: object;
  createRequestCommand(code: number, header: Record<string, string>): unknown;
};
const JSON2 = require('JSON2') as { parse(text: string): unknown };

const silent = { info() {}, warn() {}, error() {}, debug() {} };

/** Runs `fn` with ali-ons' requests claiming protocol version `version`. */
async function withAliVersion<T>(version: number, fn: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(RemotingCommand.prototype, 'version')!;
  Object.defineProperty(RemotingCommand.prototype, 'version', { get: () => version, configurable: true });
  try {
    return await fn();
  } finally {
    Object.defineProperty(RemotingCommand.prototype, 'version', original);
  }
}

const FLAVOURS = [
  { name: 'fastjson flavour (ali-ons as it is, version 121)', version: 121 },
  { name: 'standard JSON flavour (version 5.3.3)', version: 479 },
];

describe('ali-ons against our NameServer', () => {
  let ns: RunningNameServer;
  let api: AliApi;

  before(async () => {
    ns = await startNameServer();
    const a = new FakeBroker(await ns.connect(), { brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', topics: [topic('TopicTest', { writeQueueNums: 4 }), topic('TopicA')] });
    const b = new FakeBroker(await ns.connect(), { brokerName: 'broker-b', brokerAddr: '127.0.0.1:10921', topics: [topic('TopicTest', { writeQueueNums: 2, readQueueNums: 2 }), topic('TopicB')] });
    const slave = new FakeBroker(await ns.connect(), { brokerName: 'broker-b', brokerId: 1, brokerAddr: '127.0.0.1:10931', topics: [topic('TopicTest', { writeQueueNums: 2, readQueueNums: 2 }), topic('TopicB')] });
    for (const broker of [a, b, slave]) assert.equal((await broker.register()).code, 0);
    api = new MQClientAPI({ nameSrv: [`127.0.0.1:${ns.port}`], httpclient: {}, logger: silent, responseTimeout: CALL_TIMEOUT_MS });
    await api.ready();
  });

  after(async () => {
    await api.close();
    await ns.stop();
  });

  for (const flavour of FLAVOURS) {
    test(`route: ${flavour.name}`, async () => {
      const route = await withAliVersion(flavour.version, () => api.getTopicRouteInfoFromNameServer('TopicTest', CALL_TIMEOUT_MS));
      assert.deepEqual(route.brokerDatas.map((b) => b.brokerName), ['broker-a', 'broker-b']);
      assert.deepEqual(route.brokerDatas[0]!.brokerAddrs, { 0: '127.0.0.1:10911' });
      assert.deepEqual(route.brokerDatas[1]!.brokerAddrs, { 0: '127.0.0.1:10921', 1: '127.0.0.1:10931' });
      assert.deepEqual(
        route.queueDatas.map((q) => [q.brokerName, q.readQueueNums, q.writeQueueNums, q.perm]),
        [['broker-a', 4, 4, 6], ['broker-b', 2, 2, 6]],
      );
      const info = MQClient.prototype._topicRouteData2TopicPublishInfo('TopicTest', route);
      assert.equal(info.orderTopic, false);
      assert.deepEqual(
        info.messageQueueList.map((mq) => `${mq.brokerName}/${mq.queueId}`),
        ['broker-a/0', 'broker-a/1', 'broker-a/2', 'broker-a/3', 'broker-b/0', 'broker-b/1'],
      );
    });
  }

  test('the two flavours differ on the wire: bare broker ids, then quoted ones', async () => {
    const routeRequest = () => api.invokeForNameSrvAtLeastOnce(RemotingCommand.createRequestCommand(105, { topic: 'TopicTest' }), CALL_TIMEOUT_MS);
    const fastjson = await withAliVersion(121, routeRequest);
    assert.match(fastjson.body!.toString(), /\{0:"127\.0\.0\.1:10911"\}/);
    const standard = await withAliVersion(479, routeRequest);
    assert.match(standard.body!.toString(), /\{"0":"127\.0\.0\.1:10911"\}/);
  });

  test('an unknown topic is refused with TOPIC_NOT_EXIST', async () => {
    await assert.rejects(api.getTopicRouteInfoFromNameServer('NoSuchTopic', CALL_TIMEOUT_MS), /No topic route info in name server for the topic: NoSuchTopic/);
  });

  test('KV: ali-ons requests and header/body parsing read our answers', async () => {
    const put = await api.invokeForNameSrvAtLeastOnce(RemotingCommand.createRequestCommand(100, { namespace: 'ORDER_TOPIC_CONFIG', key: 'TopicTest', value: 'broker-a:4;broker-b:2' }), CALL_TIMEOUT_MS);
    assert.equal(put.code, 0);
    const get = await api.invokeForNameSrvAtLeastOnce(RemotingCommand.createRequestCommand(101, { namespace: 'ORDER_TOPIC_CONFIG', key: 'TopicTest' }), CALL_TIMEOUT_MS);
    assert.equal(get.code, 0);
    assert.equal(get.decodeCommandCustomHeader().value, 'broker-a:4;broker-b:2');
    const list = await api.invokeForNameSrvAtLeastOnce(RemotingCommand.createRequestCommand(219, { namespace: 'ORDER_TOPIC_CONFIG' }), CALL_TIMEOUT_MS);
    assert.deepEqual(JSON2.parse(list.body!.toString()), { table: { TopicTest: 'broker-a:4;broker-b:2' } });
    const missing = await api.invokeForNameSrvAtLeastOnce(RemotingCommand.createRequestCommand(101, { namespace: 'ORDER_TOPIC_CONFIG', key: 'Nope' }), CALL_TIMEOUT_MS);
    assert.equal(missing.code, 22);
  });

  test('an order-topic config reaches ali-ons as an order topic', async () => {
    const enable = RemotingCommand.createRequestCommand(318, {}) as { body: Buffer | null };
    enable.body = Buffer.from('orderMessageEnable=true\n');
    assert.equal((await api.invokeForNameSrvAtLeastOnce(enable, CALL_TIMEOUT_MS)).code, 0);
    try {
      for (const flavour of FLAVOURS) {
        const route = await withAliVersion(flavour.version, () => api.getTopicRouteInfoFromNameServer('TopicTest', CALL_TIMEOUT_MS));
        assert.equal(route.orderTopicConf, 'broker-a:4;broker-b:2');
        const info = MQClient.prototype._topicRouteData2TopicPublishInfo('TopicTest', route);
        assert.equal(info.orderTopic, true);
        assert.equal(info.messageQueueList.length, 6);
      }
    } finally {
      const disable = RemotingCommand.createRequestCommand(318, {}) as { body: Buffer | null };
      disable.body = Buffer.from('orderMessageEnable=false\n');
      await api.invokeForNameSrvAtLeastOnce(disable, CALL_TIMEOUT_MS);
    }
  });
});
