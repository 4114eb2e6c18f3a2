import type { NameServerClient } from '../client/namesrv/name-server-client.js';
import { NameServerError } from '../client/namesrv/errors.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { DataVersion } from '../protocol/route-types.js';
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
  /** Broker key → the NameServer's data version of that broker (null: it has none). */
  dataVersions: Map<string, DataVersion | null>;
  /** Why data versions could not be read (a NameServer with ACL refuses unsigned QUERY_DATA_VERSION). */
  dataVersionsError: string | null;
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
    dataVersions: new Map(),
    dataVersionsError: null,
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
 * Asks a NameServer for its data version of each broker and its route of each topic, at most
 * `limits.concurrency` requests at a time. A NameServer refreshes a broker's last-update time when
 * asked its data version (Java's does the same), so callers compare on demand, not on a timer.
 */
export async function readDetails(
  client: NameServerClient,
  view: NameServerView,
  brokers: readonly BrokerEntry[],
  topics: readonly string[],
  limits: ComparisonLimits,
): Promise<void> {
  const options = { address: view.address, timeoutMs: limits.timeoutMs };
  const unknownVersion: DataVersion = { stateVersion: 0, timestamp: 0, counter: 0 };
  try {
    await mapLimited(brokers, limits.concurrency, async (b) => {
      const identity = { clusterName: b.cluster, brokerName: b.brokerName, brokerAddr: b.address, brokerId: b.brokerId };
      const answer = await client.queryDataVersion(identity, unknownVersion, options);
      view.dataVersions.set(brokerKey(b), answer.dataVersion);
    });
  } catch (err) {
    // An answer that refuses (no permission...) leaves the data versions out; no answer at all is an error.
    if (!(err instanceof NameServerError)) {
      view.error = firstLine(err);
      return;
    }
    view.dataVersions.clear();
    view.dataVersionsError = firstLine(err);
  }
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
