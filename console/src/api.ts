/** The NameServer's JSON API, as the console reads it (docs: the HTTP API section of the README). */
import { authorization, loginNeeded } from './auth';

export interface Overview {
  version: string;
  rocketmqVersion: string;
  startedAt: number;
  uptimeMs: number;
  remoting: { address: string; port: number };
  http: { address: string; port: number };
  tlsMode: string;
  counts: { clusters: number; brokerNames: number; brokers: number; topics: number };
}

export interface DataVersion {
  counter: number;
  timestamp: number;
  stateVersion: number;
}

export interface BrokerAddress {
  brokerId: number;
  address: string;
  haServerAddress: string | null;
  lastUpdateTimestamp: number;
  heartbeatAgeMs: number;
  heartbeatTimeoutMs: number;
  dataVersion: DataVersion | null;
  remoteAddress: string | null;
}

export interface BrokerGroup {
  cluster: string;
  brokerName: string;
  zoneName: string | null;
  enableActingMaster: boolean;
  topicCount: number;
  addresses: BrokerAddress[];
}

export interface TopicPage {
  total: number;
  offset: number;
  limit: number;
  topics: { topic: string; brokerNames: string[] }[];
}

export interface TopicRoute {
  topic: string;
  orderTopicConf: string | null;
  queueDatas: { brokerName: string; readQueueNums: number; writeQueueNums: number; perm: number; topicSysFlag: number }[];
  brokerDatas: { cluster: string; brokerName: string; brokerAddrs: Record<string, string>; zoneName?: string | null; enableActingMaster?: boolean }[];
  filterServerTable: Record<string, string[]>;
  topicQueueMappingByBroker: Record<string, unknown> | null;
}

export interface Stats {
  timestamp: number;
  requestsTotal: number;
  routeLookupsTotal: number;
  routeLookupSecondsSum: number;
  connectionsOpen: number;
}

export interface NameServerList {
  self: string;
  configured: string[];
}

export interface CanonicalRoute {
  orderTopicConf: string | null;
  queues: { brokerName: string; readQueueNums: number; writeQueueNums: number; perm: number; topicSysFlag: number }[];
  brokers: { cluster: string; brokerName: string; zoneName: string | null; addrs: [number, string][] }[];
  staticMapping: [string, unknown][] | null;
}

interface BrokerEntry {
  cluster: string;
  brokerName: string;
  brokerId: number;
  address: string;
}

export interface ConsistencyReport {
  comparedAt: number;
  agree: boolean;
  nameServers: { address: string; reachable: boolean; error: string | null; clusters: number; brokers: number; topics: number }[];
  brokers: (BrokerEntry & { presentOn: string[]; missingFrom: string[] })[];
  topics: { union: number; missing: { topic: string; presentOn: string[]; missingFrom: string[] }[]; missingTotal: number };
  routes: { compared: number; notCompared: number; differingTotal: number; differing: { topic: string; variants: { nameServers: string[]; route: CanonicalRoute | null }[] }[] };
  limits: { maxRouteTopics: number; concurrency: number; timeoutMs: number };
}

export interface ReplicaState {
  brokerId: number;
  address: string;
  inSync: boolean;
  alive: boolean;
  lastHeartbeatTimestamp: number | null;
  heartbeatAgeMs: number | null;
  heartbeatTimeoutMs: number | null;
  maxOffset: string | null;
}

export interface BrokerSetState {
  cluster: string;
  brokerName: string;
  masterBrokerId: number | null;
  masterAddress: string | null;
  masterEpoch: number;
  syncStateSetEpoch: number;
  syncStateSet: number[];
  replicas: ReplicaState[];
}

export type ControllerState =
  | { enabled: false }
  | {
      enabled: true;
      address: string;
      role: 'leader' | 'follower' | 'unavailable';
      reason: string | null;
      leaderAddress: string | null;
      deciding: boolean;
      store: string;
      timestamp: number;
      brokerSets: BrokerSetState[] | null;
    };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  // The header tells the server not to answer 401 with a challenge (the browser would open its own dialog).
  const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'console' };
  const account = authorization();
  if (account) headers.authorization = account;
  const response = await fetch(path, { headers, signal });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: the status line says more than the body.
  }
  if (!response.ok) {
    const message = (body as { error?: string } | null)?.error ?? `${response.status} ${response.statusText}`;
    if (response.status === 401) loginNeeded(message);
    throw new ApiError(response.status, message);
  }
  return body as T;
}

export const api = {
  overview: () => getJson<Overview>('/api/v1/overview'),
  stats: () => getJson<Stats>('/api/v1/stats'),
  brokers: () => getJson<{ brokers: BrokerGroup[] }>('/api/v1/brokers').then((r) => r.brokers),
  clusters: () => getJson<{ clusters: Record<string, string[]> }>('/api/v1/clusters').then((r) => r.clusters),
  topics: (q: { offset: number; limit: number; prefix: string; cluster: string }, signal?: AbortSignal) =>
    getJson<TopicPage>(`/api/v1/topics?${new URLSearchParams({ offset: String(q.offset), limit: String(q.limit), prefix: q.prefix, cluster: q.cluster })}`, signal),
  route: (topic: string) => getJson<TopicRoute>(`/api/v1/topics/${encodeURIComponent(topic)}/route`),
  kv: () => getJson<{ namespaces: Record<string, Record<string, string>> }>('/api/v1/kv').then((r) => r.namespaces),
  config: () => getJson<{ settings: Record<string, string> }>('/api/v1/config').then((r) => r.settings),
  controller: () => getJson<ControllerState>('/api/v1/controller'),
  nameServers: () => getJson<NameServerList>('/api/v1/nameservers'),
  compare: (addrs: string[], signal?: AbortSignal) =>
    getJson<ConsistencyReport>(`/api/v1/nameservers/compare?${new URLSearchParams({ addrs: addrs.join(';') })}`, signal),
};
