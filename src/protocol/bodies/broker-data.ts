import { jsonNumberKey, jsonString, type FastjsonMode } from '../../json/fastjson-writer.js';
import type { BrokerData } from '../route-types.js';
import { booleanField, expectObject, numberKey, optionalObject, optionalString, requiredString } from './body-json.js';
import { brokerIdOrder } from './java-map-order.js';

/**
 * Java 5.x `BrokerData` properties in fastjson's order: brokerAddrs, brokerName, cluster,
 * enableActingMaster (a primitive, always written), zoneName (left out when null).
 */
export function brokerDataJson(b: BrokerData, mode: FastjsonMode): string {
  let out = '{"brokerAddrs":' + brokerAddrsJson(b.brokerAddrs, mode);
  if (b.brokerName != null) out += ',"brokerName":' + jsonString(b.brokerName, mode);
  if (b.cluster != null) out += ',"cluster":' + jsonString(b.cluster, mode);
  out += b.enableActingMaster ? ',"enableActingMaster":true' : ',"enableActingMaster":false';
  if (b.zoneName != null) out += ',"zoneName":' + jsonString(b.zoneName, mode);
  return out + '}';
}

/**
 * A Java `HashMap<Long, String>` of broker id → address. Both modes list ids ascending: MapSortField
 * sorts them, and a plain HashMap iterates small ids that way too.
 */
export function brokerAddrsJson(addrs: Map<number, string>, mode: FastjsonMode): string {
  let out = '{';
  let first = true;
  const ids = addrs.size === 1 ? addrs.keys() : brokerIdOrder(addrs.keys());
  for (const id of ids) {
    const addr = addrs.get(id);
    if (addr == null) continue; // fastjson leaves out null map values
    if (!first) out += ',';
    out += jsonNumberKey(id, mode) + jsonString(addr, mode);
    first = false;
  }
  return out + '}';
}

export function readBrokerAddrs(value: unknown, path: string, what: string): Map<number, string> {
  const addrs = new Map<number, string>();
  const obj = optionalObject(value, path, what);
  if (!obj) return addrs;
  for (const key of Object.keys(obj)) {
    const addr = obj[key];
    if (addr === null) continue;
    addrs.set(numberKey(key, path, what), requiredString(addr, `${path}.${key}`, what));
  }
  return addrs;
}

export function readBrokerData(value: unknown, path: string, what: string): BrokerData {
  const obj = expectObject(value, path, what);
  const broker: BrokerData = {
    cluster: requiredString(obj.cluster, `${path}.cluster`, what),
    brokerName: requiredString(obj.brokerName, `${path}.brokerName`, what),
    brokerAddrs: readBrokerAddrs(obj.brokerAddrs, `${path}.brokerAddrs`, what),
    enableActingMaster: booleanField(obj.enableActingMaster, `${path}.enableActingMaster`, what, false),
  };
  const zoneName = optionalString(obj.zoneName, `${path}.zoneName`, what);
  if (zoneName !== undefined) broker.zoneName = zoneName;
  return broker;
}
