import type { DataVersion, TopicRouteData } from '../../protocol/route-types.js';
import type { RouteRegistry } from './route-registry.js';
import { runListPass, type Pause, type PauseCheck } from '../../util/slices.js';
import { compare, lowerBound, SortedTopics } from './sorted-topics.js';
import { KeptValues } from '../../util/kept-value.js';

export interface RegistryCounts {
  clusters: number;
  /** Broker groups (names). */
  brokerNames: number;
  /** Live broker processes (cluster, address). */
  brokers: number;
  topics: number;
}

export interface BrokerAddressView {
  brokerId: number;
  address: string;
  haServerAddress: string | null;
  lastUpdateTimestamp: number | null;
  heartbeatAgeMs: number | null;
  heartbeatTimeoutMs: number | null;
  dataVersion: DataVersion | null;
  /** The peer address of the connection the broker registered over, while it is open. */
  remoteAddress: string | null;
}

export interface BrokerGroupView {
  cluster: string;
  brokerName: string;
  zoneName: string | null;
  enableActingMaster: boolean;
  topicCount: number;
  addresses: BrokerAddressView[];
}

export interface TopicQuery {
  offset: number;
  limit: number;
  cluster?: string;
  prefix?: string;
}

export interface TopicPage {
  total: number;
  topics: Array<{ topic: string; brokerNames: string[] }>;
}

export interface RegistryViewOptions {
  now(): number;
  /** The peer of an open remoting connection. */
  remoteAddressOf(connectionId: number): string | undefined;
  /** A topic's order-topic config when routes carry it (orderMessageEnable), else null. */
  orderTopicConf(topic: string): string | null;
}

/** At most this many clusters' topic lists are kept (a cluster name is the caller's choice). */
const MAX_CLUSTER_TOPIC_LISTS = 32;

/**
 * Read-only answers about the route registry for monitoring and the HTTP API, through the
 * registry's public accessors. Whatever would cost a pass over every topic (the sorted names, a
 * cluster's topics) is kept while the registry's generations say it is current (SortedTopics).
 */
export class RegistryView {
  private readonly sortedTopics: SortedTopics;
  /**
   * Cluster → its topics, sorted, as of the registry's `current` generation. Safe because any change
   * to a topic's brokers or to a cluster's members moves the registry's `current` generation.
   * Bounded: only clusters the registry has get a list, and at most MAX_CLUSTER_TOPIC_LISTS.
   */
  private readonly clusterTopics = new KeptValues<readonly string[]>(MAX_CLUSTER_TOPIC_LISTS);

  constructor(
    private readonly registry: RouteRegistry,
    private readonly options: RegistryViewOptions,
  ) {
    this.sortedTopics = new SortedTopics(registry);
  }

  counts(): RegistryCounts {
    const { brokerAddrTable, clusterAddrTable } = this.registry.clusterInfo();
    return {
      clusters: clusterAddrTable.size,
      brokerNames: brokerAddrTable.size,
      brokers: this.registry.liveBrokerCount,
      topics: this.registry.topicCount,
    };
  }

  /** Cluster → its broker names, both sorted. */
  clusters(): Record<string, string[]> {
    const { clusterAddrTable } = this.registry.clusterInfo();
    const out: Record<string, string[]> = {};
    for (const name of [...clusterAddrTable.keys()].sort(compare)) out[name] = [...clusterAddrTable.get(name)!].sort(compare);
    return out;
  }

  /** Broker groups sorted by cluster then name, their addresses by id. */
  brokers(): BrokerGroupView[] {
    const now = this.options.now();
    const groups = [...this.registry.clusterInfo().brokerAddrTable.values()].sort(
      (a, b) => compare(a.cluster, b.cluster) || compare(a.brokerName, b.brokerName),
    );
    return groups.map((group) => ({
      cluster: group.cluster,
      brokerName: group.brokerName,
      zoneName: group.zoneName ?? null,
      enableActingMaster: group.enableActingMaster,
      topicCount: this.registry.topicCountOf(group.brokerName),
      addresses: [...group.brokerAddrs]
        .sort(([a], [b]) => a - b)
        .map(([brokerId, address]) => {
          const live = this.registry.liveBroker(group.cluster, address);
          const connectionId = live?.connectionId ?? null;
          return {
            brokerId,
            address,
            haServerAddress: live?.haServerAddr || null,
            lastUpdateTimestamp: live?.lastUpdateTimestamp ?? null,
            heartbeatAgeMs: live ? now - live.lastUpdateTimestamp : null,
            heartbeatTimeoutMs: live?.heartbeatTimeoutMillis ?? null,
            dataVersion: live ? { ...live.dataVersion } : null,
            remoteAddress: connectionId === null ? null : (this.options.remoteAddressOf(connectionId) ?? null),
          };
        }),
    }));
  }

  /** One page of topic names in order, with the broker groups serving each. */
  topics(query: TopicQuery): TopicPage | Promise<TopicPage> {
    const sorted = this.sortedTopics.namesInSlices();
    const listed = (names: readonly string[]) => (query.cluster === undefined ? names : this.topicsOfCluster(query.cluster, names));
    const all = sorted instanceof Promise ? sorted.then(listed) : listed(sorted);
    return all instanceof Promise ? all.then((names) => this.page(names, query)) : this.page(all, query);
  }

  private page(all: readonly string[], query: TopicQuery): TopicPage {
    let from = 0;
    let to = all.length;
    if (query.prefix) {
      from = lowerBound(all, query.prefix);
      to = lowerBound(all, prefixEnd(query.prefix));
    }
    const page = all.slice(Math.min(from + query.offset, to), Math.min(from + query.offset + query.limit, to));
    return {
      total: to - from,
      topics: page.map((topic) => ({ topic, brokerNames: [...this.registry.topicBrokerNames(topic)].sort(compare) })),
    };
  }

  /** How many clusters' topic lists are kept, for leak checks. */
  get keptClusterLists(): number {
    return this.clusterTopics.size;
  }

  /** What GET_ROUTEINFO_BY_TOPIC answers for a topic (without zone filtering), or null. */
  topicRoute(topic: string): TopicRouteData | null {
    const route = this.registry.pickupTopicRoute(topic);
    if (route) route.orderTopicConf = this.options.orderTopicConf(topic);
    return route;
  }

  /** The cluster's topics among `sorted` (every topic name, sorted). */
  private topicsOfCluster(cluster: string, sorted: readonly string[]): readonly string[] | Promise<readonly string[]> {
    const members = this.registry.clusterInfo().clusterAddrTable.get(cluster);
    if (!members) return [];
    return this.clusterTopics.get(cluster, this.registry.generations.current, () => {
      const brokerNames = new Set(members);
      // One cluster (the usual deployment) serves every topic: its list is the sorted names as they
      // are, with no registry lookup per name. Otherwise each name is looked at (80-90 ms at 300,000
      // topics), in slices for a large registry.
      if (this.registry.everyTopicServedBy(brokerNames)) return sorted;
      return runListPass(sorted.length, (pause) => servedAmong(this.registry, sorted, brokerNames, pause));
    });
  }
}

/** The names of `sorted` some broker name of `brokerNames` serves, yielding where `pause` says. */
function* servedAmong(registry: RouteRegistry, sorted: readonly string[], brokerNames: ReadonlySet<string>, pause: PauseCheck): Generator<Pause, readonly string[]> {
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (registry.topicServedByAny(sorted[i]!, brokerNames)) out.push(sorted[i]!);
    if (pause()) yield;
  }
  return out;
}

/** The least string above every string that starts with `prefix` (in UTF-16 code-unit order). */
function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  // U+FFFF has no successor: every string of the prefix then sorts below the prefix plus one more U+FFFF.
  if (last === 0xffff) return `${prefix}\uffff`;
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
