import {
  jsonString,
  jsonStringArray,
  jsonStringKey,
  mapSortFieldOrder,
  type FastjsonMode,
} from '../../json/fastjson-writer.js';
import type { BrokerData, QueueData, TopicQueueMappingInfo, TopicRouteData } from '../route-types.js';
import { brokerDataJson, readBrokerData } from './broker-data.js';
import {
  expectArray,
  expectObject,
  integerField,
  optionalObject,
  optionalString,
  parseBody,
  requiredString,
  stringArray,
} from './body-json.js';
import { defaultHashMapOrder } from './java-map-order.js';
import { readTopicQueueMappingInfo, topicQueueMappingInfoJson } from './topic-queue-mapping-info.js';

/**
 * The encoded pieces a route body is assembled from: a broker group's JSON and a queue entry's,
 * as UTF-8. A cache may keep them (ResponseCache does, per broker group and pooled queue entry).
 */
export interface RouteFragments {
  broker(broker: BrokerData, mode: FastjsonMode): Buffer;
  queue(queue: QueueData, mode: FastjsonMode): Buffer;
}

/** Fragments encoded afresh for every body. */
export const freshRouteFragments: RouteFragments = {
  broker: (broker, mode) => Buffer.from(brokerDataJson(broker, mode), 'utf8'),
  queue: (queue, mode) => Buffer.from(queueDataJson(queue, mode), 'utf8'),
};

const BROKER_DATAS_OPEN = Buffer.from('{"brokerDatas":[');
/** Between the broker list and the queue list when there are no filter servers and no order config: most routes. */
const PLAIN_MIDDLE = Buffer.from('],"filterServerTable":{},"queueDatas":[');
const PLAIN_END = Buffer.from(']}');
const COMMA = 0x2c;

/**
 * The route body of GET_ROUTEINFO_BY_TOPIC.
 * - 'standard': what Java writes for clients at version >= V4_9_4 (401) or with
 *   acceptStandardJsonOnly=true: BrowserCompatible + QuoteFieldNames + MapSortField, so broker ids
 *   are quoted (`{"0":"..."}`) and maps are sorted.
 * - 'fastjson': plain `encode()`: bare broker ids (`{0:"..."}`), maps in Java HashMap order.
 * Properties: brokerDatas, filterServerTable, orderTopicConf (when set), queueDatas,
 * topicQueueMappingByBroker (when set).
 *
 * Assembled from byte fragments into one buffer: a body built as one string and then encoded
 * costs a flattening of the concatenated string plus a UTF-8 pass, several times the copies.
 */
export function encodeTopicRouteData(route: TopicRouteData, flavor: 'standard' | 'fastjson', fragments: RouteFragments = freshRouteFragments): Buffer {
  const mode: FastjsonMode = flavor === 'standard' ? 'browserCompatible' : 'default';
  const brokers = route.brokerDatas;
  const queues = route.queueDatas;
  const parts: Buffer[] = new Array(brokers.length + queues.length);
  // Commas: one between two entries of each list.
  let length = BROKER_DATAS_OPEN.length + Math.max(brokers.length - 1, 0) + Math.max(queues.length - 1, 0);
  for (let i = 0; i < brokers.length; i++) length += (parts[i] = fragments.broker(brokers[i]!, mode)).length;
  for (let i = 0; i < queues.length; i++) length += (parts[brokers.length + i] = fragments.queue(queues[i]!, mode)).length;
  const middle = middleOf(route, mode);
  const end = route.topicQueueMappingByBroker != null ? Buffer.from(`],"topicQueueMappingByBroker":${mappingByBrokerJson(route.topicQueueMappingByBroker, mode)}}`, 'utf8') : PLAIN_END;
  length += middle.length + end.length;

  const out = Buffer.allocUnsafe(length);
  let at = put(out, BROKER_DATAS_OPEN, 0);
  for (let i = 0; i < parts.length; i++) {
    if (i === brokers.length) at = put(out, middle, at);
    else if (i > 0) out[at++] = COMMA;
    at = put(out, parts[i]!, at);
  }
  if (queues.length === 0) at = put(out, middle, at);
  put(out, end, at);
  return out;
}

/** Copies `part` into `out` at `at`; returns where it ends. */
function put(out: Buffer, part: Buffer, at: number): number {
  out.set(part, at);
  return at + part.length;
}

/** `],"filterServerTable":…[,"orderTopicConf":…],"queueDatas":[` */
function middleOf(route: TopicRouteData, mode: FastjsonMode): Buffer {
  const filterServers = route.filterServerTable;
  if ((!filterServers || filterServers.size === 0) && route.orderTopicConf == null) return PLAIN_MIDDLE;
  let out = '],"filterServerTable":' + filterServerTableJson(filterServers, mode);
  if (route.orderTopicConf != null) out += ',"orderTopicConf":' + jsonString(route.orderTopicConf, mode);
  return Buffer.from(out + ',"queueDatas":[', 'utf8');
}

function queueDataJson(q: QueueData, mode: FastjsonMode): string {
  const name = q.brokerName == null ? '' : '"brokerName":' + jsonString(q.brokerName, mode) + ',';
  return (
    '{' + name + '"perm":' + q.perm + ',"readQueueNums":' + q.readQueueNums +
    ',"topicSysFlag":' + q.topicSysFlag + ',"writeQueueNums":' + q.writeQueueNums + '}'
  );
}

/** Java `HashMap<String, List<String>>`; null lists are left out as fastjson does. */
function filterServerTableJson(table: Map<string, string[]> | null | undefined, mode: FastjsonMode): string {
  if (!table || table.size === 0) return '{}';
  const keys = Array.from(table.keys());
  const ordered = mode === 'browserCompatible' ? mapSortFieldOrder(keys) : defaultHashMapOrder(keys);
  const parts: string[] = [];
  for (const addr of ordered) {
    const servers = table.get(addr);
    if (servers == null) continue;
    parts.push(jsonStringKey(addr, mode) + jsonStringArray(servers, mode));
  }
  return '{' + parts.join(',') + '}';
}

/** Java `HashMap<String, TopicQueueMappingInfo>` keyed by broker name. */
function mappingByBrokerJson(table: Map<string, TopicQueueMappingInfo>, mode: FastjsonMode): string {
  const keys = Array.from(table.keys());
  const ordered = mode === 'browserCompatible' ? mapSortFieldOrder(keys) : defaultHashMapOrder(keys);
  const parts: string[] = [];
  for (const name of ordered) {
    const info = table.get(name);
    if (info == null) continue;
    parts.push(jsonStringKey(name, mode) + topicQueueMappingInfoJson(info, mode));
  }
  return '{' + parts.join(',') + '}';
}

const WHAT = 'TopicRouteData body';

/** Reads a route body in either flavour. */
export function decodeTopicRouteData(bytes: Buffer): TopicRouteData {
  return readTopicRouteData(parseBody(bytes, WHAT), WHAT);
}

export function readTopicRouteData(value: unknown, what: string): TopicRouteData {
  const obj = expectObject(value, '(root)', what);
  const route: TopicRouteData = {
    queueDatas: readList(obj.queueDatas, 'queueDatas', what, readQueueData),
    brokerDatas: readList(obj.brokerDatas, 'brokerDatas', what, readBrokerData),
    filterServerTable: readFilterServerTable(obj.filterServerTable, what),
  };
  const orderTopicConf = optionalString(obj.orderTopicConf, 'orderTopicConf', what);
  if (orderTopicConf !== undefined) route.orderTopicConf = orderTopicConf;
  const mapping = optionalObject(obj.topicQueueMappingByBroker, 'topicQueueMappingByBroker', what);
  if (mapping) {
    const byBroker = new Map<string, TopicQueueMappingInfo>();
    for (const name of Object.keys(mapping)) {
      if (mapping[name] === null) continue;
      byBroker.set(name, readTopicQueueMappingInfo(mapping[name], `topicQueueMappingByBroker.${name}`, what));
    }
    route.topicQueueMappingByBroker = byBroker;
  }
  return route;
}

function readList<T>(value: unknown, path: string, what: string, read: (v: unknown, p: string, w: string) => T): T[] {
  if (value === null || value === undefined) return [];
  const items = expectArray(value, path, what);
  const result: T[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) result[i] = read(items[i], `${path}[${i}]`, what);
  return result;
}

export function readQueueData(value: unknown, path: string, what: string): QueueData {
  const obj = expectObject(value, path, what);
  return {
    brokerName: requiredString(obj.brokerName, `${path}.brokerName`, what),
    readQueueNums: integerField(obj.readQueueNums, `${path}.readQueueNums`, what, 0),
    writeQueueNums: integerField(obj.writeQueueNums, `${path}.writeQueueNums`, what, 0),
    perm: integerField(obj.perm, `${path}.perm`, what, 0),
    topicSysFlag: integerField(obj.topicSysFlag, `${path}.topicSysFlag`, what, 0),
  };
}

function readFilterServerTable(value: unknown, what: string): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const obj = optionalObject(value, 'filterServerTable', what);
  if (!obj) return table;
  for (const addr of Object.keys(obj)) {
    if (obj[addr] === null) continue;
    table.set(addr, stringArray(obj[addr], `filterServerTable.${addr}`, what));
  }
  return table;
}
