import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ResponseCode } from '../../src/protocol/response-code.js';
import { SerializeType, type ExtFields } from '../../src/remoting/remoting-command.js';
import { FakeBroker } from '../support/fake-broker.js';
import { call, startNameServer, type RunningNameServer } from '../support/nameserver-harness.js';

const broker = { brokerId: '0', clusterName: 'DefaultCluster', brokerAddr: '127.0.0.1:10911', brokerName: 'broker-a' };

/** Every request code, in the ROCKETMQ header encoding, in an order that leaves each one something to act on. */
const REQUESTS: Array<[string, number, ExtFields | null, string | null, number]> = [
  ['PUT_KV_CONFIG', RequestCode.PUT_KV_CONFIG, { namespace: 'NS', key: 'K', value: 'V' }, null, ResponseCode.SUCCESS],
  ['GET_KV_CONFIG', RequestCode.GET_KV_CONFIG, { namespace: 'NS', key: 'K' }, null, ResponseCode.SUCCESS],
  ['GET_KVLIST_BY_NAMESPACE', RequestCode.GET_KVLIST_BY_NAMESPACE, { namespace: 'NS' }, null, ResponseCode.SUCCESS],
  ['DELETE_KV_CONFIG', RequestCode.DELETE_KV_CONFIG, { namespace: 'NS', key: 'K' }, null, ResponseCode.SUCCESS],
  ['BROKER_HEARTBEAT', RequestCode.BROKER_HEARTBEAT, broker, null, ResponseCode.SUCCESS],
  ['QUERY_DATA_VERSION', RequestCode.QUERY_DATA_VERSION, broker, '{"counter":1,"stateVersion":0,"timestamp":1795639716197}', ResponseCode.SUCCESS],
  ['GET_ROUTEINFO_BY_TOPIC', RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TopicA' }, null, ResponseCode.SUCCESS],
  ['GET_BROKER_CLUSTER_INFO', RequestCode.GET_BROKER_CLUSTER_INFO, null, null, ResponseCode.SUCCESS],
  ['WIPE_WRITE_PERM_OF_BROKER', RequestCode.WIPE_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' }, null, ResponseCode.SUCCESS],
  ['ADD_WRITE_PERM_OF_BROKER', RequestCode.ADD_WRITE_PERM_OF_BROKER, { brokerName: 'broker-a' }, null, ResponseCode.SUCCESS],
  ['GET_ALL_TOPIC_LIST_FROM_NAMESERVER', RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, null, null, ResponseCode.SUCCESS],
  [
    'REGISTER_TOPIC_IN_NAMESRV',
    RequestCode.REGISTER_TOPIC_IN_NAMESRV,
    { topic: 'Registered' },
    '{"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":1,"topicSysFlag":0,"writeQueueNums":1}]}',
    ResponseCode.SUCCESS,
  ],
  ['DELETE_TOPIC_IN_NAMESRV', RequestCode.DELETE_TOPIC_IN_NAMESRV, { topic: 'Registered' }, null, ResponseCode.SUCCESS],
  ['GET_TOPICS_BY_CLUSTER', RequestCode.GET_TOPICS_BY_CLUSTER, { cluster: 'DefaultCluster' }, null, ResponseCode.SUCCESS],
  ['GET_SYSTEM_TOPIC_LIST_FROM_NS', RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, null, null, ResponseCode.SUCCESS],
  ['GET_UNIT_TOPIC_LIST', RequestCode.GET_UNIT_TOPIC_LIST, null, null, ResponseCode.SUCCESS],
  ['GET_HAS_UNIT_SUB_TOPIC_LIST', RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, null, null, ResponseCode.SUCCESS],
  ['GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST', RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, null, null, ResponseCode.SUCCESS],
  ['UPDATE_NAMESRV_CONFIG', RequestCode.UPDATE_NAMESRV_CONFIG, null, 'enableTopicList=true\n', ResponseCode.SUCCESS],
  ['GET_NAMESRV_CONFIG', RequestCode.GET_NAMESRV_CONFIG, null, null, ResponseCode.SUCCESS],
  ['GET_BROKER_MEMBER_GROUP', RequestCode.GET_BROKER_MEMBER_GROUP, { clusterName: 'DefaultCluster', brokerName: 'broker-a' }, null, ResponseCode.SUCCESS],
  ['UNREGISTER_BROKER', RequestCode.UNREGISTER_BROKER, broker, null, ResponseCode.SUCCESS],
];

describe('every request code in the ROCKETMQ header encoding', () => {
  let ns: RunningNameServer;
  before(async () => {
    ns = await startNameServer();
    const response = await new FakeBroker(await ns.connect()).register({ rocketmq: true });
    assert.equal(response.code, ResponseCode.SUCCESS);
  });
  after(() => ns.stop());

  for (const [name, code, extFields, body, expected] of REQUESTS) {
    it(`${name} (${code}) is answered in ROCKETMQ with code ${expected}`, async () => {
      const response = await call(await ns.connect(), code, { extFields, body, rocketmq: true });
      assert.equal(response.code, expected, response.remark ?? '');
      assert.equal(response.serializeType, SerializeType.ROCKETMQ);
      assert.equal(response.flag & 1, 1);
    });
  }

  it('the registry reflects what the binary requests did', async () => {
    await ns.server.registry.unregistrationsDrained();
    const response = await call(await ns.connect(), RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'TopicA' }, rocketmq: true });
    assert.equal(response.code, ResponseCode.TOPIC_NOT_EXIST, 'UNREGISTER_BROKER removed the only broker');
  });
});
