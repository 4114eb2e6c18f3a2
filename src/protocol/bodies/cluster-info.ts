import { jsonStringArray, jsonStringKey } from '../../json/fastjson-writer.js';
import type { BrokerData, ClusterInfo } from '../route-types.js';
import { brokerDataJson, readBrokerData } from './broker-data.js';
import { expectObject, optionalObject, parseBody, stringArray } from './body-json.js';
import { concurrentHashMapOrder, defaultHashMapOrder } from './java-map-order.js';

/**
 * The GET_BROKER_CLUSTER_INFO body. Java always writes it with plain `encode()` (bare broker ids),
 * whatever the client's version. Entries follow Java 5.x's RouteInfoManager tables:
 * brokerAddrTable is a `ConcurrentHashMap<>(128)`, clusterAddrTable a `ConcurrentHashMap<>(32)`
 * whose values are `HashSet`s.
 */
export function encodeClusterInfo(info: ClusterInfo): Buffer {
  let out = '{"brokerAddrTable":{';
  let first = true;
  for (const name of concurrentHashMapOrder(Array.from(info.brokerAddrTable.keys()), 128)) {
    const broker = info.brokerAddrTable.get(name);
    if (broker == null) continue;
    if (!first) out += ',';
    out += jsonStringKey(name, 'default') + brokerDataJson(broker, 'default');
    first = false;
  }
  out += '},"clusterAddrTable":{';
  first = true;
  for (const cluster of concurrentHashMapOrder(Array.from(info.clusterAddrTable.keys()), 32)) {
    const names = info.clusterAddrTable.get(cluster);
    if (names == null) continue;
    if (!first) out += ',';
    out += jsonStringKey(cluster, 'default') + jsonStringArray(defaultHashMapOrder(Array.from(names)), 'default');
    first = false;
  }
  return Buffer.from(out + '}}', 'utf8');
}

const WHAT = 'ClusterInfo body';

export function decodeClusterInfo(bytes: Buffer): ClusterInfo {
  const obj = expectObject(parseBody(bytes, WHAT), '(root)', WHAT);
  const brokerAddrTable = new Map<string, BrokerData>();
  const brokers = optionalObject(obj.brokerAddrTable, 'brokerAddrTable', WHAT);
  if (brokers) {
    for (const name of Object.keys(brokers)) {
      if (brokers[name] === null) continue;
      brokerAddrTable.set(name, readBrokerData(brokers[name], `brokerAddrTable.${name}`, WHAT));
    }
  }
  const clusterAddrTable = new Map<string, Set<string>>();
  const clusters = optionalObject(obj.clusterAddrTable, 'clusterAddrTable', WHAT);
  if (clusters) {
    for (const cluster of Object.keys(clusters)) {
      if (clusters[cluster] === null) continue;
      clusterAddrTable.set(cluster, new Set(stringArray(clusters[cluster], `clusterAddrTable.${cluster}`, WHAT)));
    }
  }
  return { brokerAddrTable, clusterAddrTable };
}
