import type { TopicRouteData } from '../protocol/route-types.js';

/**
 * A topic's route in a form that compares by value: every list sorted, maps as sorted pairs, so two
 * NameServers that hold the same route give the same JSON whatever order they keep it in.
 */
export interface CanonicalRoute {
  orderTopicConf: string | null;
  queues: { brokerName: string; readQueueNums: number; writeQueueNums: number; perm: number; topicSysFlag: number }[];
  brokers: { cluster: string; brokerName: string; zoneName: string | null; enableActingMaster: boolean; addrs: [number, string][] }[];
  filterServers: [string, string[]][];
  staticMapping: [string, unknown][] | null;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function canonicalRoute(route: TopicRouteData): CanonicalRoute {
  return {
    orderTopicConf: route.orderTopicConf ?? null,
    queues: route.queueDatas
      .map((q) => ({ brokerName: q.brokerName, readQueueNums: q.readQueueNums, writeQueueNums: q.writeQueueNums, perm: q.perm, topicSysFlag: q.topicSysFlag }))
      .sort((a, b) => byText(a.brokerName, b.brokerName)),
    brokers: route.brokerDatas
      .map((b) => ({
        cluster: b.cluster,
        brokerName: b.brokerName,
        zoneName: b.zoneName ?? null,
        enableActingMaster: b.enableActingMaster,
        addrs: Array.from(b.brokerAddrs).sort(([x], [y]) => x - y),
      }))
      .sort((a, b) => byText(a.brokerName, b.brokerName)),
    filterServers: Array.from(route.filterServerTable, ([addr, servers]): [string, string[]] => [addr, [...servers].sort(byText)]).sort(([a], [b]) =>
      byText(a, b),
    ),
    staticMapping: route.topicQueueMappingByBroker ? Array.from(route.topicQueueMappingByBroker).sort(([a], [b]) => byText(a, b)) : null,
  };
}
