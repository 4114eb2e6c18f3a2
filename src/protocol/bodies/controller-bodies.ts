import { hashMapOrder } from '../../json/java-hash-order.js';
import { jsonLong, jsonString } from '../../json/fastjson-writer.js';
import { BodyDecodeError } from '../request-error.js';
import {
  booleanField, expectArray, expectObject, integerField, optionalObject, optionalString, parseBody, stringArray,
} from './body-json.js';
import { brokerAddrsJson, readBrokerAddrs } from './broker-data.js';

/**
 * Bodies of the controller's requests and answers, written as fastjson writes Java's classes
 * (properties in alphabetical order, nulls left out, Long map keys bare) and read leniently.
 */

export interface SyncStateSetBody {
  syncStateSet: number[];
  syncStateSetEpoch: number;
}

/** A `Set<Long>` of small ids: a Java HashSet iterates them ascending. */
function idArray(ids: Iterable<number>): string {
  return '[' + [...ids].sort((a, b) => a - b).map((id) => jsonLong(id, 'default')).join(',') + ']';
}

function readIdArray(value: unknown, path: string, what: string): number[] {
  if (value === null || value === undefined) return [];
  return expectArray(value, path, what).map((item, i) => {
    const id = integerField(item, `${path}[${i}]`, what, NaN);
    if (!Number.isSafeInteger(id)) throw new BodyDecodeError(`${what}: ${path}[${i}] must be a broker id`);
    return id;
  });
}

/** `SyncStateSet`: `{"syncStateSet":[1,2],"syncStateSetEpoch":3}`. */
export function encodeSyncStateSet(body: SyncStateSetBody): Buffer {
  return Buffer.from(`{"syncStateSet":${idArray(body.syncStateSet)},"syncStateSetEpoch":${body.syncStateSetEpoch}}`, 'utf8');
}

export function decodeSyncStateSet(bytes: Buffer | null): SyncStateSetBody {
  const what = 'SyncStateSet';
  if (!bytes || bytes.length === 0) throw new BodyDecodeError(`${what}: the body (syncStateSet) is missing`);
  const obj = expectObject(parseBody(bytes, what), '(root)', what);
  if (obj.syncStateSet === undefined || obj.syncStateSet === null) throw new BodyDecodeError(`${what}: syncStateSet is missing`);
  return {
    syncStateSet: readIdArray(obj.syncStateSet, 'syncStateSet', what),
    syncStateSetEpoch: integerField(obj.syncStateSetEpoch, 'syncStateSetEpoch', what, 0),
  };
}

export interface MemberGroup {
  cluster: string;
  brokerName: string;
  brokerAddrs: Map<number, string>;
}

export interface ElectMasterBody {
  brokerMemberGroup: MemberGroup | null;
  syncStateSet: number[];
}

/** `ElectMasterResponseBody`: `{"brokerMemberGroup":{"brokerAddrs":{1:"..."},"brokerName":"b","cluster":"c"},"syncStateSet":[1]}`. */
export function encodeElectMasterBody(body: ElectMasterBody): Buffer {
  let out = '{';
  const group = body.brokerMemberGroup;
  if (group) {
    out += '"brokerMemberGroup":{"brokerAddrs":' + brokerAddrsJson(group.brokerAddrs, 'default');
    out += ',"brokerName":' + jsonString(group.brokerName, 'default');
    out += ',"cluster":' + jsonString(group.cluster, 'default') + '},';
  }
  return Buffer.from(out + `"syncStateSet":${idArray(body.syncStateSet)}}`, 'utf8');
}

export function decodeElectMasterBody(bytes: Buffer): ElectMasterBody {
  const what = 'ElectMasterResponseBody';
  const obj = expectObject(parseBody(bytes, what), '(root)', what);
  const group = optionalObject(obj.brokerMemberGroup, 'brokerMemberGroup', what);
  return {
    brokerMemberGroup: group
      ? {
          cluster: optionalString(group.cluster, 'brokerMemberGroup.cluster', what) ?? '',
          brokerName: optionalString(group.brokerName, 'brokerMemberGroup.brokerName', what) ?? '',
          brokerAddrs: readBrokerAddrs(group.brokerAddrs, 'brokerMemberGroup.brokerAddrs', what),
        }
      : null,
    syncStateSet: readIdArray(obj.syncStateSet, 'syncStateSet', what),
  };
}

export interface ReplicaIdentity {
  brokerName: string;
  brokerId: number;
  brokerAddress: string;
  alive: boolean;
}

export interface ReplicasInfo {
  masterBrokerId: number | null;
  masterAddress: string | null;
  masterEpoch: number;
  syncStateSetEpoch: number;
  inSyncReplicas: ReplicaIdentity[];
  notInSyncReplicas: ReplicaIdentity[];
}

function replicaJson(r: ReplicaIdentity): string {
  return `{"alive":${r.alive},"brokerAddress":${jsonString(r.brokerAddress, 'default')},"brokerId":${jsonLong(r.brokerId, 'default')},"brokerName":${jsonString(r.brokerName, 'default')}}`;
}

/** `BrokerReplicasInfo`: broker names in a Java HashMap's order, each ReplicasInfo's properties alphabetical. */
export function encodeBrokerReplicasInfo(table: Map<string, ReplicasInfo>): Buffer {
  const parts: string[] = [];
  for (const name of hashMapOrder([...table.keys()])) {
    const info = table.get(name)!;
    let out = jsonString(name, 'default') + ':{"inSyncReplicas":[' + info.inSyncReplicas.map(replicaJson).join(',') + ']';
    if (info.masterAddress != null) out += ',"masterAddress":' + jsonString(info.masterAddress, 'default');
    if (info.masterBrokerId != null) out += ',"masterBrokerId":' + jsonLong(info.masterBrokerId, 'default');
    out += `,"masterEpoch":${info.masterEpoch},"notInSyncReplicas":[` + info.notInSyncReplicas.map(replicaJson).join(',') + ']';
    parts.push(out + `,"syncStateSetEpoch":${info.syncStateSetEpoch}}`);
  }
  return Buffer.from(`{"replicasInfoTable":{${parts.join(',')}}}`, 'utf8');
}

export function decodeBrokerReplicasInfo(bytes: Buffer): Map<string, ReplicasInfo> {
  const what = 'BrokerReplicasInfo';
  const obj = expectObject(parseBody(bytes, what), '(root)', what);
  const table = optionalObject(obj.replicasInfoTable, 'replicasInfoTable', what) ?? {};
  const result = new Map<string, ReplicasInfo>();
  const readReplicas = (value: unknown, path: string): ReplicaIdentity[] =>
    value == null
      ? []
      : expectArray(value, path, what).map((item, i) => {
          const r = expectObject(item, `${path}[${i}]`, what);
          return {
            brokerName: optionalString(r.brokerName, `${path}[${i}].brokerName`, what) ?? '',
            brokerId: integerField(r.brokerId, `${path}[${i}].brokerId`, what, -1),
            brokerAddress: optionalString(r.brokerAddress, `${path}[${i}].brokerAddress`, what) ?? '',
            alive: booleanField(r.alive, `${path}[${i}].alive`, what, false),
          };
        });
  for (const [name, value] of Object.entries(table)) {
    const info = expectObject(value, `replicasInfoTable.${name}`, what);
    const path = `replicasInfoTable.${name}`;
    const masterBrokerId = info.masterBrokerId == null ? null : integerField(info.masterBrokerId, `${path}.masterBrokerId`, what, -1);
    result.set(name, {
      masterBrokerId,
      masterAddress: optionalString(info.masterAddress, `${path}.masterAddress`, what) ?? null,
      masterEpoch: integerField(info.masterEpoch, `${path}.masterEpoch`, what, 0),
      syncStateSetEpoch: integerField(info.syncStateSetEpoch, `${path}.syncStateSetEpoch`, what, 0),
      inSyncReplicas: readReplicas(info.inSyncReplicas, `${path}.inSyncReplicas`),
      notInSyncReplicas: readReplicas(info.notInSyncReplicas, `${path}.notInSyncReplicas`),
    });
  }
  return result;
}

/** The body of CONTROLLER_GET_SYNC_STATE_DATA: a JSON list of broker names. */
export function decodeBrokerNameList(bytes: Buffer | null): string[] {
  if (!bytes || bytes.length === 0) return [];
  return stringArray(parseBody(bytes, 'broker name list'), '(root)', 'broker name list');
}

export function encodeBrokerNameList(names: readonly string[]): Buffer {
  return Buffer.from('[' + names.map((n) => jsonString(n, 'default')).join(',') + ']', 'utf8');
}
