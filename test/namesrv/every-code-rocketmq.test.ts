import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { SerializeType, type ExtFields, type RemotingCommand } from '../../src/remoting/remoting-command.js';
import { FakeBroker } from '../support/fake-broker.js';
import { bodyJson, call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

const broker = { brokerId: '0', clusterName: 'DefaultCluster', brokerAddr: '127.0.0.1:10911', brokerName: 'broker-a' };

interface Step {
  name: string;
  code: number;
  extFields?: ExtFields | null;
  body?: string | null;
  /** What the answer must say, whatever the header encoding. */
  expect(response: RemotingCommand): void;
}

const ok = (response: RemotingCommand) => assert.equal(response.code, ResponseCode.SUCCESS, response.remark ?? '');
const topicList = (response: RemotingCommand) => (bodyJson(response) as { topicList: string[] }).topicList.sort();
type Route = { brokerDatas: Array<{ brokerName: string; brokerAddrs: Record<string, string> }>; queueDatas: Array<{ brokerName: string; writeQueueNums: number; perm: number }> };

/** Every request code, in an order that leaves each one something to act on, with the answer it must get. */
const STEPS: Step[] = [
  { name: 'PUT_KV_CONFIG', code: RequestCode.PUT_KV_CONFIG, extFields: { namespace: 'NS', key: 'K', value: 'V' }, expect: ok },
  {
    name: 'GET_KV_CONFIG',
    code: RequestCode.GET_KV_CONFIG,
    extFields: { namespace: 'NS', key: 'K' },
    expect: (r) => assert.deepEqual([r.code, r.extFields], [ResponseCode.SUCCESS, { value: 'V' }]),
  },
  {
    name: 'GET_KVLIST_BY_NAMESPACE',
    code: RequestCode.GET_KVLIST_BY_NAMESPACE,
    extFields: { namespace: 'NS' },
    expect: (r) => assert.deepEqual(bodyJson(r), { table: { K: 'V' } }),
  },
  { name: 'DELETE_KV_CONFIG', code: RequestCode.DELETE_KV_CONFIG, extFields: { namespace: 'NS', key: 'K' }, expect: ok },
  {
    name: 'GET_KV_CONFIG of the deleted key',
    code: RequestCode.GET_KV_CONFIG,
    extFields: { namespace: 'NS', key: 'K' },
    expect: (r) => assert.equal(r.code, ResponseCode.QUERY_NOT_FOUND),
  },
  { name: 'BROKER_HEARTBEAT', code: RequestCode.BROKER_HEARTBEAT, extFields: broker, expect: ok },
  {
    name: 'QUERY_DATA_VERSION',
    code: RequestCode.QUERY_DATA_VERSION,
    extFields: broker,
    body: '{"counter":2,"stateVersion":0,"timestamp":1795639716197}',
    expect: (r) => {
      assert.deepEqual(r.extFields, { changed: 'true' });
      assert.deepEqual(bodyJson(r), { counter: 1, stateVersion: 0, timestamp: 1_795_639_716_197 });
    },
  },
  {
    name: 'GET_ROUTEINFO_BY_TOPIC',
    code: RequestCode.GET_ROUTEINFO_BY_TOPIC,
    extFields: { topic: 'TopicA' },
    expect: (r) => {
      const route = bodyJson(r) as Route;
      assert.deepEqual(route.brokerDatas.map((b) => [b.brokerName, b.brokerAddrs]), [['broker-a', { '0': '127.0.0.1:10911' }]]);
      assert.deepEqual(route.queueDatas.map((q) => [q.brokerName, q.writeQueueNums, q.perm]), [['broker-a', 4, 6]]);
    },
  },
  {
    name: 'GET_BROKER_CLUSTER_INFO',
    code: RequestCode.GET_BROKER_CLUSTER_INFO,
    expect: (r) => {
      assert.match(r.body!.toString(), /"brokerAddrs":\{0:"127\.0\.0\.1:10911"\}/);
      assert.match(r.body!.toString(), /"clusterAddrTable":\{"DefaultCluster":\["broker-a"\]\}/);
    },
  },
  {
    name: 'WIPE_WRITE_PERM_OF_BROKER',
    code: RequestCode.WIPE_WRITE_PERM_OF_BROKER,
    extFields: { brokerName: 'broker-a' },
    expect: (r) => assert.deepEqual([r.code, r.extFields], [ResponseCode.SUCCESS, { wipeTopicCount: '2' }]),
  },
  {
    name: 'GET_ROUTEINFO_BY_TOPIC after the wipe',
    code: RequestCode.GET_ROUTEINFO_BY_TOPIC,
    extFields: { topic: 'TopicA' },
    expect: (r) => assert.equal((bodyJson(r) as Route).queueDatas[0]!.perm, 4),
  },
  {
    name: 'ADD_WRITE_PERM_OF_BROKER',
    code: RequestCode.ADD_WRITE_PERM_OF_BROKER,
    extFields: { brokerName: 'broker-a' },
    expect: (r) => assert.deepEqual([r.code, r.extFields], [ResponseCode.SUCCESS, { addTopicCount: '2' }]),
  },
  {
    name: 'GET_ALL_TOPIC_LIST_FROM_NAMESERVER',
    code: RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
    expect: (r) => assert.deepEqual(topicList(r), ['TopicA', 'TopicB']),
  },
  {
    name: 'REGISTER_TOPIC_IN_NAMESRV',
    code: RequestCode.REGISTER_TOPIC_IN_NAMESRV,
    extFields: { topic: 'Registered' },
    body: '{"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":1,"topicSysFlag":0,"writeQueueNums":1}]}',
    expect: ok,
  },
  {
    name: 'GET_ROUTEINFO_BY_TOPIC of the registered topic',
    code: RequestCode.GET_ROUTEINFO_BY_TOPIC,
    extFields: { topic: 'Registered' },
    expect: (r) => assert.deepEqual((bodyJson(r) as Route).queueDatas.map((q) => [q.brokerName, q.writeQueueNums]), [['broker-a', 1]]),
  },
  { name: 'DELETE_TOPIC_IN_NAMESRV', code: RequestCode.DELETE_TOPIC_IN_NAMESRV, extFields: { topic: 'Registered' }, expect: ok },
  {
    name: 'GET_ROUTEINFO_BY_TOPIC of the deleted topic',
    code: RequestCode.GET_ROUTEINFO_BY_TOPIC,
    extFields: { topic: 'Registered' },
    expect: (r) => assert.equal(r.code, ResponseCode.TOPIC_NOT_EXIST),
  },
  {
    name: 'GET_TOPICS_BY_CLUSTER',
    code: RequestCode.GET_TOPICS_BY_CLUSTER,
    extFields: { cluster: 'DefaultCluster' },
    expect: (r) => assert.deepEqual(topicList(r), ['TopicA', 'TopicB']),
  },
  {
    name: 'GET_SYSTEM_TOPIC_LIST_FROM_NS',
    code: RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS,
    expect: (r) => {
      assert.deepEqual(topicList(r), ['DefaultCluster', 'broker-a']);
      assert.equal((bodyJson(r) as { brokerAddr: string }).brokerAddr, '127.0.0.1:10911');
    },
  },
  { name: 'GET_UNIT_TOPIC_LIST', code: RequestCode.GET_UNIT_TOPIC_LIST, expect: (r) => assert.deepEqual(topicList(r), []) },
  { name: 'GET_HAS_UNIT_SUB_TOPIC_LIST', code: RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, expect: (r) => assert.deepEqual(topicList(r), []) },
  { name: 'GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST', code: RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, expect: (r) => assert.deepEqual(topicList(r), []) },
  { name: 'UPDATE_NAMESRV_CONFIG', code: RequestCode.UPDATE_NAMESRV_CONFIG, body: 'enableTopicList=false\n', expect: ok },
  {
    name: 'GET_NAMESRV_CONFIG',
    code: RequestCode.GET_NAMESRV_CONFIG,
    expect: (r) => {
      assert.match(r.body!.toString(), /^enableTopicList=false$/m);
      assert.match(r.body!.toString(), /^listenPort=0$/m);
    },
  },
  {
    name: 'GET_TOPICS_BY_CLUSTER with enableTopicList off',
    code: RequestCode.GET_TOPICS_BY_CLUSTER,
    extFields: { cluster: 'DefaultCluster' },
    expect: (r) => assert.equal(r.code, ResponseCode.SYSTEM_ERROR),
  },
  {
    name: 'GET_BROKER_MEMBER_GROUP',
    code: RequestCode.GET_BROKER_MEMBER_GROUP,
    extFields: { clusterName: 'DefaultCluster', brokerName: 'broker-a' },
    expect: (r) =>
      assert.match(r.body!.toString(), /^\{"brokerMemberGroup":\{"brokerAddrs":\{0:"127\.0\.0\.1:10911"\},"brokerName":"broker-a","cluster":"DefaultCluster"\}/),
  },
  { name: 'UNREGISTER_BROKER', code: RequestCode.UNREGISTER_BROKER, extFields: broker, expect: ok },
];

/**
 * An answer as the client reads it, the server's own home directory written as `<home>`. Empty
 * extFields read as none: the ROCKETMQ encoding cannot tell them apart (Java's decoder leaves them null).
 */
function readable(response: RemotingCommand, ns: RunningNameServer) {
  const extFields = response.extFields && Object.keys(response.extFields).length > 0 ? response.extFields : null;
  return {
    code: response.code,
    remark: response.remark,
    version: response.version,
    extFields,
    body: response.body?.toString('utf8').split(ns.home).join('<home>') ?? null,
  };
}

describe('every request code in the ROCKETMQ header encoding', () => {
  // Two NameServers taken through the same steps: one spoken to in ROCKETMQ headers, one in JSON.
  let binary: RunningNameServer;
  let json: RunningNameServer;
  before(async () => {
    [binary, json] = await Promise.all([startNameServer(), startNameServer()]);
    assert.equal((await new FakeBroker(await binary.connect()).register({ rocketmq: true })).code, ResponseCode.SUCCESS);
    assert.equal((await new FakeBroker(await json.connect()).register()).code, ResponseCode.SUCCESS);
  });
  after(() => Promise.all([binary.stop(), json.stop()]));

  for (const step of STEPS) {
    it(`${step.name} (${step.code}) gets its answer in ROCKETMQ, the same as over JSON`, async () => {
      const request = { extFields: step.extFields ?? null, body: step.body ?? null };
      const response = await call(await binary.connect(), step.code, { ...request, rocketmq: true });
      assert.equal(response.serializeType, SerializeType.ROCKETMQ);
      assert.equal(response.flag & 1, 1, 'a response');
      step.expect(response);
      const overJson = await call(await json.connect(), step.code, request);
      assert.equal(overJson.serializeType, SerializeType.JSON);
      assert.deepEqual(readable(response, binary), readable(overJson, json));
    });
  }

  it('the registry reflects what the binary requests did', async () => {
    await binary.server.registry.unregistrationsDrained();
    const response = await call(await binary.connect(), RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'TopicA' }, rocketmq: true });
    assert.equal(response.code, ResponseCode.TOPIC_NOT_EXIST, 'UNREGISTER_BROKER removed the only broker');
  });
});
