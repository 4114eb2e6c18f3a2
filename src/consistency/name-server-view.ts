import type { NameServerClient } from '../client/namesrv/name-server-client.js';
import { NameServerError } from '../client/namesrv/errors.js';
import { ResponseCode } from '../protocol/response-code.js';
import { canonicalRoute, type CanonicalRoute } from './canonical-route.js';
import type { ComparisonLimits } from './limits.js';
import { mapLimited } from './map-limited.js';

/** One broker address as a NameServer's cluster info lists it. */
export interface BrokerEntry {
  cluster: string;
  brokerName: string;
  brokerId: number;
  address: string;
}

export function brokerKey(b: BrokerEntry): string {
  return `${b.cluster}/${b.brokerName}/${b.brokerId}/${b.address}`;
}

/** What one NameServer told us; `error` set when it could not be read at all. */
export interface NameServerView {
  address: string;
  error: string | null;
  clusters: number;
  brokers: Map<string, BrokerEntry>;
  topics: Set<string>;
  /** Topic → route (null: the NameServer has no route for it). */
  routes: Map<string, CanonicalRoute | null>;
}

/** Reads a NameServer's cluster info and topic list. */
export async function readInventory(client: NameServerClient, address: string, limits: ComparisonLimits): Promise<NameServerView> {
  const view: NameServerView = {
    address,
    error: null,
    clusters: 0,
    brokers: new Map(),
    topics: new Set(),
    routes: new Map(),
  };
  try {
    const options = { address, timeoutMs: limits.timeoutMs };
    const [clusterInfo, topicList] = await Promise.all([client.getClusterInfo(options), client.getAllTopicList(options)]);
    view.clusters = clusterInfo.clusterAddrTable.size;
    for (const data of clusterInfo.brokerAddrTable.values()) {
      for (const [brokerId, brokerAddress] of data.brokerAddrs) {
        const entry = { cluster: data.cluster, brokerName: data.brokerName, brokerId, address: brokerAddress };
        view.brokers.set(brokerKey(entry), entry);
      }
    }
    view.topics = new Set(topicList.topicList);
  } catch (err) {
    view.error = firstLine(err);
  }
  return view;
}

/**
 * Asks a NameServer for its route of each topic, at most `limits.concurrency` requests at a time.
 * Brokers' data versions are never asked (QUERY_DATA_VERSION): Java's NameServer takes that
 * question as a sign of life of the broker named in it, so a comparison would keep a dead broker
 * listed. A comparison sends only reads that change nothing: GET_BROKER_CLUSTER_INFO,
 * GET_ALL_TOPIC_LIST_FROM_NAMESERVER and GET_ROUTEINFO_BY_TOPIC.
 */
export async function readRoutes(client: NameServerClient, view: NameServerView, topics: readonly string[], limits: ComparisonLimits): Promise<void> {
  const options = { address: view.address, timeoutMs: limits.timeoutMs };
  try {
    await mapLimited(topics, limits.concurrency, async (topic) => {
      try {
        view.routes.set(topic, canonicalRoute(await client.getTopicRoute(topic, options)));
      } catch (err) {
        if (!(err instanceof NameServerError && err.code === ResponseCode.TOPIC_NOT_EXIST)) throw err;
        view.routes.set(topic, null);
      }
    });
  } catch (err) {
    view.error = firstLine(err);
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}
