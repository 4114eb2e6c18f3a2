/**
 * The values NameServers, brokers and clients exchange about routes, as typed objects.
 * Field names are the wire's. Maps whose Java key type is Long use `Map<number, ...>` so the
 * encoders can write them in either JSON flavour (`{0:"..."}` or `{"0":"..."}`).
 */

/** Permission bits of a topic's queues on one broker (Java's PermName). */
export const Perm = {
  PRIORITY: 1 << 3,
  READ: 1 << 2,
  WRITE: 1 << 1,
  INHERIT: 1 << 0,
} as const;

/** The broker id of a master. */
export const MASTER_ID = 0;

export interface DataVersion {
  stateVersion: number;
  timestamp: number;
  counter: number;
}

export function dataVersionEquals(a: DataVersion | null | undefined, b: DataVersion | null | undefined): boolean {
  if (!a || !b) return a === b;
  return a.stateVersion === b.stateVersion && a.timestamp === b.timestamp && a.counter === b.counter;
}

/** A topic as a broker declares it when registering. */
export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType?: string;
  topicSysFlag: number;
  order?: boolean;
  attributes?: Record<string, string>;
}

/** A topic's queues on one broker, as routes carry them. */
export interface QueueData {
  brokerName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

/** One broker group (a master and its slaves) by name. */
export interface BrokerData {
  cluster: string;
  brokerName: string;
  /** Broker id → address; id 0 is the master. */
  brokerAddrs: Map<number, string>;
  zoneName?: string | null;
  enableActingMaster: boolean;
}

/** Static-topic mapping info, kept as the broker sent it (the NameServer only passes it on). */
export type TopicQueueMappingInfo = Record<string, unknown> & { bname?: string };

export interface TopicRouteData {
  orderTopicConf?: string | null;
  queueDatas: QueueData[];
  brokerDatas: BrokerData[];
  /** Broker address → its filter servers. */
  filterServerTable: Map<string, string[]>;
  /** Broker name → static-topic mapping; absent for ordinary topics. */
  topicQueueMappingByBroker?: Map<string, TopicQueueMappingInfo> | null;
}

export interface ClusterInfo {
  brokerAddrTable: Map<string, BrokerData>;
  clusterAddrTable: Map<string, Set<string>>;
}

export interface TopicConfigSerializeWrapper {
  dataVersion: DataVersion;
  topicConfigTable: Map<string, TopicConfig>;
  /** Present on 5.x brokers with static topics. */
  topicQueueMappingInfoMap?: Map<string, TopicQueueMappingInfo>;
}

export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: TopicConfigSerializeWrapper;
  filterServerList: string[];
}

export interface TopicList {
  topicList: string[];
  brokerAddr?: string | null;
}

export interface BrokerMemberGroup {
  cluster: string;
  brokerName: string;
  brokerAddrs: Map<number, string>;
}

/** Java's TopicSysFlag bits. */
export const TopicSysFlag = {
  UNIT: 0x1 << 0,
  UNIT_SUB: 0x1 << 1,
} as const;
