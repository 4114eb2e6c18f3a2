/** Request codes a NameServer answers or sends, with Java's names. */
export const RequestCode = {
  PUT_KV_CONFIG: 100,
  GET_KV_CONFIG: 101,
  DELETE_KV_CONFIG: 102,
  REGISTER_BROKER: 103,
  UNREGISTER_BROKER: 104,
  GET_ROUTEINFO_BY_TOPIC: 105,
  GET_BROKER_CLUSTER_INFO: 106,
  WIPE_WRITE_PERM_OF_BROKER: 205,
  GET_ALL_TOPIC_LIST_FROM_NAMESERVER: 206,
  DELETE_TOPIC_IN_NAMESRV: 216,
  REGISTER_TOPIC_IN_NAMESRV: 217,
  GET_KVLIST_BY_NAMESPACE: 219,
  GET_TOPICS_BY_CLUSTER: 224,
  GET_SYSTEM_TOPIC_LIST_FROM_NS: 304,
  GET_UNIT_TOPIC_LIST: 311,
  GET_HAS_UNIT_SUB_TOPIC_LIST: 312,
  GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST: 313,
  UPDATE_NAMESRV_CONFIG: 318,
  GET_NAMESRV_CONFIG: 319,
  QUERY_DATA_VERSION: 322,
  ADD_WRITE_PERM_OF_BROKER: 327,
  GET_BROKER_MEMBER_GROUP: 901,
  BROKER_HEARTBEAT: 904,
  /** Sent by the NameServer to brokers (oneway) when a broker group's lowest id changes. */
  NOTIFY_MIN_BROKER_ID_CHANGE: 905,
} as const;

export type RequestCode = (typeof RequestCode)[keyof typeof RequestCode];

const NAMES = new Map<number, string>(Object.entries(RequestCode).map(([name, code]) => [code, name]));

/** The Java name of a request code, or the number as text. */
export function requestCodeName(code: number): string {
  return NAMES.get(code) ?? String(code);
}
