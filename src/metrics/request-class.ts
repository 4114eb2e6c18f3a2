import { RequestCode } from '../protocol/request-code.js';

/** A coarse grouping of request codes, for dashboards that want traffic by purpose. */
export type RequestClass = 'route' | 'register' | 'admin' | 'kv' | 'config' | 'other';

const CLASSES = new Map<number, RequestClass>([
  [RequestCode.GET_ROUTEINFO_BY_TOPIC, 'route'],
  [RequestCode.REGISTER_BROKER, 'register'],
  [RequestCode.UNREGISTER_BROKER, 'register'],
  [RequestCode.BROKER_HEARTBEAT, 'register'],
  [RequestCode.QUERY_DATA_VERSION, 'register'],
  [RequestCode.PUT_KV_CONFIG, 'kv'],
  [RequestCode.GET_KV_CONFIG, 'kv'],
  [RequestCode.DELETE_KV_CONFIG, 'kv'],
  [RequestCode.GET_KVLIST_BY_NAMESPACE, 'kv'],
  [RequestCode.UPDATE_NAMESRV_CONFIG, 'config'],
  [RequestCode.GET_NAMESRV_CONFIG, 'config'],
]);

const KNOWN = new Set<number>(Object.values(RequestCode));

/** Codes with a Java name that are none of the above are admin requests; unknown codes are `other`. */
export function requestClass(code: number): RequestClass {
  return CLASSES.get(code) ?? (KNOWN.has(code) ? 'admin' : 'other');
}

export function isKnownRequestCode(code: number): boolean {
  return KNOWN.has(code);
}
