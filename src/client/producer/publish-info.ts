import { MASTER_ID, Perm, type TopicQueueMappingInfo, type TopicRouteData } from '../../protocol/route-types.js';
import type { MessageQueue } from './message-queue.js';

/** What a producer needs of a route: the queues it may send to. */
export interface TopicPublishInfo {
  topic: string;
  /** True when the queues come from the NameServer's order-topic config. */
  orderTopic: boolean;
  messageQueues: MessageQueue[];
  route: TopicRouteData;
}

const MOCK_BROKER_PREFIX = '__syslo__';
const GLOBAL_SCOPE = '__global__';
/** The broker name of a static-topic queue no broker hosts. */
export const MOCK_BROKER_NAME_NOT_EXIST = '__syslo__none__';

/**
 * Turns a route into publish info, by Java's rules (`topicRouteData2TopicPublishInfo`):
 * - an order-topic config (`brokerA:4;brokerB:4`) lists the queues outright;
 * - a static topic's queues are its logical queues, under a mock broker name per scope;
 * - otherwise each writable broker group with a live master contributes its write queues,
 *   brokers in name order.
 */
export function topicRouteToPublishInfo(topic: string, route: TopicRouteData): TopicPublishInfo {
  if (route.orderTopicConf != null && route.orderTopicConf.length > 0) {
    return { topic, orderTopic: true, messageQueues: orderConfQueues(topic, route.orderTopicConf), route };
  }
  if (route.orderTopicConf == null && route.topicQueueMappingByBroker && route.topicQueueMappingByBroker.size > 0) {
    const queues = Array.from(staticTopicEndpoints(topic, route.topicQueueMappingByBroker).keys());
    queues.sort((a, b) => a.queueId - b.queueId);
    return { topic, orderTopic: false, messageQueues: queues, route };
  }
  const messageQueues: MessageQueue[] = [];
  const queueDatas = [...route.queueDatas].sort((a, b) => compareJavaStrings(a.brokerName, b.brokerName));
  for (const qd of queueDatas) {
    if ((qd.perm & Perm.WRITE) === 0) continue;
    const broker = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    if (!broker || !broker.brokerAddrs.has(MASTER_ID)) continue;
    for (let i = 0; i < qd.writeQueueNums; i++) messageQueues.push({ topic, brokerName: qd.brokerName, queueId: i });
  }
  return { topic, orderTopic: false, messageQueues, route };
}

/** `brokerName:queueNums;brokerName:queueNums` */
function orderConfQueues(topic: string, conf: string): MessageQueue[] {
  const queues: MessageQueue[] = [];
  for (const entry of conf.split(';')) {
    if (entry === '') continue;
    const [brokerName, nums] = entry.split(':');
    const count = Number.parseInt(nums ?? '', 10);
    if (!brokerName || !Number.isFinite(count)) throw new Error(`bad order topic config entry "${entry}" in "${conf}"`);
    for (let i = 0; i < count; i++) queues.push({ topic, brokerName, queueId: i });
  }
  return queues;
}

interface MappingInfo {
  scope: string;
  epoch: number;
  totalQueues: number;
  bname: string;
  globalIds: number[];
}

function readMapping(info: TopicQueueMappingInfo): MappingInfo | null {
  const scope = info.scope === undefined ? GLOBAL_SCOPE : info.scope;
  if (typeof scope !== 'string') return null;
  const ids = info.currIdMap;
  const globalIds =
    ids instanceof Map ? Array.from((ids as Map<unknown, unknown>).keys(), Number) : typeof ids === 'object' && ids ? Object.keys(ids).map(Number) : [];
  return {
    scope,
    epoch: Number(info.epoch ?? 0),
    totalQueues: Number(info.totalQueues ?? 0),
    bname: typeof info.bname === 'string' ? info.bname : '',
    globalIds: globalIds.filter(Number.isInteger),
  };
}

/** Logical queue → the broker hosting it (Java's `topicRouteData2EndpointsForStaticTopic`). */
export function staticTopicEndpoints(topic: string, byBroker: Map<string, TopicQueueMappingInfo>): Map<MessageQueue, string> {
  const byScope = new Map<string, MappingInfo[]>();
  for (const raw of byBroker.values()) {
    const info = readMapping(raw);
    if (!info) continue;
    const list = byScope.get(info.scope) ?? [];
    list.push(info);
    byScope.set(info.scope, list);
  }
  const endpoints = new Map<MessageQueue, string>();
  for (const [scope, infos] of byScope) {
    const mockBroker = MOCK_BROKER_PREFIX + (scope === GLOBAL_SCOPE ? scope.substring(2) : scope);
    infos.sort((a, b) => b.epoch - a.epoch);
    let maxTotal = 0;
    const owner = new Map<number, MappingInfo>();
    for (const info of infos) {
      if (info.epoch >= -1 && info.totalQueues > maxTotal) maxTotal = info.totalQueues;
      for (const id of info.globalIds) {
        const old = owner.get(id);
        if (!old || old.epoch <= info.epoch) owner.set(id, info);
      }
    }
    for (let i = 0; i < maxTotal; i++) {
      endpoints.set({ topic, brokerName: mockBroker, queueId: i }, owner.get(i)?.bname ?? MOCK_BROKER_NAME_NOT_EXIST);
    }
  }
  return endpoints;
}

/** Java's String.compareTo: UTF-16 code unit order. */
function compareJavaStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
