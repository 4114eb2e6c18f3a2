import { freshRouteFragments, type RouteFragments } from '../../protocol/bodies/topic-route-data.js';
import type { BrokerData, QueueData } from '../../protocol/route-types.js';
import type { FastjsonMode } from '../../json/fastjson-writer.js';
import type { RouteGenerationsView, TopicGeneration } from '../route/route-generations.js';
import { KeptValue, KeptValues } from '../../util/kept-value.js';

export type RouteFlavor = 'standard' | 'fastjson';

/** What the cache reads of the registry to know whether an answer is stale. */
export interface CachedRegistry {
  readonly generations: RouteGenerationsView;
  topicGeneration(topic: string): TopicGeneration | undefined;
  /** The key of a topic's route shape: equal keys, equal answers; null when the topic has its own parts. */
  routeShapeKey(holder: TopicGeneration): string | null;
}

/** One answer shared by the topics whose routes have the same shape. */
interface SharedRoute {
  /** Names the shape for as long as this entry lives (never reused): see `shapeIdOf`. */
  id: number;
  standard?: Buffer;
  fastjson?: Buffer;
  /** The routed-brokers generation the answers were built at. */
  brokersGeneration: number;
  /** How many times a topic was found to have this shape: its answers are kept from the second. */
  topics: number;
  /** The cache's clearing it was made in: one from before a `clear`, still in topics' slots, is not read. */
  epoch: number;
}

/** In a topic's slot: the topic has parts of its own (static mappings), no shape. */
const NO_SHAPE = Symbol('no route shape');

interface RouteEntry {
  standard?: Buffer;
  fastjson?: Buffer;
  /** The topic's generation holder and its number when the entry was built. */
  topic: TopicGeneration;
  topicGeneration: number;
  brokersGeneration: number;
  /** The KV version the entry was built against (routes may carry order-topic config from KV). */
  kvVersion: number;
}

/** A piece of a route body, per JSON mode. */
type ModeFragments = { [mode in FastjsonMode]?: Buffer };

/** Default budget for cached route bodies. */
export const DEFAULT_ROUTE_CACHE_BYTES = 64 * 1024 * 1024;

/** How many once-asked topics are remembered before that memory starts afresh. */
const SEEN_ONCE_LIMIT = 16_384;

/**
 * A cache that filled its budget with answers served fewer times than they were kept rests (keeps
 * nothing) for this many times the lookups that filled it, then tries again; twice as long after
 * each fill in a row that did not pay off either, up to MAX_REST_FACTOR.
 */
const REST_FACTOR = 8;
const MAX_REST_FACTOR = 1024;

/** At most this many route shapes are kept (a registry's topics usually have a handful); past it they start afresh. */
const MAX_ROUTE_SHAPES = 4096;

/** At most this many topic lists are kept: the unit-topic lists and a few clusters'. */
const MAX_TOPIC_LISTS = 8;

/**
 * Encoded answers kept as bytes until what they were built from changes: a route lookup for an
 * unchanged topic costs a map lookup and three number comparisons, not a walk of the registry
 * and a JSON encoding.
 *
 * Safe because: an answer is built synchronously from the registry and stored with the
 * generations it was built at (RouteGenerations): the topic's own (moved by any change to its
 * queues or mappings, and when it is removed; a re-created topic has a new holder), the routed
 * brokers' (any change to broker groups some topic names, their addresses or filter servers),
 * and the KV version (order-topic config). It is served only while all three are unchanged;
 * nothing else goes into a route answer but the config switches, whose update calls `clear`.
 * The cluster info depends on every broker-side change, the all-topics list on the topic set
 * only. Memory is bounded by the byte budget
 * and by the registry's topics: only answers for topics that exist are kept. When the budget
 * fills with answers served less often than they were kept, the cache rests for a while
 * (REST_FACTOR): lookups are answered as fresh as before, without the keeping.
 *
 * Answers are kept per route shape first (`sharedRoute`): topics whose queue entries are alike
 * get the same bytes, under the same two generations (the topic's, through its slot, and the
 * routed brokers'). Per-topic answers remain for topics whose shape is theirs alone and for
 * answers that carry KV. Shared answers have a budget of their own, of the same size, and at most
 * MAX_ROUTE_SHAPES shapes.
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
  /**
   * Answers shared by topics whose routes have the same shape (RouteRegistry.routeShapeKey): a
   * route body names no topic, and a registry's topics mostly sit on the same brokers with the
   * same queue counts, so over 300,000 topics a few hundred answers serve every lookup, where
   * answers kept per topic would fill the budget without being asked again. A topic finds its
   * shape through its slot (TopicGeneration.derived), looked up once per change of the topic.
   */
  private sharedRoutes = new Map<string, SharedRoute>();
  private sharedRouteBytes = 0;
  private nextShapeId = 1;
  private epoch = 0;
  /**
   * Since the routes last started afresh: lookups, hits, answers kept. Over a registry whose
   * asked-for answers far exceed the budget (300 brokers x 10,000 topics asked at random), kept
   * answers are rarely served again before the budget is full: keeping them costs building the
   * entries and collecting them (old-space garbage, the slowest lookups) for few hits.
   */
  private lookupsSinceFresh = 0;
  private hitsSinceFresh = 0;
  private keptSinceFresh = 0;
  /** Lookups left before answers are kept again; 0: keeping. */
  private restingFor = 0;
  private restFactor = REST_FACTOR;
  private readonly clusterInfoBytes = new KeptValue<Buffer>();
  /**
   * Each broker's JSON, per mode, by object: a broker appears in the routes of all its topics, and
   * a lookup that misses the route cache need not encode it again. Safe because a broker group's
   * object is written only by the registry's broker-side mutators, which move the brokers
   * generation: the fragments are dropped when that generation is not the one they were built at.
   */
  private brokerFragments = new WeakMap<BrokerData, ModeFragments>();
  private brokerFragmentsGeneration = -1;
  private readonly queueFragments = new WeakMap<QueueData, ModeFragments>();
  private readonly allTopicsBytes = new KeptValue<Buffer>();
  /**
   * Topic lists built by a pass over every topic (a cluster's, the unit-topic lists), by name, as
   * of the registry's `current` generation (any change to a topic's brokers, flags or a cluster's
   * members moves it). At scale one costs tens of ms to build; at most MAX_TOPIC_LISTS are kept.
   */
  private readonly topicLists = new KeptValues<Buffer>(MAX_TOPIC_LISTS);

  constructor(
    private readonly registry: CachedRegistry,
    private readonly maxRouteBytes = DEFAULT_ROUTE_CACHE_BYTES,
  ) {}

  /** The cached answer for a topic, if nothing it was built from has changed since (KV included). */
  getRoute(topic: string, flavor: RouteFlavor, kvVersion: number): Buffer | undefined {
    // Counted from when answers are kept: the lookups a rest took are not the ones that filled it.
    if (this.restingFor === 0) this.lookupsSinceFresh++;
    else if (--this.restingFor === 0) this.lookupsSinceFresh = 0;
    const entry = this.routes.get(topic);
    if (entry === undefined) return undefined;
    if (!this.isCurrent(entry, kvVersion)) {
      this.dropRoute(topic);
      return undefined;
    }
    const bytes = flavor === 'standard' ? entry.standard : entry.fastjson;
    if (bytes) this.hitsSinceFresh++;
    return bytes;
  }

  /** Whether the cache is resting: keeping no answers for now (see REST_FACTOR). */
  get isResting(): boolean {
    return this.restingFor > 0;
  }

  /**
   * Offers an answer just built from the registry as it is now (no change in between); it is
   * kept once its topic has been asked for twice.
   */
  putRoute(topic: string, flavor: RouteFlavor, kvVersion: number, bytes: Buffer): void {
    if (this.restingFor > 0) return;
    const holder = this.registry.topicGeneration(topic);
    if (!holder) return;
    let entry = this.routes.get(topic);
    if (entry && !this.isCurrent(entry, kvVersion)) {
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
      const paidOff = this.hitsSinceFresh >= this.keptSinceFresh;
      const filledIn = this.lookupsSinceFresh;
      this.clearRoutes();
      if (!paidOff) {
        this.restingFor = this.restFactor * filledIn;
        this.restFactor = Math.min(this.restFactor * 2, MAX_REST_FACTOR);
        return;
      }
      this.restFactor = REST_FACTOR;
      entry = undefined;
    }
    if (!entry) {
      const brokersGeneration = this.registry.generations.routedBrokers;
      this.routes.set(topic, (entry = { topic: holder, topicGeneration: holder.generation, brokersGeneration, kvVersion }));
    }
    const previous = flavor === 'standard' ? entry.standard : entry.fastjson;
    if (previous) this.routeBytes -= previous.length;
    if (flavor === 'standard') entry.standard = bytes;
    else entry.fastjson = bytes;
    this.routeBytes += bytes.length;
    this.keptSinceFresh++;
  }

  /**
   * The answer of a topic's route shape, if one was kept and the brokers routes show have not
   * changed since. Asked only where no KV goes into answers (orderMessageEnable off); a topic with
   * static mappings has no shape.
   */
  sharedRoute(topic: string, flavor: RouteFlavor): Buffer | undefined {
    const shared = this.sharedRouteOf(topic);
    if (!shared || shared.brokersGeneration !== this.registry.generations.routedBrokers) return undefined;
    return flavor === 'standard' ? shared.standard : shared.fastjson;
  }

  /**
   * Offers an answer just built from the registry as it is now, as its topic's shape's: kept once
   * two topics have that shape (true); a shape of one topic is left to the per-topic answers.
   */
  putSharedRoute(topic: string, flavor: RouteFlavor, bytes: Buffer): boolean {
    const shared = this.sharedRouteOf(topic);
    if (!shared || shared.topics < 2) return false;
    const generation = this.registry.generations.routedBrokers;
    if (shared.brokersGeneration !== generation) {
      this.sharedRouteBytes -= (shared.standard?.length ?? 0) + (shared.fastjson?.length ?? 0);
      shared.standard = shared.fastjson = undefined;
      shared.brokersGeneration = generation;
    }
    const previous = flavor === 'standard' ? shared.standard : shared.fastjson;
    this.sharedRouteBytes += bytes.length - (previous?.length ?? 0);
    if (flavor === 'standard') shared.standard = bytes;
    else shared.fastjson = bytes;
    // Shapes as many as topics (every topic configured apart) share nothing: start afresh.
    if (this.sharedRouteBytes > this.maxRouteBytes) this.clearSharedRoutes();
    return true;
  }

  /**
   * A name for the topic's route shape, for copies of answers kept elsewhere (serving processes):
   * topics given the same id get byte-identical route answers of one flavour, without KV, for as
   * long as neither topic changes and the routed brokers do not. Null when the topic has no route
   * or a route of its own (static mappings), and for a shape not kept yet once MAX_ROUTE_SHAPES
   * are: naming every topic's shape must not push out the answers lookups use.
   */
  shapeIdOf(topic: string): number | null {
    return this.sharedRouteOf(topic, false)?.id ?? null;
  }

  /** The topic's shape; a new one starts the shapes afresh when MAX_ROUTE_SHAPES are kept, unless `mayStartAfresh` is false (then null). */
  private sharedRouteOf(topic: string, mayStartAfresh = true): SharedRoute | null {
    const holder = this.registry.topicGeneration(topic);
    if (!holder) return null;
    // The topic's slot holds its shape (or NO_SHAPE) as of the topic's generation `derivedAt`.
    const memo = holder.derived as SharedRoute | typeof NO_SHAPE | null;
    if (memo !== null && holder.derivedAt === holder.generation) {
      if (memo === NO_SHAPE) return null;
      if (memo.epoch === this.epoch) return memo;
    }
    const key = this.registry.routeShapeKey(holder);
    if (key === null) {
      holder.derivedAt = holder.generation;
      holder.derived = NO_SHAPE;
      return null;
    }
    let shared = this.sharedRoutes.get(key);
    if (!shared && this.sharedRoutes.size >= MAX_ROUTE_SHAPES) {
      if (!mayStartAfresh) return null;
      this.clearSharedRoutes();
    }
    holder.derivedAt = holder.generation;
    if (!shared) {
      this.sharedRoutes.set(key, (shared = { id: this.nextShapeId++, brokersGeneration: -1, topics: 0, epoch: this.epoch }));
      // Keys count too: a shape names every broker of its topics, so a key can be long.
      this.sharedRouteBytes += 2 * key.length;
    }
    shared.topics++;
    holder.derived = shared;
    return shared;
  }

  private clearSharedRoutes(): void {
    // Topics' slots still point at the shapes dropped (until each is asked again): their bytes go
    // now, so that a registry of more shapes than kept cannot hold answers past the budget that way.
    for (const shared of this.sharedRoutes.values()) shared.standard = shared.fastjson = undefined;
    this.sharedRoutes = new Map();
    this.sharedRouteBytes = 0;
    // Memos in topics' slots point at the shapes dropped: the new epoch makes them unread.
    this.epoch++;
  }

  /** Encoded broker groups and queue entries for route bodies; pass to encodeTopicRouteData. */
  readonly fragments: RouteFragments = {
    broker: (broker, mode) => {
      const brokers = this.registry.generations.brokers;
      if (this.brokerFragmentsGeneration !== brokers) {
        this.brokerFragments = new WeakMap();
        this.brokerFragmentsGeneration = brokers;
      }
      let fragments = this.brokerFragments.get(broker);
      if (!fragments) this.brokerFragments.set(broker, (fragments = {}));
      return (fragments[mode] ??= freshRouteFragments.broker(broker, mode));
    },
    // The registry's queue entries are pooled and frozen: an entry's bytes never go stale. Others
    // (copies an answer rewrote) are encoded each time.
    queue: (queue, mode) => {
      if (!Object.isFrozen(queue)) return freshRouteFragments.queue(queue, mode);
      let fragments = this.queueFragments.get(queue);
      if (!fragments) this.queueFragments.set(queue, (fragments = {}));
      return (fragments[mode] ??= freshRouteFragments.queue(queue, mode));
    },
  };

  clusterInfo(build: () => Buffer): Buffer {
    return this.clusterInfoBytes.get(this.registry.generations.brokers, build) as Buffer;
  }

  /** The list of every topic, kept while the topic set is unchanged; `build` may take turns of the loop (a promise). */
  allTopics(build: () => Buffer | Promise<Buffer>): Buffer | Promise<Buffer> {
    return this.allTopicsBytes.get(this.registry.generations.topicSet, build);
  }

  /** A topic list built by a pass over every topic (`name` says which: a cluster's, a unit-topic list), kept while the registry is unchanged. */
  topicList(name: string, build: () => Buffer | Promise<Buffer>): Buffer | Promise<Buffer> {
    return this.topicLists.get(name, this.registry.generations.current, build);
  }

  /** Drops everything: what answers are built from changed outside the registry (config switches). */
  clear(): void {
    this.clearRoutes();
    this.clearSharedRoutes();
    this.brokerFragments = new WeakMap();
    this.clusterInfoBytes.clear();
    this.allTopicsBytes.clear();
    this.topicLists.clear();
  }

  get cachedRouteBytes(): number {
    return this.routeBytes;
  }

  private isCurrent(entry: RouteEntry, kvVersion: number): boolean {
    return (
      entry.topic.generation === entry.topicGeneration &&
      entry.brokersGeneration === this.registry.generations.routedBrokers &&
      entry.kvVersion === kvVersion
    );
  }

  private dropRoute(topic: string): void {
    const entry = this.routes.get(topic);
    if (!entry) return;
    this.routeBytes -= (entry.standard?.length ?? 0) + (entry.fastjson?.length ?? 0);
    this.routes.delete(topic);
  }

  private clearRoutes(): void {
    this.lookupsSinceFresh = 0;
    this.hitsSinceFresh = 0;
    this.keptSinceFresh = 0;
    this.routes.clear();
    this.routeBytes = 0;
  }
}
