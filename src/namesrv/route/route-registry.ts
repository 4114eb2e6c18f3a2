import { performance } from 'node:perf_hooks';
import {
  MASTER_ID,
  Perm,
  dataVersionEquals,
  type BrokerData,
  type DataVersion,
  type QueueData,
  type TopicConfigSerializeWrapper,
  type TopicQueueMappingInfo,
} from '../../protocol/route-types.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { DEFAULT_BROKER_TIMEOUT_MS, type BrokerLiveInfo } from './broker-live-table.js';
import {
  TOPIC_ROW_FIELDS,
  decodedRegistrationOf,
  isArriving,
  isTableEnd,
  nameReader,
  tableEndOf,
  topicKeySet,
  topicNamesOf,
  type RegistrationBody,
  type TopicRows,
  type TopicTableEnd,
} from './topic-rows.js';
import type { RegistrationSlot, TopicRole } from './unchanged-registrations.js';
import { UnregistrationQueue, type UnregisterRequest } from './unregistration-queue.js';
import { NEVER_PAUSE, pauseEvery, runInSlices, runToEnd, type Pause, type PauseCheck } from '../../util/slices.js';
import { PendingTopics, type ArrivedRows } from './pending-topics.js';
import { RouteTables, minKey, type RouteRegistryConfig } from './route-tables.js';

export type { RouteRegistryConfig };

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
  /**
   * Unregistrations were applied: a batch, or the topics of a broker group that left with it,
   * taken away in slices after it. They are queued (UNREGISTER_BROKER, a closed connection, the
   * expiry scan) and applied on a later turn, after whatever queued them has returned: whoever
   * copies the registry's answers learns of these changes here.
   */
  unregistrationsApplied?(): void;
  /**
   * A part of a large registration's rows arrived: lookups of its topics are answered from it from
   * now on, ahead of the slices that apply it (whoever keeps the word that a topic has no route
   * may drop it here, not only once the topic's change is journaled at the apply).
   */
  rowsArrived?(rows: ArrivedRows): void;
}

/** Who is registering: the header fields of REGISTER_BROKER, and the connection it came over. */
export interface BrokerRegistrationHeader {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  zoneName?: string | null;
  heartbeatTimeoutMillis?: number | null;
  /** Undefined for brokers older than 5.0, which do not send it. */
  enableActingMaster?: boolean | null;
  connectionId: number | null;
}

export interface RegisterBrokerRequest extends BrokerRegistrationHeader {
  topicConfigWrapper: TopicConfigSerializeWrapper;
  /** Null leaves the broker's filter servers as they are. */
  filterServerList?: string[] | null;
  /** Identifies the body these topics came from, so that a re-sent body can skip decoding (see UnchangedRegistrations). */
  bodyFingerprint?: string | null;
}

/**
 * - `applied`: registered, its topics taken as Java takes them;
 * - `unchanged`: registered, its body recognised as one already applied (nothing to take);
 * - `ignored`: the slot is held by a broker with a newer state version; answered as a success;
 * - `refused`: a single-topic registration from a broker not registered yet ("register broker failed").
 */
export type RegisterBrokerOutcome = 'applied' | 'unchanged' | 'ignored' | 'refused';

export interface RegisterBrokerResult {
  outcome: RegisterBrokerOutcome;
  haServerAddr: string | null;
  masterAddr: string | null;
}

/**
 * A REGISTER_BROKER as the registry takes it (`register`): who registers, the body's fingerprint,
 * and how to decode the body, which happens only when the fingerprint does not let it be skipped.
 */
export interface BrokerRegistration extends BrokerRegistrationHeader {
  /** See UnchangedRegistrations; `dataVersion` is the body's when it could be read without decoding. */
  fingerprint: { value: string; dataVersion: DataVersion | null } | null;
  /**
   * Throws (or rejects) to refuse the registration; nothing has changed then. A body arriving in
   * parts can still fail after some were applied: see `registration`.
   */
  decode(): RegistrationBody | Promise<RegistrationBody>;
}

/**
 * How large registrations are applied: a topic table over `fromTopics` in slices, lookups served
 * in between. A slice lasts `sliceMs`, or as long as the wait for it when that was longer (up to
 * `maxSliceMs`): on a busy loop the apply gets about as much time as what it waited behind, so
 * that the broker's answer does not take a long turn per slice.
 */
export interface ApplySlicing {
  fromTopics: number;
  sliceMs: number;
  maxSliceMs: number;
}

const DEFAULT_SLICING: ApplySlicing = { fromTopics: 2_000, sliceMs: 1, maxSliceMs: 4 };
/** Topics applied between two looks at the clock. */
const TOPICS_PER_CLOCK_CHECK = 128;

/** How a registration's topic table was applied, and the table's end (its size, the other fields). */
type AppliedTable = { outcome: 'whole' | 'missing'; end: TopicTableEnd } | { outcome: 'abandoned'; end: null };

/** Where the apply of a topic table is, across its slices and parts. */
interface ApplyPace {
  readonly brokerName: string;
  readonly applyAll: boolean;
  readonly permMask: number;
  readonly stillRegistered: () => boolean;
  /** Something else changed the broker name's queues while the apply paused. */
  interleaved: boolean;
  sliceEnd: number;
  sinceClockCheck: number;
  /** When the slice that is over was found over (`sliceIsOver`). */
  pausedAt: number;
  /** The table's keys as they are applied, when deleteTopicWithBrokerRegistration needs them at the end. */
  names: Set<string> | null;
}

/** What a registration brings: a decoded topic table, or the word that it is the one applied last time. */
type RegisteredTopics =
  | { kind: 'decoded'; body: RegistrationBody; fingerprint: string | null }
  | { kind: 'unchanged'; dataVersion: DataVersion };

/** Prefix of the topics that sync broker member groups; they never get an acting master. */
/**
 * Which broker serves which topic, and which brokers are alive, as Java 5.x's RouteInfoManager
 * keeps them; knows nothing of sockets or bytes. The tables, their reads and their mutators are
 * RouteTables'; this class holds the flows that change them: registration (a large topic table
 * in slices), unregistration, liveness, and admin operations.
 */
export class RouteRegistry extends RouteTables {
  private readonly unregistrations: UnregistrationQueue;

  constructor(
    config: RouteRegistryConfig,
    private readonly clock: Clock,
    logger: Logger,
    private readonly hooks: RouteRegistryHooks = {},
    private readonly slicing: ApplySlicing = DEFAULT_SLICING,
  ) {
    super(config, logger);
    this.unregistrations = new UnregistrationQueue(
      () => this.config.unRegisterBrokerQueueCapacity,
      (batch, mayPause) => (mayPause ? this.applyUnregistrations(batch) : this.unregisterBrokers(batch)),
    );
  }

  // ---- registration -------------------------------------------------------------------------

  /**
   * The whole REGISTER_BROKER flow: a body recognised as the one applied last time is not decoded
   * (only liveness and the data version move); any other is decoded and applied. A large topic
   * table is applied in slices (ApplySlicing), lookups served in between; the result (the
   * broker's answer) comes once the whole table is applied.
   */
  register(registration: BrokerRegistration): RegisterBrokerResult | Promise<RegisterBrokerResult> {
    const { fingerprint } = registration;
    const skipped = fingerprint ? this.registerUnchanged(registration, fingerprint.value, fingerprint.dataVersion) : null;
    if (skipped) return skipped;
    const body = registration.decode();
    if (body instanceof Promise) return body.then((decoded) => this.applyDecoded(registration, decoded));
    return this.applyDecoded(registration, body);
  }

  /** Registers or refreshes a broker with its decoded topic table, all in one go. */
  registerBroker(req: RegisterBrokerRequest): RegisterBrokerResult {
    const body = decodedRegistrationOf(req.topicConfigWrapper, req.filterServerList ?? null);
    return runToEnd(this.registration(req, { kind: 'decoded', body, fingerprint: req.bodyFingerprint ?? null }));
  }

  /**
   * Registers a broker whose body has the fingerprint of one already applied, without its topic
   * table, when that is safe (see UnchangedRegistrations). Null when it is not: the body must be
   * decoded. `dataVersion` is the body's, or null when it could not be read without decoding
   * (the body is then byte-identical to the applied one, and so is its version).
   */
  registerUnchanged(req: BrokerRegistrationHeader, fingerprint: string, dataVersion: DataVersion | null): RegisterBrokerResult | null {
    const brokerData = this.brokerAddrTable.get(req.brokerName);
    if (!brokerData || brokerData.brokerAddrs.get(req.brokerId) !== req.brokerAddr) return null;
    const slot = { ...req, role: topicRole(brokerData, req.brokerId, req.enableActingMaster) };
    if (!this.unchanged.canSkip(slot, fingerprint, this.config.deleteTopicWithBrokerRegistration)) return null;
    const version = dataVersion ?? this.liveTable.get(req.clusterName, req.brokerAddr)?.dataVersion;
    if (!version) return null;
    return runToEnd(this.registration(req, { kind: 'unchanged', dataVersion: version }));
  }

  private applyDecoded(registration: BrokerRegistration, body: RegistrationBody): RegisterBrokerResult | Promise<RegisterBrokerResult> {
    const steps = this.registration(registration, { kind: 'decoded', body, fingerprint: registration.fingerprint?.value ?? null });
    const { fromTopics } = this.slicing;
    const large =
      isArriving(body) ||
      body.topics.size > fromTopics ||
      (this.config.deleteTopicWithBrokerRegistration && this.brokerTopics.count(registration.brokerName) > fromTopics);
    return large ? runInSlices(steps) : runToEnd(steps);
  }

  /**
   * One registration, as Java's RouteInfoManager.registerBroker takes it. Yields while applying
   * topics once a slice's time is up, or to wait for the parts of a body still arriving (see
   * applyTopics); run it with runToEnd or runInSlices.
   *
   * A body arriving in parts may turn out bad after some were applied (its end cannot be read,
   * or the decoder timed out). The registration then fails as any bad body does, the topics applied
   * stay (they are the broker's, from its checked bytes), and the broker's data version is marked
   * unapplied, so that its next registration applies its whole body.
   */
  private *registration(req: BrokerRegistrationHeader, topics: RegisteredTopics): Generator<Pause, RegisterBrokerResult> {
    const { clusterName, brokerAddr, brokerName, brokerId } = req;
    this.settleSlicedWrite();
    this.readTopicDebug();
    const dataVersion = topics.kind === 'decoded' ? topics.body.dataVersion : topics.dataVersion;
    const joinedCluster = this.addToCluster(clusterName, brokerName);
    const existing = this.brokerAddrTable.get(brokerName);
    const brokerData = existing ?? this.addBrokerData(clusterName, brokerName);
    const isOldVersionBroker = req.enableActingMaster == null;
    this.setBrokerAttributes(brokerData, req.zoneName ?? null, !isOldVersionBroker && req.enableActingMaster === true);

    const addrs = brokerData.brokerAddrs;
    const prevMinBrokerId = addrs.size > 0 ? minKey(addrs) : 0;
    // A slave promoted to master (or the reverse) re-registers the same address under a new id.
    this.removeBrokerAddr(brokerData, (id, addr) => addr === brokerAddr && id !== brokerId);

    if (this.heldByNewerState(req, dataVersion)) {
      this.liveTable.remove(clusterName, brokerAddr);
      this.unchanged.forget(clusterName, brokerAddr);
      return { outcome: 'ignored', haServerAddr: null, masterAddr: null };
    }
    const registerFirst = !existing || !addrs.has(brokerId);
    if (registerFirst && topics.kind === 'decoded' && !isArriving(topics.body) && topics.body.topics.size === 1) {
      this.logger.warn({ brokerName, brokerId, brokerAddr }, 'single-topic registration refused: the broker has not registered yet');
      // Java leaves the entries it made on the way; a long-running server must not collect them.
      if (!existing) this.removeBrokerData(brokerName);
      if (joinedCluster) this.removeFromCluster(clusterName, brokerName);
      return { outcome: 'refused', haServerAddr: null, masterAddr: null };
    }
    const displaced = addrs.get(brokerId);
    this.setBrokerAddr(brokerData, brokerId, brokerAddr);
    if (displaced !== undefined && displaced !== brokerAddr) this.dropDisplacedBroker(clusterName, displaced);

    const applyAll = topics.kind === 'decoded' && (registerFirst || this.isBrokerTopicConfigChanged(clusterName, brokerAddr, dataVersion));
    const live: BrokerLiveInfo = {
      clusterName,
      brokerAddr,
      lastUpdateTimestamp: this.clock.now(),
      heartbeatTimeoutMillis: req.heartbeatTimeoutMillis ?? DEFAULT_BROKER_TIMEOUT_MS,
      dataVersion: { ...dataVersion },
      connectionId: req.connectionId,
      haServerAddr: req.haServerAddr,
    };
    if (!this.liveTable.put(live)) this.logger.info({ clusterName, brokerAddr, haServerAddr: req.haServerAddr }, 'new broker registered');
    const result: RegisterBrokerResult = { outcome: topics.kind === 'decoded' ? 'applied' : 'unchanged', ...this.masterOf(brokerData, clusterName, brokerId) };

    if (topics.kind === 'decoded') {
      const slot = { clusterName, brokerAddr, brokerName, role: topicRole(brokerData, brokerId, req.enableActingMaster) };
      // Between slices the broker may have been unregistered or replaced: then the rest is not applied.
      const stillRegistered = () => this.brokerAddrTable.get(brokerName) === brokerData && addrs.get(brokerId) === brokerAddr && this.liveTable.get(clusterName, brokerAddr) === live;
      let applied: AppliedTable;
      try {
        applied = yield* this.applyTopics(slot, topics.body, applyAll, stillRegistered);
      } catch (err) {
        this.unchanged.forget(clusterName, brokerAddr);
        // Whatever version the broker sends next, it differs from this one: its body is applied whole.
        if (this.liveTable.get(clusterName, brokerAddr) === live) live.dataVersion = { ...live.dataVersion, counter: -1, timestamp: -1 };
        throw err;
      }
      if (applied.outcome === 'abandoned') {
        this.unchanged.forget(clusterName, brokerAddr);
        return result;
      }
      if (topics.fingerprint && applied.outcome === 'whole') {
        const exactTopics = slot.role === 'slave' || this.brokerTopics.count(brokerName) === applied.end.size;
        this.unchanged.recordApplied(slot, topics.fingerprint, exactTopics);
      } else {
        this.unchanged.forget(clusterName, brokerAddr);
      }
      if (applied.end.filterServerList) this.setFilterServers(clusterName, brokerAddr, applied.end.filterServerList);
    }

    if (brokerId < prevMinBrokerId && this.config.notifyMinBrokerIdChanged) {
      // Java notifies on this path whatever the group's acting-master switch says.
      this.notifyMinBrokerIdChanged(brokerData, null, req.haServerAddr, false);
    }
    return result;
  }

  /**
   * The broker process whose slot another address took over is no longer any group's member: its
   * live entry goes too, unless it still holds another slot. Java leaves that entry behind, where
   * the expiry scan finds it again every time and never removes it (its unregistration finds no
   * slot to clear); here it goes at once.
   */
  private dropDisplacedBroker(clusterName: string, brokerAddr: string): void {
    if (this.holdsSlot(clusterName, brokerAddr)) return;
    if (this.dropSlotless(clusterName, brokerAddr)) this.logger.info({ clusterName, brokerAddr }, 'broker slot taken over at another address, the old broker dropped');
  }

  /** Forgets a broker process that holds no slot: its live entry, body record and filter servers. Returns whether it was live. */
  private dropSlotless(clusterName: string, brokerAddr: string): boolean {
    const live = this.liveTable.remove(clusterName, brokerAddr);
    this.unchanged.forget(clusterName, brokerAddr);
    this.setFilterServers(clusterName, brokerAddr, []);
    return live !== undefined;
  }

  private holdsSlot(clusterName: string, brokerAddr: string): boolean {
    for (const brokerData of this.brokerAddrTable.values()) {
      if (brokerData.cluster !== clusterName) continue;
      for (const addr of brokerData.brokerAddrs.values()) if (addr === brokerAddr) return true;
    }
    return false;
  }

  /** Java's guard against a stale broker taking over a slot: the one holding it has a newer state version. */
  private heldByNewerState(req: BrokerRegistrationHeader, dataVersion: DataVersion): boolean {
    const oldBrokerAddr = this.brokerAddrTable.get(req.brokerName)?.brokerAddrs.get(req.brokerId);
    if (oldBrokerAddr === undefined || oldBrokerAddr === req.brokerAddr) return false;
    const oldLive = this.liveTable.get(req.clusterName, oldBrokerAddr);
    if (!oldLive || oldLive.dataVersion.stateVersion <= dataVersion.stateVersion) return false;
    this.logger.warn(
      { clusterName: req.clusterName, brokerName: req.brokerName, brokerId: req.brokerId, brokerAddr: req.brokerAddr, oldBrokerAddr, oldStateVersion: oldLive.dataVersion.stateVersion, stateVersion: dataVersion.stateVersion },
      'registering broker conflicts with the existing one (older state version), ignored',
    );
    return true;
  }

  /**
   * Takes a master's or prime slave's topics as Java does: all of them when the data version
   * moved (or on first registration), otherwise only those the broker name does not serve yet;
   * topics it lacks are deleted when deleteTopicWithBrokerRegistration is on (for a body arriving
   * in parts, once its last part is applied). Says whether the whole body was applied (what
   * UnchangedRegistrations may then record), only the missing topics, or not all of it because the
   * broker was gone when a slice resumed.
   *
   * Yields when a slice's time is up, and waits for parts still arriving. A resumed slice goes on
   * only while `stillRegistered`; and when anything else changed the broker name's queues in
   * between, the body no longer counts as applied whole (its record would hide that change).
   */
  private *applyTopics(
    slot: RegistrationSlot,
    body: RegistrationBody,
    applyAll: boolean,
    stillRegistered: () => boolean,
  ): Generator<Pause, AppliedTable> {
    const large = isArriving(body) || body.topics.size > this.slicing.fromTopics;
    if (!large || slot.role === 'slave') return yield* this.applyTopicTable(slot, body, applyAll, stillRegistered);
    // While it is applied in slices, its rows answer for topics the table does not hold yet.
    const pending = new PendingTopics(slot.brokerName, permMaskOf(slot.role));
    this.pendingTables.push(pending);
    const arrived = (rows: TopicRows) => {
      pending.add(rows);
      if (rows.size === 0 || !this.hooks.rowsArrived) return;
      // Called from the decoder's message handler, where a throw would end the process; the hook
      // only hastens what the apply's journal announces anyway.
      try {
        this.hooks.rowsArrived(this.arrivedRows(rows));
      } catch (err) {
        this.logger.error({ err, brokerName: slot.brokerName }, 'telling of a registration\'s arrived rows failed');
      }
    };
    let applied: AppliedTable | null = null;
    try {
      // Rows still being decoded join it as they arrive, ahead of the slices that apply them.
      if (isArriving(body)) body.parts.watch(arrived);
      else arrived(body.topics);
      applied = yield* this.applyTopicTable(slot, body, applyAll, stillRegistered);
      return applied;
    } finally {
      this.pendingTables.splice(this.pendingTables.indexOf(pending), 1);
      if (isArriving(body)) body.parts.watch(null);
      // Not applied after all (the broker left, or the body turned out bad): routes answered from
      // its rows are withdrawn, as a change of each topic the table does not hold (serving
      // processes drop the copies they kept).
      if ((applied === null || applied.outcome === 'abandoned') && pending.served) {
        for (const topic of pending.topics()) if (!this.topicQueueTable.has(topic)) this.topicChanged(topic, undefined, null, false);
      }
    }
  }

  private arrivedRows(rows: TopicRows): ArrivedRows {
    return {
      size: rows.size,
      names: () => topicNamesOf(rows),
      routes: (topic) => this.pendingRoutes(topic),
    };
  }

  private *applyTopicTable(
    slot: RegistrationSlot,
    body: RegistrationBody,
    applyAll: boolean,
    stillRegistered: () => boolean,
  ): Generator<Pause, AppliedTable> {
    const { brokerName, role } = slot;
    const deleting = this.config.deleteTopicWithBrokerRegistration;
    const pace: ApplyPace = {
      brokerName,
      applyAll,
      permMask: permMaskOf(role),
      stillRegistered,
      interleaved: false,
      sliceEnd: performance.now() + this.slicing.sliceMs,
      sinceClockCheck: 0,
      pausedAt: 0,
      names: null,
    };
    let end: TopicTableEnd;
    if (!isArriving(body)) {
      end = tableEndOf(body);
      if (deleting && role !== 'slave' && (body.mappings?.size ?? 0) === 0 && !(yield* this.deleteTopicsOutside(topicKeySet(body.topics), pace))) return { outcome: 'abandoned', end: null };
    } else {
      if (deleting) pace.names = new Set();
      for (;;) {
        const next = body.parts.next();
        if (next instanceof Promise) {
          if (!(yield* this.pausedFor(pace, next))) return { outcome: 'abandoned', end: null };
          pace.sliceEnd = performance.now() + this.slicing.sliceMs;
          continue;
        }
        if (isTableEnd(next)) {
          end = next;
          break;
        }
        if (role !== 'slave' && !(yield* this.applyRows(next, pace))) return { outcome: 'abandoned', end: null };
      }
    }
    if (role === 'slave') return { outcome: 'whole', end }; // a plain slave's topics are not taken: there is nothing to apply
    if (!(yield* this.applyRows(end.rest, pace))) return { outcome: 'abandoned', end: null };
    const mappings = end.mappings ?? NO_MAPPINGS;
    if (pace.names && mappings.size === 0 && !(yield* this.deleteTopicsOutside(pace.names, pace))) return { outcome: 'abandoned', end: null };
    if (!applyAll) return { outcome: 'missing', end };
    for (const [topic, info] of mappings) this.setQueueMapping(topic, String(info.bname ?? brokerName), info);
    // Static-topic mappings are not covered by queue epochs: such bodies are always decoded.
    return { outcome: mappings.size === 0 && !pace.interleaved ? 'whole' : 'missing', end };
  }

  /** Applies `rows` (see applyTopics), yielding when the slice's time is up; false when the broker was gone on resuming. */
  private *applyRows(rows: TopicRows, pace: ApplyPace): Generator<Pause, boolean> {
    const { size, numbers } = rows;
    const nameOf = nameReader(rows.names);
    const { brokerName, permMask, applyAll, names } = pace;
    for (let i = 0, at = 0; i < size; i++, at += TOPIC_ROW_FIELDS) {
      if (this.sliceIsOver(pace) && !(yield* this.nextSlice(pace))) return false;
      const topic = nameOf(i);
      names?.add(rows.keys?.[i] ?? topic);
      this.putQueues(topic, brokerName, numbers[at]!, numbers[at + 1]!, numbers[at + 2]! & permMask, numbers[at + 3]!, !applyAll);
    }
    return true;
  }

  /** Counts one topic of the apply; true once its slice's time is up (the clock is read every TOPICS_PER_CLOCK_CHECK topics). */
  private sliceIsOver(pace: ApplyPace): boolean {
    if (++pace.sinceClockCheck !== TOPICS_PER_CLOCK_CHECK) return false;
    pace.sinceClockCheck = 0;
    const now = performance.now();
    if (now < pace.sliceEnd) return false;
    pace.pausedAt = now;
    return true;
  }

  /** Pauses at a slice's end; the next slice lasts as long as the wait was (see ApplySlicing). False when the broker was gone on resuming. */
  private *nextSlice(pace: ApplyPace): Generator<Pause, boolean> {
    if (!(yield* this.pausedFor(pace, undefined))) return false;
    const resumed = performance.now();
    const { sliceMs, maxSliceMs } = this.slicing;
    pace.sliceEnd = resumed + Math.min(Math.max(sliceMs, resumed - pace.pausedAt), maxSliceMs);
    return true;
  }

  /** Pauses the apply (for a slice's end, or until `wait` settles); false when the broker was gone on resuming. */
  private *pausedFor(pace: ApplyPace, wait: Promise<void> | undefined): Generator<Pause, boolean> {
    const epoch = this.unchanged.epochOf(pace.brokerName);
    yield wait;
    if (!pace.stillRegistered()) return false;
    if (this.unchanged.epochOf(pace.brokerName) !== epoch) pace.interleaved = true;
    return true;
  }

  /**
   * deleteTopicWithBrokerRegistration: the broker name's topics its registration does not list go,
   * in the registration's slices (see applyRows); false when the broker was gone on resuming.
   */
  private *deleteTopicsOutside(keys: ReadonlySet<string>, pace: ApplyPace): Generator<Pause, boolean> {
    const { brokerName } = pace;
    // Candidates, not topicsOf (whose compaction would be one turn of its own); a repeat finds nothing left to remove.
    const candidates = this.brokerTopics.candidatesOf(brokerName);
    for (let i = 0; i < candidates.length; i++) {
      if (this.sliceIsOver(pace) && !(yield* this.nextSlice(pace))) return false;
      const { topic } = candidates[i]!;
      if (!keys.has(topic)) this.removeQueueData(topic, brokerName, 'not in the broker registration');
    }
    return true;
  }

  /** A slave is told its master's address and HA address while the master is alive. */
  private masterOf(brokerData: BrokerData, clusterName: string, brokerId: number): { haServerAddr: string | null; masterAddr: string | null } {
    if (brokerId === MASTER_ID) return { haServerAddr: null, masterAddr: null };
    const masterAddr = brokerData.brokerAddrs.get(MASTER_ID);
    const masterLive = masterAddr === undefined ? undefined : this.liveTable.get(clusterName, masterAddr);
    if (masterAddr === undefined || !masterLive) return { haServerAddr: null, masterAddr: null };
    return { haServerAddr: masterLive.haServerAddr, masterAddr };
  }

  /** Registers a topic's queues on brokers that are already known (REGISTER_TOPIC_IN_NAMESRV). */
  registerTopic(topic: string, queueDatas: QueueData[]): boolean {
    this.settleSlicedWrite();
    this.readTopicDebug();
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

  // ---- unregistration and liveness ----------------------------------------------------------

  /** Queues an unregistration; false when the queue is full. */
  submitUnregister(request: UnregisterRequest): boolean {
    return this.unregistrations.submit(request);
  }

  /** Resolves once every queued unregistration has been applied. */
  unregistrationsDrained(): Promise<void> {
    return this.unregistrations.drained();
  }

  /** Applies queued unregistrations now, and finishes one still in slices. */
  flushUnregistrations(): void {
    this.settleSlicedWrite();
    this.unregistrations.flush();
  }

  get pendingUnregistrations(): number {
    return this.unregistrations.length;
  }

  /** Applies a batch of unregistrations at once. */
  unregisterBrokers(requests: UnregisterRequest[]): void {
    runToEnd(this.groupsLeaving(this.unregisterBatch(requests), NEVER_PAUSE));
  }

  /**
   * Applies a batch of unregistrations. The broker groups it empties lose their topics last, and
   * when those are more than `fromTopics` in all (one 20,000-topic group, or a rack of small ones
   * going at once, held the event loop 4–13 ms and more in one turn) they go in slices, lookups
   * served in between. Until its last topic is gone a group stays as it was, so that a lookup
   * meanwhile sees each topic either as before or without the group, never a route naming queues
   * of a group it does not list; the group is then removed as in one go. A write arriving meanwhile
   * finishes the slices first (`settleSlicedWrite`), so it sees the batch applied whole.
   */
  private applyUnregistrations(requests: UnregisterRequest[]): void | Promise<void> {
    const leaving = this.unregisterBatch(requests);
    let topics = 0;
    for (const brokerName of leaving.keys()) topics += this.brokerTopics.count(brokerName);
    if (topics <= this.slicing.fromTopics) return runToEnd(this.groupsLeaving(leaving, NEVER_PAUSE));
    this.hooks.unregistrationsApplied?.();
    const steps = this.groupsLeaving(leaving, pauseEvery(this.slicing.sliceMs, TOPICS_PER_CLOCK_CHECK));
    return this.runSlicedWrite(steps).catch((err: unknown) => this.logger.error({ err }, 'unregistration failed'));
  }

  /**
   * A write of the registry still running in slices: leaving broker groups' topics being taken
   * away, or a broker name's write permission being changed. One at a time.
   */
  private slicedWrite: Generator<Pause, unknown> | null = null;

  /** Runs `steps` in slices as the one sliced write; when `settleSlicedWrite` finishes it sooner, the promise still gives its result. */
  private runSlicedWrite<T>(steps: Generator<Pause, T>): Promise<T> {
    let result: T | undefined;
    const tracked = (function* () {
      result = yield* steps;
    })();
    this.slicedWrite = tracked;
    return runInSlices(tracked).then(() => result as T);
  }

  /** Finishes, at once, a write still in slices: whatever else mutates the registry sees whole writes. */
  private settleSlicedWrite(): void {
    const steps = this.slicedWrite;
    if (!steps) return;
    this.slicedWrite = null;
    runToEnd(steps);
  }

  /**
   * The batch as Java applies it (one change for caches and serving processes), except that the
   * groups it empties are only listed in what it returns, keeping their addresses and topics:
   * `groupsLeaving` takes those away.
   */
  private unregisterBatch(requests: UnregisterRequest[]): Map<string, UnregisterRequest> {
    this.settleSlicedWrite();
    this.readTopicDebug();
    const leaving = new Map<string, UnregisterRequest>();
    const reducedBrokers = new Set<string>();
    this.asOneChange(() => {
      for (const req of requests) {
        const live = this.liveTable.remove(req.clusterName, req.brokerAddr);
        this.unchanged.forget(req.clusterName, req.brokerAddr);
        this.logger.info({ clusterName: req.clusterName, brokerAddr: req.brokerAddr, found: Boolean(live) }, 'unregister broker');
        this.setFilterServers(req.clusterName, req.brokerAddr, []);

        const brokerData = this.brokerAddrTable.get(req.brokerName);
        if (!brokerData || leaving.has(req.brokerName)) continue;
        if (emptiedBy(brokerData, req.brokerAddr)) {
          leaving.set(req.brokerName, req);
          reducedBrokers.delete(req.brokerName);
          continue;
        }
        const wasMin = req.brokerId === minKey(brokerData.brokerAddrs);
        this.removeBrokerAddr(brokerData, (_id, addr) => addr === req.brokerAddr);
        if (wasMin && this.config.notifyMinBrokerIdChanged) this.notifyMinBrokerIdChanged(brokerData, req.brokerAddr, null, true);
        reducedBrokers.add(req.brokerName);
      }
      for (const brokerName of reducedBrokers) {
        if (!this.brokerAddrTable.get(brokerName)?.enableActingMaster || !this.isNoMasterExists(brokerName)) continue;
        // The master is gone: its queues stay readable through the slaves, but not writable.
        for (const queues of this.brokerTopics.candidatesOf(brokerName)) {
          const q = queues.get(brokerName);
          if (q) this.putQueueData(queues.topic, { ...q, perm: q.perm & ~Perm.WRITE });
        }
      }
    });
    return leaving;
  }

  /**
   * Takes the leaving groups' topics away (yielding where `pause` says), then the groups
   * themselves, and says the batch is applied. Java makes one pass over every topic for a batch
   * (cleanTopicByUnRegisterRequests); here each leaving broker name's own topics are visited.
   */
  private *groupsLeaving(leaving: Map<string, UnregisterRequest>, pause: PauseCheck): Generator<Pause, void> {
    for (const brokerName of leaving.keys()) {
      // Indexed: a for-of over an array across a yield makes an iterator result per topic.
      const candidates = this.brokerTopics.candidatesOf(brokerName);
      for (let i = 0; i < candidates.length; i++) {
        if (pause()) yield;
        this.removeQueueData(candidates[i]!.topic, brokerName, 'broker unregistered');
      }
    }
    // Cleared before the last step: a re-entry from it (the hook) finds no write to finish.
    this.slicedWrite = null;
    this.readTopicDebug();
    this.asOneChange(() => {
      for (const [brokerName, req] of leaving) {
        const brokerData = this.brokerAddrTable.get(brokerName);
        if (!brokerData) continue;
        // Writes settle the slices first, so nothing gave the group topics since; should one have, they go too.
        if (this.brokerTopics.count(brokerName) > 0) for (const queues of this.brokerTopics.candidatesOf(brokerName)) this.removeQueueData(queues.topic, brokerName, 'broker unregistered');
        this.removeBrokerAddr(brokerData, (_id, addr) => addr === req.brokerAddr);
        if (brokerData.brokerAddrs.size > 0) continue;
        this.removeBrokerData(brokerName);
        this.removeFromCluster(req.clusterName, brokerName);
        this.forgetBrokerName(brokerName);
      }
    });
    this.hooks.unregistrationsApplied?.();
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
    // No slot names it: nothing to unregister but the entry itself, which must not outlive this.
    this.dropSlotless(live.clusterName, live.brokerAddr);
    this.logger.info({ clusterName: live.clusterName, brokerAddr: live.brokerAddr, why }, 'broker without a slot dropped');
  }

  // ---- liveness bookkeeping -----------------------------------------------------------------

  isBrokerTopicConfigChanged(clusterName: string, brokerAddr: string, dataVersion: DataVersion): boolean {
    const prev = this.queryBrokerDataVersion(clusterName, brokerAddr);
    return prev === null || !dataVersionEquals(prev, dataVersion);
  }

  queryBrokerDataVersion(clusterName: string, brokerAddr: string): DataVersion | null {
    return this.liveTable.get(clusterName, brokerAddr)?.dataVersion ?? null;
  }

  /**
   * A sign of life: the broker is alive now. With `connectionId`, only when the broker registered
   * over that connection (a data-version query from elsewhere, such as a NameServer comparison,
   * says nothing about the broker's health).
   */
  touchBroker(clusterName: string, brokerAddr: string, connectionId?: number): void {
    const live = this.liveTable.get(clusterName, brokerAddr);
    if (!live || (connectionId !== undefined && live.connectionId !== connectionId)) return;
    live.lastUpdateTimestamp = this.clock.now();
  }

  get liveBrokerCount(): number {
    return this.liveTable.size;
  }

  // ---- admin operations ---------------------------------------------------------------------

  /** `changeWritePerm` in one go, whatever the broker name's size. */
  changeWritePermAtOnce(brokerName: string, change: 'wipe' | 'add'): number {
    this.settleSlicedWrite();
    return runToEnd(this.writePermSteps(brokerName, change, NEVER_PAUSE));
  }

  /**
   * WIPE_WRITE_PERM_OF_BROKER or ADD_WRITE_PERM_OF_BROKER; gives how many topics changed. A broker
   * name with more than `fromTopics` topics is changed in slices (20,000 topics held the event loop
   * 14–62 ms in one turn), lookups served in between, each topic as before or changed; any other
   * write meanwhile finishes it first (`settleSlicedWrite`).
   */
  changeWritePerm(brokerName: string, change: 'wipe' | 'add'): number | Promise<number> {
    this.settleSlicedWrite();
    if (this.brokerTopics.count(brokerName) <= this.slicing.fromTopics) return this.changeWritePermAtOnce(brokerName, change);
    return this.runSlicedWrite(this.writePermSteps(brokerName, change, pauseEvery(this.slicing.sliceMs, TOPICS_PER_CLOCK_CHECK)));
  }

  private *writePermSteps(brokerName: string, change: 'wipe' | 'add', pause: PauseCheck): Generator<Pause, number> {
    this.readTopicDebug();
    let count = 0;
    // The candidates, not topicsOf: its compaction of a 20,000-topic list would be one turn of its own.
    const seen = new Set<string>();
    const candidates = this.brokerTopics.candidatesOf(brokerName);
    for (let i = 0; i < candidates.length; i++) {
      if (pause()) yield;
      const { topic } = candidates[i]!;
      if (seen.has(topic)) continue;
      seen.add(topic);
      const q = this.topicQueueTable.get(topic)?.get(brokerName);
      if (!q) continue;
      this.putQueueData(topic, { ...q, perm: change === 'wipe' ? q.perm & ~Perm.WRITE : Perm.READ | Perm.WRITE });
      count++;
    }
    this.slicedWrite = null;
    return count;
  }

  /** Deletes a topic everywhere, or only from one cluster's brokers. */
  deleteTopic(topic: string, clusterName?: string | null): void {
    this.settleSlicedWrite();
    this.readTopicDebug();
    if (!clusterName) {
      for (const brokerName of this.topicQueueTable.get(topic)?.brokerNames() ?? []) this.removeQueueData(topic, brokerName, 'deleted');
      return;
    }
    for (const brokerName of this.clusterAddrTable.get(clusterName) ?? []) this.removeQueueData(topic, brokerName, 'deleted');
  }

  /** How many entries each of the registry's tables holds: for leak checks and diagnostics. */
  footprint(): Record<string, number> {
    const unchanged = this.unchanged.size;
    return {
      topics: this.topicQueueTable.size,
      brokerNames: this.brokerAddrTable.size,
      clusters: this.clusterAddrTable.size,
      liveBrokers: this.liveTable.size,
      liveConnections: this.liveTable.connectionCount,
      filterServers: this.filterServerTable.size,
      queueMappings: this.topicQueueMappingInfoTable.size,
      pooledQueueData: this.queuePool.size,
      brokerTopics: this.brokerTopics.size,
      unchangedRecords: unchanged.records,
      queueEpochs: unchanged.epochs,
      pendingUnregistrations: this.unregistrations.length,
    };
  }

  /** Drops pending unregistrations (at shutdown). */
  stop(): void {
    this.slicedWrite?.return(undefined);
    this.slicedWrite = null;
    this.unregistrations.stop();
  }

  // ---- internals ----------------------------------------------------------------------------

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
}

/** What a role keeps of its topics' perm: a read-only prime slave's queues lose write. */
function permMaskOf(role: TopicRole): number {
  return role === 'prime-slave-read-only' ? ~Perm.WRITE : -1;
}

function topicRole(brokerData: BrokerData, brokerId: number, enableActingMaster: boolean | null | undefined): TopicRole {
  if (brokerId === MASTER_ID) return 'master';
  if (enableActingMaster == null || brokerId !== minKey(brokerData.brokerAddrs)) return 'slave';
  return enableActingMaster ? 'prime-slave-read-only' : 'prime-slave';
}

/** Whether unregistering `brokerAddr` leaves the group no address. */
function emptiedBy(brokerData: BrokerData, brokerAddr: string): boolean {
  for (const addr of brokerData.brokerAddrs.values()) if (addr !== brokerAddr) return false;
  return true;
}

const NO_MAPPINGS: ReadonlyMap<string, TopicQueueMappingInfo> = new Map();
