import { MASTER_ID, Perm, TopicSysFlag, type BrokerData, type BrokerMemberGroup, type ClusterInfo, type QueueData, type TopicQueueMappingInfo, type TopicRouteData } from '../../protocol/route-types.js';
import { debugEnabled } from '../../util/debug-enabled.js';
import type { Logger } from '../../util/logger.js';
import type { Pause, PauseCheck } from '../../util/slices.js';
import { BrokerLiveTable, type BrokerLiveInfo } from './broker-live-table.js';
import { BrokerTopics } from './broker-topics.js';
import type { PendingRow, PendingTopics } from './pending-topics.js';
import { QueueDataPool } from './queue-data-pool.js';
import { RouteGenerations, type RouteGenerationsView, type TopicGeneration } from './route-generations.js';
import { TopicQueues } from './topic-queues.js';
import { UnchangedRegistrations } from './unchanged-registrations.js';

/** The NamesrvConfig switches the registry obeys; read on every use, so run-time updates apply. */
export interface RouteRegistryConfig {
  readonly supportActingMaster: boolean;
  readonly deleteTopicWithBrokerRegistration: boolean;
  readonly notifyMinBrokerIdChanged: boolean;
  readonly unRegisterBrokerQueueCapacity: number;
}

const SYNC_BROKER_MEMBER_GROUP_PREFIX = 'rmq_sys_SYNC_BROKER_MEMBER_';

/**
 * The route tables: clusters → broker names, broker names → addresses by id, topics → queues per
 * broker, live brokers by (cluster, address), filter servers and static-topic mappings; what is
 * read from them (routes, cluster info, topic lists), and the only code that writes them.
 *
 * Every mutator (at the end of this class) that changes something reports it through one of the
 * change methods (`topicChanged`, `brokerGroupChanged`, `clustersChanged`, `filterServersChanged`),
 * which move the generations every cache of the registry's data checks (RouteGenerations) and the
 * queue epochs the unchanged-body shortcut relies on. RouteRegistry, which extends this class,
 * holds the flows: registration, unregistration, liveness and admin operations.
 */
export class RouteTables {
  protected readonly topicQueueTable = new Map<string, TopicQueues>();
  protected readonly brokerAddrTable = new Map<string, BrokerData>();
  protected readonly clusterAddrTable = new Map<string, Set<string>>();
  protected readonly liveTable = new BrokerLiveTable();
  protected readonly filterServerTable = new Map<string, { clusterName: string; brokerAddr: string; servers: string[] }>();
  protected readonly topicQueueMappingInfoTable = new Map<string, Map<string, TopicQueueMappingInfo>>();
  protected readonly queuePool = new QueueDataPool();
  protected readonly brokerTopics = new BrokerTopics<TopicQueues>();
  protected readonly unchanged = new UnchangedRegistrations();
  protected readonly changes = new RouteGenerations();
  /** Large registrations being applied in slices: their rows answer for topics the table does not hold yet. */
  protected readonly pendingTables: PendingTopics[] = [];

  constructor(
    protected readonly config: RouteRegistryConfig,
    protected readonly logger: Logger,
  ) {}

  // ---- reads --------------------------------------------------------------------------------

  /**
   * A topic's route, or null when no live broker serves it. The route's lists are its own; with
   * `{ copies: false }` the broker and queue entries in them are the registry's, to be read and
   * encoded at once (a lookup over a large registry then allocates almost nothing).
   */
  pickupTopicRoute(topic: string, { copies = true }: { copies?: boolean } = {}): TopicRouteData | null {
    const queueDataMap = this.topicQueueTable.get(topic) ?? (this.pendingTables.length === 0 ? undefined : this.pendingQueues(topic));
    if (!queueDataMap || queueDataMap.size === 0) return null;
    const actingMaster = this.config.supportActingMaster && !topic.startsWith(SYNC_BROKER_MEMBER_GROUP_PREFIX);
    // Acting master rewrites the addresses of the route it returns.
    const copy = copies || actingMaster;
    const brokerDatas: BrokerData[] = [];
    const filterServerTable = new Map<string, string[]>();
    for (const brokerName of queueDataMap.brokerNames()) {
      const brokerData = this.brokerAddrTable.get(brokerName);
      if (!brokerData) continue;
      brokerDatas.push(copy ? { ...brokerData, brokerAddrs: new Map(brokerData.brokerAddrs) } : brokerData);
      if (this.filterServerTable.size === 0) continue;
      for (const addr of brokerData.brokerAddrs.values()) {
        const servers = this.filterServerTable.get(`${brokerData.cluster}\u0000${addr}`)?.servers;
        if (servers) filterServerTable.set(addr, [...servers]);
      }
    }
    if (brokerDatas.length === 0) return null;
    const queueDatas = queueDataMap.values();
    const route: TopicRouteData = {
      queueDatas: copy ? queueDatas.map((q) => ({ ...q })) : queueDatas,
      brokerDatas,
      filterServerTable,
      topicQueueMappingByBroker: this.topicQueueMappingInfoTable.get(topic) ?? null,
    };
    if (actingMaster) applyActingMaster(route);
    return route;
  }

  /**
   * The queues that registrations being applied will give a topic the table does not hold yet (a
   * holder of no generation: nothing derived from it is kept), or undefined when none names it.
   */
  private pendingQueues(topic: string): TopicQueues | undefined {
    let queues: TopicQueues | undefined;
    for (const pending of this.pendingTables) {
      const row = this.pendingRow(pending, topic);
      if (!row) continue;
      pending.served = true;
      const { numbers, at } = row;
      const q = this.queuePool.intern(pending.brokerName, numbers[at]!, numbers[at + 1]!, numbers[at + 2]! & pending.permMask, numbers[at + 3]!);
      if (queues) queues.set(q);
      else queues = new TopicQueues(topic, q);
    }
    return queues;
  }

  /** Whether a lookup of `topic` the table does not hold is answered from a registration being applied. */
  protected pendingRoutes(topic: string): boolean {
    return this.pendingTables.some((pending) => this.pendingRow(pending, topic) !== null);
  }

  private pendingRow(pending: PendingTopics, topic: string): PendingRow | null {
    // A broker gone between slices: its apply stops at the next one, and nothing may be answered (or pooled) for its name meanwhile.
    return this.brokerAddrTable.has(pending.brokerName) ? pending.find(topic) : null;
  }

  /** What caches of the registry's data compare to know whether they are stale. */
  get generations(): RouteGenerationsView {
    return this.changes;
  }

  /** A topic's own generation holder, while it has queues; the holder's number moves when the topic changes or goes. */
  topicGeneration(topic: string): TopicGeneration | undefined {
    return this.topicQueueTable.get(topic);
  }

  /**
   * What a topic's route body holds besides broker groups, as a key: its queue entries in order
   * (broker name, perm, queue counts, flags) and whether acting master rewrites it. Topics with
   * equal keys get equal bodies (a topic's name is nowhere in one) unless KV config goes into them
   * (orderMessageEnable: the caller's to check). Null for a topic with static mappings, its own.
   */
  routeShapeKey(holder: TopicGeneration): string | null {
    const queues = holder as TopicQueues;
    if (this.topicQueueMappingInfoTable.has(queues.topic)) return null;
    // The queue entries in order, each by its pooled value's token (every entry is pooled: putQueues).
    let key = this.config.supportActingMaster && !queues.topic.startsWith(SYNC_BROKER_MEMBER_GROUP_PREFIX) ? 'acting:' : '';
    for (let i = 0; i < queues.size; i++) {
      const token = this.queuePool.tokenOf(queues.at(i));
      if (token === undefined) return null;
      key += token;
    }
    return key;
  }

  hasTopic(topic: string): boolean {
    return this.topicQueueTable.has(topic);
  }

  clusterInfo(): ClusterInfo {
    return { brokerAddrTable: this.brokerAddrTable, clusterAddrTable: this.clusterAddrTable };
  }

  /** Every topic's name, live: a topic added while it is read is read too, one removed is skipped. */
  topicNames(): IterableIterator<string> {
    return this.topicQueueTable.keys();
  }

  allTopics(): string[] {
    return [...this.topicQueueTable.keys()];
  }

  // Read-only accessors for monitoring (registry-view.ts).

  get topicCount(): number {
    return this.topicQueueTable.size;
  }

  /** How many topics a broker name serves (kept as queues change, no pass over the topics). */
  topicCountOf(brokerName: string): number {
    return this.brokerTopics.count(brokerName);
  }

  /** The broker names with queues of a topic; empty when it has none. */
  topicBrokerNames(topic: string): string[] {
    return this.topicQueueTable.get(topic)?.brokerNames() ?? [];
  }

  liveBroker(clusterName: string, brokerAddr: string): Readonly<BrokerLiveInfo> | undefined {
    return this.liveTable.get(clusterName, brokerAddr);
  }

  /**
   * The topics some broker name of the cluster serves, yielding where `pause` says (run it with
   * runInSlices on a large registry: a cluster that does not serve every topic is a look at each,
   * 23–43 ms at 300,000 topics). A topic changed between slices is listed as it is when reached.
   * Each topic's few broker names are looked up in the cluster's set, not the other way round: a
   * cluster of 300 broker names made that 300 lookups per topic, two seconds over 300,000 topics.
   */
  *topicsOfCluster(clusterName: string, pause: PauseCheck): Generator<Pause, string[]> {
    const names = this.clusterAddrTable.get(clusterName);
    if (!names) return [];
    if (this.everyTopicServedBy(names)) return this.allTopics();
    const topics: string[] = [];
    // Values, not entries: across a yield, V8 makes each [key, value] pair (as many as topics).
    for (const queues of this.topicQueueTable.values()) {
      if (servedByAny(queues, names)) topics.push(queues.topic);
      if (pause()) yield;
    }
    return topics;
  }

  /**
   * Whether every topic has queues of some broker name of `brokerNames`: so for the one cluster of
   * most deployments, whose topic list is then every topic, without a look at each.
   */
  everyTopicServedBy(brokerNames: ReadonlySet<string>): boolean {
    return this.brokerTopics.allServingAmong(brokerNames);
  }

  /** Whether some broker name of `brokerNames` serves the topic (a cluster's, say); no list is made. */
  topicServedByAny(topic: string, brokerNames: ReadonlySet<string>): boolean {
    const queues = this.topicQueueTable.get(topic);
    return queues !== undefined && servedByAny(queues, brokerNames);
  }

  /** Cluster and broker names (the topics brokers create for themselves) and one broker address. */
  systemTopicList(): { topicList: string[]; brokerAddr: string | null } {
    const topics = new Set<string>();
    for (const [cluster, names] of this.clusterAddrTable) {
      topics.add(cluster);
      for (const n of names) topics.add(n);
    }
    let brokerAddr: string | null = null;
    for (const brokerData of this.brokerAddrTable.values()) {
      const first = brokerData.brokerAddrs.values().next();
      if (!first.done) {
        brokerAddr = first.value;
        break;
      }
    }
    return { topicList: [...topics], brokerAddr };
  }

  unitTopics(): string[] {
    return this.topicsWhereFirstQueue((flag) => (flag & TopicSysFlag.UNIT) !== 0);
  }

  hasUnitSubTopics(): string[] {
    return this.topicsWhereFirstQueue((flag) => (flag & TopicSysFlag.UNIT_SUB) !== 0);
  }

  hasUnitSubUnUnitTopics(): string[] {
    return this.topicsWhereFirstQueue((flag) => (flag & TopicSysFlag.UNIT) === 0 && (flag & TopicSysFlag.UNIT_SUB) !== 0);
  }

  brokerMemberGroup(clusterName: string, brokerName: string): BrokerMemberGroup {
    const brokerData = this.brokerAddrTable.get(brokerName);
    return { cluster: clusterName, brokerName, brokerAddrs: new Map(brokerData?.brokerAddrs ?? []) };
  }

  // ---- mutators ----------------------------------------------------------------------------


  protected topicsWhereFirstQueue(test: (topicSysFlag: number) => boolean): string[] {
    const out: string[] = [];
    for (const [topic, byBroker] of this.topicQueueTable) {
      const first = byBroker.first();
      if (first && test(first.topicSysFlag)) out.push(topic);
    }
    return out;
  }

  protected putQueueData(topic: string, q: QueueData): void {
    this.putQueues(topic, q.brokerName, q.readQueueNums, q.writeQueueNums, q.perm, q.topicSysFlag, false);
  }

  /**
   * Sets a broker name's queues of a topic, given as numbers (a registration's rows are applied
   * without an object per topic: a pooled QueueData is taken only when they changed);
   * `onlyIfMissing` leaves queues the broker name already has.
   */
  protected putQueues(topic: string, brokerName: string, readQueueNums: number, writeQueueNums: number, perm: number, topicSysFlag: number, onlyIfMissing: boolean): void {
    let byBroker = this.topicQueueTable.get(topic);
    const isNew = byBroker === undefined;
    const existing = byBroker?.get(brokerName);
    if (existing !== undefined) {
      if (onlyIfMissing) return;
      if (existing.readQueueNums === readQueueNums && existing.writeQueueNums === writeQueueNums && existing.perm === perm && existing.topicSysFlag === topicSysFlag) return;
    }
    const queues = this.queuePool.intern(brokerName, readQueueNums, writeQueueNums, perm, topicSysFlag);
    if (byBroker === undefined) {
      this.topicQueueTable.set(topic, (byBroker = new TopicQueues(topic, queues)));
      if (this.topicDebug) this.logger.debug({ topic, brokerName }, 'new topic registered');
    } else {
      byBroker.set(queues);
    }
    if (existing === undefined) this.brokerTopics.added(brokerName, byBroker);
    this.topicChanged(topic, byBroker, brokerName, isNew);
  }

  protected removeQueueData(topic: string, brokerName: string, why: string): void {
    const byBroker = this.topicQueueTable.get(topic);
    if (!byBroker?.delete(brokerName)) return;
    this.brokerTopics.removed(brokerName);
    const gone = byBroker.size === 0;
    if (gone) {
      this.topicQueueTable.delete(topic);
      // Java keeps a topic's static mappings for good; a topic that is gone everywhere needs none.
      this.topicQueueMappingInfoTable.delete(topic);
      if (this.topicDebug) this.logger.debug({ topic, why }, 'topic removed');
    }
    this.topicChanged(topic, byBroker, brokerName, gone);
  }

  protected setQueueMapping(topic: string, brokerName: string, info: TopicQueueMappingInfo): void {
    let byBroker = this.topicQueueMappingInfoTable.get(topic);
    if (!byBroker) this.topicQueueMappingInfoTable.set(topic, (byBroker = new Map()));
    byBroker.set(brokerName, info);
    this.topicChanged(topic, this.topicQueueTable.get(topic), null, false);
  }

  // Broker-side mutators: each reports a change only when it made one.

  /** Returns whether the broker name was new to the cluster. */
  protected addToCluster(clusterName: string, brokerName: string): boolean {
    let brokerNames = this.clusterAddrTable.get(clusterName);
    if (!brokerNames) this.clusterAddrTable.set(clusterName, (brokerNames = new Set()));
    if (brokerNames.has(brokerName)) return false;
    brokerNames.add(brokerName);
    this.clustersChanged();
    return true;
  }

  protected removeFromCluster(clusterName: string, brokerName: string): void {
    const names = this.clusterAddrTable.get(clusterName);
    if (!names?.delete(brokerName)) return;
    if (names.size === 0) this.clusterAddrTable.delete(clusterName);
    this.clustersChanged();
  }

  protected addBrokerData(clusterName: string, brokerName: string): BrokerData {
    const brokerData: BrokerData = { cluster: clusterName, brokerName, brokerAddrs: new Map(), enableActingMaster: false, zoneName: null };
    this.brokerAddrTable.set(brokerName, brokerData);
    this.brokerGroupChanged(brokerName);
    return brokerData;
  }

  protected removeBrokerData(brokerName: string): void {
    if (this.brokerAddrTable.delete(brokerName)) this.brokerGroupChanged(brokerName);
  }

  protected setBrokerAttributes(brokerData: BrokerData, zoneName: string | null, enableActingMaster: boolean): void {
    if ((brokerData.zoneName ?? null) === zoneName && brokerData.enableActingMaster === enableActingMaster) return;
    brokerData.zoneName = zoneName;
    brokerData.enableActingMaster = enableActingMaster;
    this.brokerGroupChanged(brokerData.brokerName);
  }

  protected setBrokerAddr(brokerData: BrokerData, brokerId: number, brokerAddr: string): void {
    if (brokerData.brokerAddrs.get(brokerId) === brokerAddr) return;
    brokerData.brokerAddrs.set(brokerId, brokerAddr);
    this.brokerGroupChanged(brokerData.brokerName);
  }

  protected removeBrokerAddr(brokerData: BrokerData, matches: (brokerId: number, brokerAddr: string) => boolean): void {
    for (const [id, addr] of brokerData.brokerAddrs) {
      if (!matches(id, addr)) continue;
      brokerData.brokerAddrs.delete(id);
      this.brokerGroupChanged(brokerData.brokerName);
    }
  }

  /** An empty list removes the broker's filter servers. */
  protected setFilterServers(clusterName: string, brokerAddr: string, servers: string[]): void {
    const key = `${clusterName}\u0000${brokerAddr}`;
    const before = this.filterServerTable.get(key)?.servers;
    if (sameList(before ?? [], servers)) return;
    if (servers.length === 0) this.filterServerTable.delete(key);
    else this.filterServerTable.set(key, { clusterName, brokerAddr, servers: [...servers] });
    this.filterServersChanged();
  }

  /** Drops what the registry keeps per broker name once the name is gone for good. */
  protected forgetBrokerName(brokerName: string): void {
    if (this.brokerAddrTable.has(brokerName)) return;
    this.unchanged.brokerNameGone(brokerName);
    this.queuePool.brokerNameGone(brokerName);
    this.brokerTopics.forget(brokerName);
  }

  /**
   * Whether per-topic debug lines are written, read once per operation (`readTopicDebug`): the
   * logger's level getter costs a tenth of applying a topic, and a registration applies 20,000.
   */
  protected topicDebug = false;

  protected readTopicDebug(): void {
    this.topicDebug = debugEnabled(this.logger);
  }

  protected isNoMasterExists(brokerName: string): boolean {
    const addrs = this.brokerAddrTable.get(brokerName)?.brokerAddrs;
    return !addrs || addrs.size === 0 || minKey(addrs) > MASTER_ID;
  }

  // The change methods: every mutator that changed something calls one of them.

  /**
   * A topic's queues (of `brokerName`) or static mappings changed; `setChanged` when the topic
   * appeared or is gone. `queues` is the topic's holder, also when it was just removed from the table,
   * so that answers cached against it are stale from now on.
   */
  protected topicChanged(topic: string, queues: TopicQueues | undefined, brokerName: string | null, setChanged: boolean): void {
    const generation = this.changes.topicChanged(topic, setChanged);
    if (queues) queues.generation = generation;
    if (brokerName !== null) this.unchanged.queuesChanged(brokerName);
  }

  /** A broker address's filter servers changed: routes show those of their brokers' addresses. */
  protected filterServersChanged(): void {
    this.changes.brokersChanged(true);
  }

  /** Which clusters hold which broker names changed: the cluster info, no route. */
  protected clustersChanged(): void {
    this.changes.brokersChanged(false);
  }

  /**
   * A broker group, its addresses or attributes changed. Routes show it only while some topic's
   * queues name it; inside `asOneChange` that is judged when the change is whole (an
   * unregistration drops a group before the topics that name it).
   */
  protected brokerGroupChanged(brokerName: string): void {
    if (this.groupsChangedInStep) {
      this.groupsChangedInStep.add(brokerName);
      this.changes.brokersChanged(false);
      return;
    }
    this.changes.brokersChanged(this.topicCountOf(brokerName) > 0);
  }

  /** Broker groups changed in the running `asOneChange`, null outside one. */
  protected groupsChangedInStep: Set<string> | null = null;

  /** Runs `change`, whose broker-group changes count for routes as they stand once it is done. */
  protected asOneChange(change: () => void): void {
    if (this.groupsChangedInStep) return change();
    const changed = (this.groupsChangedInStep = new Set());
    try {
      change();
    } finally {
      this.groupsChangedInStep = null;
      for (const brokerName of changed) {
        if (this.topicCountOf(brokerName) === 0) continue;
        this.changes.brokersChanged(true);
        break;
      }
    }
  }
}

/** In acting-master mode, a group without a live master offers its lowest-id slave as id 0, read-only. */
function applyActingMaster(route: TopicRouteData): void {
  for (const brokerData of route.brokerDatas) {
    const addrs = brokerData.brokerAddrs;
    if (addrs.size === 0 || addrs.has(MASTER_ID) || !brokerData.enableActingMaster) continue;
    const queueData = route.queueDatas.find((q) => q.brokerName === brokerData.brokerName);
    if (!queueData || (queueData.perm & Perm.WRITE) !== 0) continue;
    const minId = minKey(addrs);
    const actingAddr = addrs.get(minId)!;
    addrs.delete(minId);
    addrs.set(MASTER_ID, actingAddr);
  }
}

export function minKey(map: Map<number, unknown>): number {
  let min = Infinity;
  for (const k of map.keys()) if (k < min) min = k;
  return min;
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function servedByAny(queues: TopicQueues, brokerNames: ReadonlySet<string>): boolean {
  for (let i = 0; i < queues.size; i++) if (brokerNames.has(queues.brokerNameAt(i))) return true;
  return false;
}
