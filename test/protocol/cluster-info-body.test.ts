import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeClusterInfo, encodeClusterInfo } from '../../src/protocol/bodies/index.js';
import { BodyDecodeError } from '../../src/protocol/request-error.js';
import type { ClusterInfo } from '../../src/protocol/route-types.js';
import { capturedBody, with5xAdditions } from './capture-bodies.js';

const ACTING_MASTER = [['"cluster":"DefaultCluster"', ',"enableActingMaster":false']] as const;

describe('cluster info body', () => {
  const captured: ClusterInfo = {
    brokerAddrTable: new Map([
      ['broker-a', { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: new Map([[0, '127.0.0.1:33911']]), enableActingMaster: false }],
    ]),
    clusterAddrTable: new Map([['DefaultCluster', new Set(['broker-a'])]]),
  };

  for (const [file, seq] of [['05-misc-queries.jsonl', 31], ['03-mqadmin.jsonl', 3], ['03-mqadmin-acl.jsonl', 3]] as const) {
    it(`writes bare broker ids like Java's GET_BROKER_CLUSTER_INFO answer (${file} seq ${seq}), plus 5.x's enableActingMaster`, () => {
      const java = capturedBody(file, seq).toString('utf8');
      assert.equal(encodeClusterInfo(captured).toString('utf8'), with5xAdditions(java, ACTING_MASTER));
      assert.deepEqual(decodeClusterInfo(Buffer.from(java)), captured);
    });
  }

  it('lists brokers and clusters in Java 5.x ConcurrentHashMap order (derived from RouteInfoManager/ClusterInfo)', () => {
    const broker = (name: string, cluster: string) => ({
      cluster, brokerName: name, brokerAddrs: new Map([[1, `${name}-s`], [0, `${name}-m`]]), enableActingMaster: false,
    });
    const info: ClusterInfo = {
      brokerAddrTable: new Map([
        ['broker-a', broker('broker-a', 'DefaultCluster')],
        ['broker-b', broker('broker-b', 'OtherCluster')],
        ['broker-c', broker('broker-c', 'DefaultCluster')],
      ]),
      clusterAddrTable: new Map([
        ['DefaultCluster', new Set(['broker-a', 'broker-c'])],
        ['OtherCluster', new Set(['broker-b'])],
      ]),
    };
    const brokerJson = (name: string, cluster: string) =>
      `"${name}":{"brokerAddrs":{0:"${name}-m",1:"${name}-s"},"brokerName":"${name}","cluster":"${cluster}","enableActingMaster":false}`;
    const expected =
      '{"brokerAddrTable":{' +
      [brokerJson('broker-b', 'OtherCluster'), brokerJson('broker-c', 'DefaultCluster'), brokerJson('broker-a', 'DefaultCluster')].join(',') +
      '},"clusterAddrTable":{"OtherCluster":["broker-b"],"DefaultCluster":["broker-c","broker-a"]}}';
    assert.equal(encodeClusterInfo(info).toString('utf8'), expected);
    assert.deepEqual(decodeClusterInfo(encodeClusterInfo(info)), info);
  });

  for (const [label, text] of [
    ['not JSON', '{brokerAddrTable'],
    ['broker entry not an object', '{"brokerAddrTable":{"a":1}}'],
    ['cluster members not an array', '{"clusterAddrTable":{"c":"broker-a"}}'],
    ['cluster member not a string', '{"clusterAddrTable":{"c":[1]}}'],
  ]) {
    it(`rejects a body with ${label}`, () => {
      assert.throws(() => decodeClusterInfo(Buffer.from(text!)), BodyDecodeError);
    });
  }
});
