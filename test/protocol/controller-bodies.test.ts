import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeBrokerNameList, decodeBrokerReplicasInfo, decodeElectMasterBody, decodeSyncStateSet, encodeBrokerReplicasInfo,
  encodeElectMasterBody, encodeSyncStateSet,
} from '../../src/protocol/bodies/controller-bodies.js';
import { BodyDecodeError } from '../../src/protocol/request-error.js';

describe('controller bodies', () => {
  it('write ElectMasterResponseBody as fastjson does, Long keys bare, and read it back', () => {
    const body = encodeElectMasterBody({
      brokerMemberGroup: { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: new Map([[2, '127.0.0.1:10921'], [1, '127.0.0.1:10911']]) },
      syncStateSet: [2],
    });
    assert.equal(
      body.toString(),
      '{"brokerMemberGroup":{"brokerAddrs":{1:"127.0.0.1:10911",2:"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"DefaultCluster"},"syncStateSet":[2]}',
    );
    const read = decodeElectMasterBody(body);
    assert.deepEqual([...read.brokerMemberGroup!.brokerAddrs], [[1, '127.0.0.1:10911'], [2, '127.0.0.1:10921']]);
    assert.equal(encodeElectMasterBody({ brokerMemberGroup: null, syncStateSet: [3, 1] }).toString(), '{"syncStateSet":[1,3]}');
  });

  it('read SyncStateSet as Java writes it, and refuse what is not one', () => {
    assert.deepEqual(decodeSyncStateSet(Buffer.from('{"syncStateSet":[1,2],"syncStateSetEpoch":3}')), { syncStateSet: [1, 2], syncStateSetEpoch: 3 });
    assert.equal(encodeSyncStateSet({ syncStateSet: [2, 1], syncStateSetEpoch: 3 }).toString(), '{"syncStateSet":[1,2],"syncStateSetEpoch":3}');
    for (const bad of ['', '[]', '{"syncStateSetEpoch":1}', '{"syncStateSet":["a"]}', '{"syncStateSet":[1],"syncStateSetEpoch":"x"}']) {
      assert.throws(() => decodeSyncStateSet(Buffer.from(bad)), BodyDecodeError, bad);
    }
  });

  it('key BrokerReplicasInfo in a Java HashMap\'s order', () => {
    const info = { masterBrokerId: null, masterAddress: null, masterEpoch: 0, syncStateSetEpoch: 0, inSyncReplicas: [], notInSyncReplicas: [] };
    const table = new Map(['broker-b', 'broker-a', 'zz', 'a'].map((name) => [name, info]));
    const body = encodeBrokerReplicasInfo(table).toString();
    // Buckets of Java's spread String.hashCode in a 16-slot table: zz 0, a 1, broker-b 8, broker-a 11.
    assert.deepEqual(Object.keys(JSON.parse(body).replicasInfoTable), ['zz', 'a', 'broker-b', 'broker-a']);
    assert.deepEqual(decodeBrokerReplicasInfo(Buffer.from(body)).get('zz'), info);
  });

  it('read the broker name list of CONTROLLER_GET_SYNC_STATE_DATA', () => {
    assert.deepEqual(decodeBrokerNameList(Buffer.from('["broker-a","broker-b"]')), ['broker-a', 'broker-b']);
    assert.deepEqual(decodeBrokerNameList(null), []);
    assert.throws(() => decodeBrokerNameList(Buffer.from('[1]')), BodyDecodeError);
  });
});
