import { brokerDataJson } from '../../protocol/bodies/broker-data.js';
import type { BrokerData } from '../../protocol/route-types.js';
import type { FastjsonMode } from '../../json/fastjson-writer.js';

export type RouteFlavor = 'standard' | 'fastjson';

interface RouteEntry {
  standard?: Buffer;
  fastjson?: Buffer;
  /** The KV version the entry was built against (routes may carry order-topic config from KV). */
  kvVersion: number;
}

/** Default budget for cached route bodies. */
export const DEFAULT_ROUTE_CACHE_BYTES = 64 * 1024 * 1024;

/** How many once-asked topics are remembered before that memory starts afresh. */
const SEEN_ONCE_LIMIT = 16_384;

/**
 * Encoded answers kept as bytes until what they were built from changes: a route lookup for an
 * unchanged topic costs a map lookup, not a walk of the registry and a JSON encoding.
 * The registry reports changes per topic, or `null` for changes that may touch every topic
 * (brokers joining or leaving), which drop everything.
 */
export class ResponseCache {
  private readonly routes = new Map<string, RouteEntry>();
  /**
   * Topics asked for once since the cache last started afresh. An answer is kept only when its
   * topic is asked for again: over a registry far larger than the budget, keeping every answer
   * would churn megabytes of buffers (and the garbage collector) for answers never served twice.
   */
  private readonly seenOnce = new Set<string>();
  private routeBytes = 0;
  private clusterInfoBytes: Buffer | null = null;
  /**
   * Each broker's JSON, per mode, by object: a broker appears in the routes of all its topics, and
   * a lookup that misses the route cache need not encode it again. Dropped with every broker change.
   */
  private brokerFragments = new WeakMap<BrokerData, { browserCompatible?: string; default?: string }>();
  private allTopicsBytes: Buffer | null = null;

  constructor(private readonly maxRouteBytes = DEFAULT_ROUTE_CACHE_BYTES) {}

  /** The cached answer for a topic, if it was built against this KV version. */
  getRoute(topic: string, flavor: RouteFlavor, kvVersion: number): Buffer | undefined {
    const entry = this.routes.get(topic);
    if (entry === undefined || entry.kvVersion !== kvVersion) return undefined;
    return flavor === 'standard' ? entry.standard : entry.fastjson;
  }

  /** Offers an answer just built; it is kept once its topic has been asked for twice. */
  putRoute(topic: string, flavor: RouteFlavor, kvVersion: number, bytes: Buffer): void {
    let entry = this.routes.get(topic);
    if (entry && entry.kvVersion !== kvVersion) {
      this.dropRoute(topic);
      entry = undefined;
    }
    if (!entry && !this.seenOnce.has(topic)) {
      if (this.seenOnce.size >= SEEN_ONCE_LIMIT) this.seenOnce.clear();
      this.seenOnce.add(topic);
      return;
    }
    // Over budget (a registry far larger than memory for its answers): start afresh. Cheaper than
    // tracking recency on every hit, and lookups spread over that many topics rarely repeat anyway.
    if (this.routeBytes + bytes.length > this.maxRouteBytes) {
      this.clearRoutes();
      entry = undefined;
    }
    if (!entry) this.routes.set(topic, (entry = { kvVersion }));
    const previous = flavor === 'standard' ? entry.standard : entry.fastjson;
    if (previous) this.routeBytes -= previous.length;
    if (flavor === 'standard') entry.standard = bytes;
    else entry.fastjson = bytes;
    this.routeBytes += bytes.length;
  }

  /** A broker's JSON for route bodies; pass to encodeTopicRouteData. */
  readonly brokerJson = (broker: BrokerData, mode: FastjsonMode): string => {
    let fragments = this.brokerFragments.get(broker);
    if (!fragments) this.brokerFragments.set(broker, (fragments = {}));
    return (fragments[mode] ??= brokerDataJson(broker, mode));
  };

  clusterInfo(build: () => Buffer): Buffer {
    return (this.clusterInfoBytes ??= build());
  }

  allTopics(build: () => Buffer): Buffer {
    return (this.allTopicsBytes ??= build());
  }

  /** A topic's route changed; `null` means any topic's may have. */
  routeChanged(topic: string | null): void {
    if (topic === null) {
      this.clear();
      return;
    }
    this.dropRoute(topic);
    this.allTopicsBytes = null;
  }

  clear(): void {
    this.clearRoutes();
    this.brokerFragments = new WeakMap();
    this.clusterInfoBytes = null;
    this.allTopicsBytes = null;
  }

  get cachedRouteBytes(): number {
    return this.routeBytes;
  }

  private dropRoute(topic: string): void {
    const entry = this.routes.get(topic);
    if (!entry) return;
    this.routeBytes -= (entry.standard?.length ?? 0) + (entry.fastjson?.length ?? 0);
    this.routes.delete(topic);
  }

  private clearRoutes(): void {
    this.routes.clear();
    this.routeBytes = 0;
  }
}
