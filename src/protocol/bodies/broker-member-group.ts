import { jsonString } from '../../json/fastjson-writer.js';
import type { BrokerMemberGroup } from '../route-types.js';
import { expectObject, optionalObject, optionalString, parseBody } from './body-json.js';
import { brokerAddrsJson, readBrokerAddrs } from './broker-data.js';

/**
 * GetBrokerMemberGroupResponseBody: `{"brokerMemberGroup":{"brokerAddrs":{0:"..."},"brokerName":"...","cluster":"..."}}`
 * (plain `encode()`, so bare broker ids; `{}` when there is no group).
 */
export function encodeBrokerMemberGroupResponse(group: BrokerMemberGroup | null): Buffer {
  if (group == null) return Buffer.from('{}', 'utf8');
  let out = '{"brokerMemberGroup":{"brokerAddrs":' + brokerAddrsJson(group.brokerAddrs ?? new Map(), 'default');
  if (group.brokerName != null) out += ',"brokerName":' + jsonString(group.brokerName, 'default');
  if (group.cluster != null) out += ',"cluster":' + jsonString(group.cluster, 'default');
  return Buffer.from(out + '}}', 'utf8');
}

const WHAT = 'GetBrokerMemberGroupResponseBody';

export function decodeBrokerMemberGroupResponse(bytes: Buffer): BrokerMemberGroup | null {
  const obj = expectObject(parseBody(bytes, WHAT), '(root)', WHAT);
  const group = optionalObject(obj.brokerMemberGroup, 'brokerMemberGroup', WHAT);
  if (!group) return null;
  return {
    cluster: optionalString(group.cluster, 'brokerMemberGroup.cluster', WHAT) ?? '',
    brokerName: optionalString(group.brokerName, 'brokerMemberGroup.brokerName', WHAT) ?? '',
    brokerAddrs: readBrokerAddrs(group.brokerAddrs, 'brokerMemberGroup.brokerAddrs', WHAT),
  };
}
