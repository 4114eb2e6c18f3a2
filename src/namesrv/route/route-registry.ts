import {
  MASTER_ID,
  Perm,
  TopicSysFlag,
  dataVersionEquals,
  type BrokerData,
  type BrokerMemberGroup,
  type ClusterInfo,
  type DataVersion,
  type QueueData,
  type TopicConfigSerializeWrapper,
  type TopicQueueMappingInfo,
  type TopicRouteData,
} from '../../protocol/route-types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { BrokerLiveTable, DEFAULT_BROKER_TIMEOUT_MS, type BrokerLiveInfo, type TopicRole } from './broker-live-table.js';
import { TopicQueues } from './topic-queues.js';
import { UnregistrationQueue, type UnregisterRequest } from './unregistration-queue.js';

/** The NamesrvConfig switches the registry obeys; read on every use, so run-time updates apply. */
export interface RouteRegistryConfig {
  readonly supportActingMaster: boolean;
  readonly deleteTopicWithBrokerRegistration: boolean;
  readonly notifyMinBrokerIdChanged: boolean;
  readonly unRegisterBrokerQueueCapacity: number;
}

/** Sent to a broker group's members when its lowest live broker id changes (acting-master mode). */
export interface MinBrokerIdChange {
  brokerName: string;
  minBrokerId: number;
  minBrokerAddr: string;
  offlineBrokerAddr: string | null;
  haBrokerAddr: string | null;
  /** The addresses to tell. */
  notify: string[];
}

export interface RouteRegistryHooks {
  /** Close a connection whose broker expired. */
  closeConnection?(connectionId: number): void;
  notifyMinBrokerIdChanged?(change: MinBrokerIdChange): void;
  /** A topic's route changed (`null`: possibly every topic's). */
  routeChanged?(topic: string | null): void;
}

export interface RegisterBrokerRequest {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  zoneName?: string | null;
  heartbeatTimeoutMillis?: number | null;
  /** Undefined for brokers older than 5.0, which do not send it. */
  enableActingMaster?: boolean | null;
  topicConfigWrapper: TopicConfigSerializeWrapper;
  /** Null leaves the broker's filter servers as they are. */
  filterServerList?: string[] | null;
  connectionId: number | null;
  /** Identifies the request body (see `unchangedRegistration`). */
  bodyDigest?: string | null;
  /**
   * The body is the one of the broker's last registration (`unchangedRegistration` said so):
   * `topicConfigWrapper` then carries the data version only, and the topic table is not walked.
   */
  topicsUnchanged?: boolean;
}

export interface RegisterBrokerResult {
  haServerAddr: string | null;
  masterAddr: string | null;
}

/** Prefix of the topics that sync broker member groups; they never get an acting master. */
const SYNC_BROKER_MEMBER_GROUP_PREFIX = 'rmq_sys_SYNC_BROKER_MEMBER_';

/**
 * Which broker serves which topic, and which brokers are alive: clusters → broker names,
 * broker names → addresses by id, topics → queues per broker, and live brokers by
 * (cluster, address). Knows nothing of sockets or bytes; the rules are Java 5.x's RouteInfoManager.
 */
export class RouteRegistry {
  private readonly topicQueueTable = new Map<string, TopicQueues>();
  private readonly brokerAddrTable = new Map<string, BrokerData>();
  private readonly clusterAddrTable = new Map<string, Set<string>>();
  private readonly liveTable = new BrokerLiveTable();
  private readonly filterServerTable = new Map<string, { clusterName: string; brokerAddr: string; servers: string[] }>();
  private readonly topicQueueMappingInfoTable = new Map<string, Map<string, TopicQueueMappingInfo>>();
  /**
   * One frozen QueueData per distinct value: a broker's topics mostly share their queue counts and
   * permission, so a registry of millions of (topic, broker) pairs holds a handful of objects.
   */
  private readonly sharedQueueData = new Map<string, QueueData>();
  private lastShared: QueueData | null = null;
  /** broker name → a counter bumped whenever that broker's queue data change. */
  private readonly topicEpochs = new Map<string, number>();
  private readonly unregistrations: UnregistrationQueue;

  constructor(
    private readonly config: RouteRegistryConfig,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly hooks: RouteRegistryHooks = {},
  ) {
    this.unregistrations = new UnregistrationQueue(
      () => this.config.unRegisterBrokerQueueCapacity,
      (batch) => this.unregisterBrokers(batch),
    );
  }

  // ---- registration -------------------------------------------------------------------------

  /** Registers or refreshes a broker. Null means refused ("register broker failed"). */
  registerBroker(req: RegisterBrokerRequest): RegisterBrokerResult | null {
    const result: RegisterBrokerResult = { haServerAddr: null, masterAddr: null };
    const { clusterName, brokerAddr, brokerName, brokerId, topicConfigWrapper } = req;

    let brokerNames = this.clusterAddrTable.get(clusterName);
    if (!brokerNames) this.clusterAddrTable.set(clusterName, (brokerNames = new Set()));
    brokerNames.add(brokerName);

    let registerFirst = false;
    let brokerData = this.brokerAddrTable.get(brokerName);
    if (!brokerData) {
      registerFirst = true;
      brokerData = { cluster: clusterName, brokerName, brokerAddrs: new Map(), enableActingMaster: false };
      this.brokerAddrTable.set(brokerName, brokerData);
    }
    const isOldVersionBroker = req.enableActingMaster == null;
    const enableActingMaster = !isOldVersionBroker && req.enableActingMaster === true;
    const zoneName = req.zoneName ?? null;
    let brokersChanged = registerFirst || brokerData.enableActingMaster !== enableActingMaster || (brokerData.zoneName ?? null) !== zoneName;
    brokerData.enableActingMaster = enableActingMaster;
    brokerData.zoneName = zoneName;

    const addrs = brokerData.brokerAddrs;
    const prevMinBrokerId = addrs.size > 0 ? minKey(addrs) : 0;
    const isMinBrokerIdChanged = brokerId < prevMinBrokerId;

    // A slave promoted to master (or the reverse) re-registers the same address under a new id.
    for (const [id, addr] of addrs) {
      if (addr === brokerAddr && id !== brokerId) {
        addrs.delete(id);
        brokersChanged = true;
      }
    }

    const oldBrokerAddr = addrs.get(brokerId);
    if (oldBrokerAddr !== undefined && oldBrokerAddr !== brokerAddr) {
      const oldLive = this.liveTable.get(clusterName, oldBrokerAddr);
      if (oldLive && oldLive.dataVersion.stateVersion > topicConfigWrapper.dataVersion.stateVersion) {
        this.logger.warn(
          { clusterName, brokerName, brokerId, oldBrokerAddr, oldStateVersion: oldLive.dataVersion.stateVersion, brokerAddr },
          'registering broker conflicts with the existing one (older state version), ignored',
        );
        this.liveTable.remove(clusterName, brokerAddr);
        if (brokersChanged) this.changed(null);
        return result;
      }
    }

    if (!addrs.has(brokerId) && topicConfigWrapper.topicConfigTable.size === 1) {
      this.logger.warn({ brokerName, brokerId, brokerAddr }, 'single-topic registration refused: the broker has not registered yet');
      if (brokersChanged) this.changed(null);
      return null;
    }

    const oldAddr = addrs.get(brokerId);
    addrs.set(brokerId, brokerAddr);
    if (oldAddr !== brokerAddr) brokersChanged = true;
    registerFirst = registerFirst || !oldAddr;

    const isMaster = brokerId === MASTER_ID;
    const isPrimeSlave = !isOldVersionBroker && !isMaster && brokerId === minKey(addrs);
    const brokerConfigChanged = this.isBrokerTopicConfigChanged(clusterName, brokerAddr, topicConfigWrapper.dataVersion);

    if ((isMaster || isPrimeSlave) && !req.topicsUnchanged) {
      const mappings = topicConfigWrapper.topicQueueMappingInfoMap ?? new Map<string, TopicQueueMappingInfo>();
      const tcTable = topicConfigWrapper.topicConfigTable;
      if (this.config.deleteTopicWithBrokerRegistration && mappings.size === 0) {
        for (const topic of this.topicsOf(brokerName)) {
          if (!tcTable.has(topic)) this.removeQueueData(topic, brokerName, 'not in the broker registration');
        }
      }
      const wipeWrite = isPrimeSlave && brokerData.enableActingMaster;
      for (const topicConfig of tcTable.values()) {
        const topic = topicConfig.topicName;
        if (registerFirst || brokerConfigChanged || !this.topicQueueTable.get(topic)?.has(brokerName)) {
          this.putQueueData(topic, {
            brokerName,
            readQueueNums: topicConfig.readQueueNums,
            writeQueueNums: topicConfig.writeQueueNums,
            perm: wipeWrite ? topicConfig.perm & ~Perm.WRITE : topicConfig.perm,
            topicSysFlag: topicConfig.topicSysFlag,
          });
        }
      }
      if (brokerConfigChanged || registerFirst) {
        for (const [topic, info] of mappings) {
          let byBroker = this.topicQueueMappingInfoTable.get(topic);
          if (!byBroker) this.topicQueueMappingInfoTable.set(topic, (byBroker = new Map()));
          byBroker.set(String(info.bname ?? brokerName), info);
          this.changed(topic);
        }
      }
    }

    const previous = this.liveTable.put({
      clusterName,
      brokerAddr,
      lastUpdateTimestamp: this.clock.now(),
      heartbeatTimeoutMillis: req.heartbeatTimeoutMillis ?? DEFAULT_BROKER_TIMEOUT_MS,
      dataVersion: { ...topicConfigWrapper.dataVersion },
      connectionId: req.connectionId,
      haServerAddr: req.haServerAddr,
      bodyDigest: req.bodyDigest
        ? { digest: req.bodyDigest, topicEpoch: this.topicEpochs.get(brokerName) ?? 0, role: topicRole(brokerData, brokerId, req.enableActingMaster) }
        : null,
    });
    if (!previous) this.logger.info({ clusterName, brokerAddr, haServerAddr: req.haServerAddr }, 'new broker registered');

    if (req.filterServerList) {
      const key = `${clusterName}\u0000${brokerAddr}`;
      const before = this.filterServerTable.get(key)?.servers;
      if (req.filterServerList.length === 0) this.filterServerTable.delete(key);
      else this.filterServerTable.set(key, { clusterName, brokerAddr, servers: [...req.filterServerList] });
      if (!sameList(before, req.filterServerList.length === 0 ? undefined : req.filterServerList)) brokersChanged = true;
    }

    if (!isMaster) {
      const masterAddr = addrs.get(MASTER_ID);
      const masterLive = masterAddr === undefined ? undefined : this.liveTable.get(clusterName, masterAddr);
      if (masterAddr !== undefined && masterLive) {
        result.haServerAddr = masterLive.haServerAddr;
        result.masterAddr = masterAddr;
      }
    }

    if (brokersChanged) this.changed(null);

    if (isMinBrokerIdChanged && this.config.notifyMinBrokerIdChanged) {
      // Java notifies on this path whatever the group's acting-master switch says.
      this.notifyMinBrokerIdChanged(brokerData, null, req.haServerAddr, false);
    }
    return result;
  }

  /** Registers a topic's queues on brokers that are already known (REGISTER_TOPIC_IN_NAMESRV). */
  registerTopic(topic: string, queueDatas: QueueData[]): boolean {
    if (queueDatas.length === 0) return false;
    const unknown = queueDatas.find((q) => !this.brokerAddrTable.has(q.brokerName));
    if (unknown) {
      this.logger.warn({ topic, brokerName: unknown.brokerName }, 'register topic names an unknown broker, ignored');
      return false;
    }
    for (const q of queueDatas) this.putQueueData(topic, { ...q });
    this.logger.info({ topic, brokers: queueDatas.map((q) => q.brokerName) }, 'topic route registered');
    return true;
  }

  /**
   * Whether a registration can leave its topic table undecoded: the broker sends the topics of its
   * last full registration again (same `bodyDigest`), nothing has touched its broker name's queues
   * since, and it holds the same role. A full registration would then change no queue, whatever
   * the data version says. Returns the data version of that last registration, or null.
   */
  unchangedRegistration(req: {
    clusterName: string;
    brokerAddr: string;
    brokerName: string;
    brokerId: number;
    bodyDigest: string;
    enableActingMaster?: boolean | null;
  }): DataVersion | null {
    const live = this.liveTable.get(req.clusterName, req.brokerAddr);
    const last = live?.bodyDigest;
    if (!live || !last || last.digest !== req.bodyDigest) return null;
    if (last.topicEpoch !== (this.topicEpochs.get(req.brokerName) ?? 0)) return null;
    const brokerData = this.brokerAddrTable.get(req.brokerName);
    if (!brokerData || brokerData.brokerAddrs.get(req.brokerId) !== req.brokerAddr) return null;
    if (last.role !== topicRole(brokerData, req.brokerId, req.enableActingMaster)) return null;
    return live.dataVersion;
  }

  // ---- unregistration and liveness ----------------------------------------------------------

  /** Queues an unregistration; false when the queue is full. */
  submitUnregister(request: UnregisterRequest): boolean {
    return this.unregistrations.submit(request);
  }

  /** Resolves once every queued unregistration has been applied. */
  unregistrationsDrained(): Promise<void> {
    return this.unregistrations.drained();
  }

  /** Applies queued unregistrations now. */
  flushUnregistrations(): void {
    this.unregistrations.flush();
  }

  get pendingUnregistrations(): number {
    return this.unregistrations.length;
  }

  unregisterBrokers(requests: UnregisterRequest[]): void {
    const removedBrokers = new Set<string>();
    const reducedBrokers = new Set<string>();
    for (const req of requests) {
      const live = this.liveTable.remove(req.clusterName, req.brokerAddr);
      this.logger.info({ clusterName: req.clusterName, brokerAddr: req.brokerAddr, found: Boolean(live) }, 'unregister broker');
      this.filterServerTable.delete(`${req.clusterName}\u0000${req.brokerAddr}`);

      let removeBrokerName = false;
      const brokerData = this.brokerAddrTable.get(req.brokerName);
      if (brokerData) {
        const addrs = brokerData.brokerAddrs;
        const wasMin = addrs.size > 0 && req.brokerId === minKey(addrs);
        for (const [id, addr] of addrs) if (addr === req.brokerAddr) addrs.delete(id);
        if (addrs.size === 0) {
          this.brokerAddrTable.delete(req.brokerName);
          removeBrokerName = true;
        } else if (wasMin && this.config.notifyMinBrokerIdChanged) {
          this.notifyMinBrokerIdChanged(brokerData, req.brokerAddr, null, true);
        }
      }
      if (removeBrokerName) {
        const names = this.clusterAddrTable.get(req.clusterName);
        if (names) {
          names.delete(req.brokerName);
          if (names.size === 0) this.clusterAddrTable.delete(req.clusterName);
        }
        removedBrokers.add(req.brokerName);
        reducedBrokers.delete(req.brokerName);
      } else if (!removedBrokers.has(req.brokerName)) {
        reducedBrokers.add(req.brokerName);
      }
    }

    // One pass over the topics for the whole batch, as Java's cleanTopicByUnRegisterRequests.
    const readOnly = [...reducedBrokers].filter((name) => this.brokerAddrTable.get(name)?.enableActingMaster && this.isNoMasterExists(name));
    if (removedBrokers.size > 0 || readOnly.length > 0) {
      // Deleting the entry being visited is safe in a Map iteration; entries are only updated otherwise.
      for (const [topic, queues] of this.topicQueueTable) {
        for (const brokerName of queues.brokerNames()) {
          if (removedBrokers.has(brokerName)) this.removeQueueData(topic, brokerName, 'broker unregistered');
        }
        // The master is gone: its queues stay readable through the slaves, but not writable.
        for (const brokerName of readOnly) {
          const q = queues.get(brokerName);
          if (q) this.putQueueData(topic, { ...q, perm: q.perm & ~Perm.WRITE });
        }
      }
    }
    this.changed(null);
  }

  /** A connection closed, errored or idled out: unregister the broker that registered over it. */
  onConnectionClosed(connectionId: number): void {
    for (const live of this.liveTable.onConnection(connectionId)) this.unregisterLive(live, 'connection closed');
  }

  /** Drops brokers silent past their heartbeat timeout, closing their connections. Returns how many. */
  scanNotActiveBrokers(): number {
    const expired = this.liveTable.expired(this.clock.now());
    for (const live of expired) {
      this.logger.warn({ clusterName: live.clusterName, brokerAddr: live.brokerAddr, timeoutMs: live.heartbeatTimeoutMillis }, 'broker expired');
      if (live.connectionId !== null) this.hooks.closeConnection?.(live.connectionId);
      this.unregisterLive(live, 'expired');
    }
    return expired.length;
  }

  private unregisterLive(live: BrokerLiveInfo, why: string): void {
    for (const brokerData of this.brokerAddrTable.values()) {
      if (brokerData.cluster !== live.clusterName) continue;
      for (const [brokerId, addr] of brokerData.brokerAddrs) {
        if (addr !== live.brokerAddr) continue;
        const submitted = this.submitUnregister({
          clusterName: live.clusterName,
          brokerAddr: live.brokerAddr,
          brokerName: brokerData.brokerName,
          brokerId,
        });
        this.logger.info({ clusterName: live.clusterName, brokerAddr: live.brokerAddr, why, submitted }, 'unregistering broker');
        return;
      }
    }
  }

  // ---- liveness bookkeeping -----------------------------------------------------------------

  isBrokerTopicConfigChanged(clusterName: string, brokerAddr: string, dataVersion: DataVersion): boolean {
    const prev = this.queryBrokerDataVersion(clusterName, brokerAddr);
    return prev === null || !dataVersionEquals(prev, dataVersion);
  }

  queryBrokerDataVersion(clusterName: string, brokerAddr: string): DataVersion | null {
    return this.liveTable.get(clusterName, brokerAddr)?.dataVersion ?? null;
  }

  /** A heartbeat or data-version query: the broker is alive now. */
  touchBroker(clusterName: string, brokerAddr: string): void {
    const live = this.liveTable.get(clusterName, brokerAddr);
    if (live) live.lastUpdateTimestamp = this.clock.now();
  }

  get liveBrokerCount(): number {
    return this.liveTable.size;
  }

  // ---- admin operations ---------------------------------------------------------------------

  wipeWritePermOfBroker(brokerName: string): number {
    return this.operateWritePerm(brokerName, (perm) => perm & ~Perm.WRITE);
  }

  addWritePermOfBroker(brokerName: string): number {
    return this.operateWritePerm(brokerName, () => Perm.READ | Perm.WRITE);
  }

  private operateWritePerm(brokerName: string, update: (perm: number) => number): number {
    let count = 0;
    for (const topic of this.topicsOf(brokerName)) {
      const q = this.topicQueueTable.get(topic)?.get(brokerName);
      if (!q) continue;
      this.putQueueData(topic, { ...q, perm: update(q.perm) });
      count++;
    }
    return count;
  }

  /** Deletes a topic everywhere, or only from one cluster's brokers. */
  deleteTopic(topic: string, clusterName?: string | null): void {
    if (!clusterName) {
      for (const brokerName of this.topicQueueTable.get(topic)?.brokerNames() ?? []) this.removeQueueData(topic, brokerName, 'deleted');
      return;
    }
    for (const brokerName of this.clusterAddrTable.get(clusterName) ?? []) this.removeQueueData(topic, brokerName, 'deleted');
  }

  // ---- reads --------------------------------------------------------------------------------

  /**
   * A topic's route, or null when no live broker serves it. The route's lists are its own; with
   * `{ copies: false }` the broker and queue entries in them are the registry's, to be read and
   * encoded at once (a lookup over a large registry then allocates almost nothing).
   */
  pickupTopicRoute(topic: string, { copies = true }: { copies?: boolean } = {}): TopicRouteData | null {
    const queueDataMap = this.topicQueueTable.get(topic);
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

  clusterInfo(): ClusterInfo {
    return { brokerAddrTable: this.brokerAddrTable, clusterAddrTable: this.clusterAddrTable };
  }

  allTopics(): string[] {
    return [...this.topicQueueTable.keys()];
  }

  // Read-only accessors for monitoring (registry-view.ts).

  get topicCount(): number {
    return this.topicQueueTable.size;
  }

  /** The broker names with queues of a topic; empty when it has none. */
  topicBrokerNames(topic: string): string[] {
    return this.topicQueueTable.get(topic)?.brokerNames() ?? [];
  }

  liveBroker(clusterName: string, brokerAddr: string): Readonly<BrokerLiveInfo> | undefined {
    return this.liveTable.get(clusterName, brokerAddr);
  }

  topicsByCluster(clusterName: string): string[] {
    const names = this.clusterAddrTable.get(clusterName);
    if (!names) return [];
    const topics: string[] = [];
    for (const [topic, queues] of this.topicQueueTable) {
      for (const name of names) {
        if (queues.has(name)) {
          topics.push(topic);
          break;
        }
      }
    }
    return topics;
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

  /** Drops pending unregistrations (at shutdown). */
  stop(): void {
    this.unregistrations.stop();
  }

  // ---- internals ----------------------------------------------------------------------------

  private topicsWhereFirstQueue(test: (topicSysFlag: number) => boolean): string[] {
    const out: string[] = [];
    for (const [topic, byBroker] of this.topicQueueTable) {
      const first = byBroker.first();
      if (first && test(first.topicSysFlag)) out.push(topic);
    }
    return out;
  }

  private putQueueData(topic: string, queueData: QueueData): void {
    let byBroker = this.topicQueueTable.get(topic);
    if (!byBroker) {
      this.topicQueueTable.set(topic, (byBroker = new TopicQueues()));
      if (this.debugEnabled) this.logger.debug({ topic, queueData }, 'new topic registered');
    }
    const existing = byBroker.get(queueData.brokerName);
    if (existing && sameQueueData(existing, queueData)) return;
    byBroker.set(this.intern(queueData));
    this.bumpTopicEpoch(queueData.brokerName);
    this.changed(topic);
  }

  private intern(q: QueueData): QueueData {
    // A registration's topics mostly share one value: the last one answers without building a key.
    const last = this.lastShared;
    if (last && sameQueueData(last, q)) return last;
    const key = `${q.brokerName}\u0000${q.readQueueNums}\u0000${q.writeQueueNums}\u0000${q.perm}\u0000${q.topicSysFlag}`;
    let shared = this.sharedQueueData.get(key);
    if (!shared) {
      shared = Object.freeze({
        brokerName: q.brokerName,
        readQueueNums: q.readQueueNums,
        writeQueueNums: q.writeQueueNums,
        perm: q.perm,
        topicSysFlag: q.topicSysFlag,
      });
      this.sharedQueueData.set(key, shared);
    }
    this.lastShared = shared;
    return shared;
  }

  private removeQueueData(topic: string, brokerName: string, why: string): void {
    const byBroker = this.topicQueueTable.get(topic);
    if (!byBroker?.delete(brokerName)) return;
    this.bumpTopicEpoch(brokerName);
    if (byBroker.size === 0) {
      this.topicQueueTable.delete(topic);
      if (this.debugEnabled) this.logger.debug({ topic, why }, 'topic removed');
    }
    this.changed(topic);
  }

  /** Per-topic debug lines would allocate on every topic of a 20,000-topic registration. */
  private get debugEnabled(): boolean {
    return this.logger.isLevelEnabled('debug');
  }

  /** The topics a broker name serves: a pass over every topic, as Java makes for per-broker operations. */
  private topicsOf(brokerName: string): string[] {
    const topics: string[] = [];
    for (const [topic, queues] of this.topicQueueTable) if (queues.has(brokerName)) topics.push(topic);
    return topics;
  }

  private bumpTopicEpoch(brokerName: string): void {
    this.topicEpochs.set(brokerName, (this.topicEpochs.get(brokerName) ?? 0) + 1);
  }

  private isNoMasterExists(brokerName: string): boolean {
    const addrs = this.brokerAddrTable.get(brokerName)?.brokerAddrs;
    return !addrs || addrs.size === 0 || minKey(addrs) > MASTER_ID;
  }

  private notifyMinBrokerIdChanged(
    brokerData: BrokerData,
    offlineBrokerAddr: string | null,
    haBrokerAddr: string | null,
    onlyInActingMasterMode: boolean,
  ): void {
    const addrs = brokerData.brokerAddrs;
    if (addrs.size === 0 || !this.hooks.notifyMinBrokerIdChanged) return;
    if (onlyInActingMasterMode && !brokerData.enableActingMaster) return;
    const minBrokerId = minKey(addrs);
    // A broker went offline, or the group has one member: tell everyone. A new lowest id joined: tell the others.
    const notify =
      offlineBrokerAddr !== null || addrs.size === 1
        ? [...addrs.values()]
        : [...addrs].filter(([id]) => id !== minBrokerId).map(([, addr]) => addr);
    this.logger.info({ brokerName: brokerData.brokerName, minBrokerId, notify, offlineBrokerAddr }, 'min broker id changed');
    this.hooks.notifyMinBrokerIdChanged({
      brokerName: brokerData.brokerName,
      minBrokerId,
      minBrokerAddr: addrs.get(minBrokerId)!,
      offlineBrokerAddr,
      haBrokerAddr,
      notify,
    });
  }

  private changed(topic: string | null): void {
    this.hooks.routeChanged?.(topic);
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

function topicRole(brokerData: BrokerData, brokerId: number, enableActingMaster: boolean | null | undefined): TopicRole {
  if (brokerId === MASTER_ID) return 'master';
  if (enableActingMaster == null || brokerId !== minKey(brokerData.brokerAddrs)) return 'slave';
  return enableActingMaster ? 'prime-slave-read-only' : 'prime-slave';
}

function minKey(map: Map<number, unknown>): number {
  let min = Infinity;
  for (const k of map.keys()) if (k < min) min = k;
  return min;
}

function sameQueueData(a: QueueData, b: QueueData): boolean {
  return (
    a.brokerName === b.brokerName &&
    a.readQueueNums === b.readQueueNums &&
    a.writeQueueNums === b.writeQueueNums &&
    a.perm === b.perm &&
    a.topicSysFlag === b.topicSysFlag
  );
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
