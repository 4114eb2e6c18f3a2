import { decodeBrokerNameList, decodeSyncStateSet } from '../../protocol/bodies/controller-bodies.js';
import { ControllerRequestCode as Req, ControllerResponseCode as Code } from '../../protocol/controller-codes.js';
import {
  AlterSyncStateSetHeader, ApplyBrokerIdHeader, BrokerHeartbeatToControllerHeader, CleanBrokerDataHeader, ElectMasterHeader,
  GetNextBrokerIdHeader, GetReplicaInfoHeader, RegisterBrokerToControllerHeader,
} from '../../protocol/controller-headers.js';
import { decodeHeader, encodeHeader, isDigits } from '../../protocol/custom-header.js';
import { RequestError } from '../../protocol/request-error.js';
import { createResponse, isOneway, type RemotingCommand } from '../../remoting/remoting-command.js';
import type { Clock } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import type { ControllerConfig, ControllerTopology } from '../config/controller-config.js';
import { BrokerHeartbeats, type BrokerIdentity } from '../heartbeat/broker-heartbeats.js';
import * as rules from '../rules/replicas-rules.js';
import { CorruptRecordError, type BrokerSet } from '../state/broker-set.js';
import { changesToRecords, ReplicasState } from '../state/replicas-state.js';
import { NotLeaderError, type ControllerStore, type Leadership } from '../store/controller-store.js';
import { ControllerConfigAccess } from './controller-config-access.js';
import { ControllerCounters, type ElectionTrigger } from '../metrics/controller-metrics.js';
import { roleChangedRequest, type SendOneway } from './role-change-notifier.js';

export interface ControllerServiceOptions {
  /** Live: UPDATE_CONTROLLER_CONFIG changes it in place. */
  readonly config: ControllerConfig;
  readonly topology: ControllerTopology;
  readonly store: ControllerStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly serverVersion: number;
  readonly sendOneway: SendOneway;
  /** Closes a connection by id (as Java's controller closes the channel of a broker whose heartbeat timed out). */
  readonly closeConnection?: (connectionId: number) => void;
}

/** Where the controller stands: it decides only as a leader that has read the durable state. */
type Phase =
  | { readonly name: 'not-leader'; readonly leadership: Leadership }
  | { readonly name: 'loading'; readonly term: number }
  | { readonly name: 'leading'; readonly term: number; readonly since: number };

type Outcome = rules.Decision | { readonly refused: number; readonly remark: string };

const RELOAD_DELAY_MS = 1000;
const HEARTBEAT_TAKEN: rules.Decision = { code: Code.SUCCESS, remark: 'Heart beat success', events: [] };

/**
 * The controller: answers brokers and administrators, decides with the rules, and makes every
 * change durable in the store before it is answered. Changes are decided one at a time, each on
 * the state every earlier decision left (`decided`), so none is made on a view a concurrent change
 * has made stale. A store that keeps commits in order (`pipelinesCommits`) is handed the next
 * change while earlier ones are still being made durable, so that they can share a write; other
 * stores get one change at a time. Reads are answered from the durable state (`state`) only, and a
 * decision is answered only once everything decided before it is durable too.
 */
export class ControllerService {
  readonly heartbeats: BrokerHeartbeats;
  readonly counters = new ControllerCounters();
  /** What is durable: reads, the console and metrics see this. */
  private state = new ReplicasState();
  /** What the decisions so far make it, some of them still on their way to the store. */
  private decided = new ReplicasState();
  /**
   * Whether every change decided so far is durable ('durable'), or why not: the store refused it
   * because this node no longer leads ('not-leader'), or did not confirm it ('unconfirmed').
   * Settles once the latest commit has.
   */
  private durable: Promise<'durable' | 'not-leader' | 'unconfirmed'> = Promise.resolve('durable');
  private phase: Phase = { name: 'not-leader', leadership: { role: 'follower', leaderAddress: null } };
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  private reloadTimer: NodeJS.Timeout | null = null;
  /** Why the last read of the durable state failed, while this node cannot lead because of it. */
  private loadError: string | null = null;
  private stopped = false;
  private readonly configAccess: ControllerConfigAccess;
  /** Sets with an election queued or running, so scans do not pile up elections for one set. */
  private readonly electing = new Set<string>();

  constructor(private readonly options: ControllerServiceOptions) {
    this.heartbeats = new BrokerHeartbeats(options.clock, () => options.config.controllerBrokerHeartbeatTimeoutMillis);
    this.configAccess = new ControllerConfigAccess(options.config);
  }

  async start(): Promise<void> {
    this.unsubscribe = this.options.store.onLeadershipChange((leadership) => this.onLeadership(leadership));
    await this.options.store.start();
    this.onLeadership(this.options.store.leadership());
    await this.whenIdle(); // a node that leads from the start has read its state before it serves
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    await this.whenIdle();
    await this.options.store.close();
  }

  /** True once this node leads and has read the durable state. */
  get isLeading(): boolean {
    return this.phase.name === 'leading';
  }

  /** Resolves once every change queued so far has been decided, made durable (or refused) and answered. */
  async whenIdle(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.durable;
  }

  /** A read-only view of the state (console, metrics, tests). */
  get replicas(): ReplicasState {
    return this.state;
  }

  private onLeadership(leadership: Leadership): void {
    if (this.stopped) return;
    if (leadership.role === 'leader') {
      if (this.phase.name !== 'not-leader' && this.phase.term === leadership.term) return;
      this.options.logger.info({ term: leadership.term }, 'controller became leader; reading the durable state');
      this.load(leadership.term);
      return;
    }
    if (this.phase.name === 'leading') this.counters.lostLeadership++;
    if (this.phase.name !== 'not-leader') this.options.logger.warn({ leadership }, 'controller is no longer leader');
    else if (this.phase.leadership.role !== leadership.role) this.options.logger.info({ leadership }, 'controller leadership changed');
    this.phase = { name: 'not-leader', leadership };
  }

  /** A new leader reads every record before it decides anything. */
  private load(term: number): void {
    this.phase = { name: 'loading', term };
    this.enqueue(async () => {
      if (this.phase.name !== 'loading' || this.phase.term !== term) return;
      try {
        const records = await this.options.store.readAll();
        if (this.phase.name !== 'loading' || this.phase.term !== term) return;
        this.state = ReplicasState.fromRecords(records);
        this.decided = ReplicasState.fromRecords(records);
        // Every decision from now on rests on what was just read, which is durable.
        this.durable = Promise.resolve('durable');
        this.loadError = null;
        this.phase = { name: 'leading', term, since: this.options.clock.now() };
        this.counters.becameLeader++;
        this.options.logger.info({ term, brokerSets: this.state.size }, 'controller leads');
      } catch (error) {
        const corrupt = error instanceof CorruptRecordError;
        this.loadError = (error as Error).message;
        this.options.logger.error({ err: (error as Error).message }, corrupt ? 'controller state is corrupt; not deciding anything' : 'cannot read the controller state; will retry');
        if (!corrupt) this.scheduleReload(term);
      }
    });
  }

  private scheduleReload(term: number): void {
    if (this.stopped || this.reloadTimer) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      const leadership = this.options.store.leadership();
      if (leadership.role === 'leader' && leadership.term === term) this.load(term);
    }, RELOAD_DELAY_MS);
    this.reloadTimer.unref();
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private notLeader(): { refused: number; remark: string } {
    if (this.phase.name === 'loading') {
      const why = this.loadError ? `it cannot read the durable state (${this.loadError})` : 'it is reading the durable state after becoming leader';
      return { refused: Code.CONTROLLER_NOT_LEADER, remark: `The controller is not in leader state: ${why}` };
    }
    const leadership = this.phase.name === 'not-leader' ? this.phase.leadership : null;
    if (leadership?.role === 'unavailable') return { refused: Code.CONTROLLER_NOT_LEADER, remark: `The controller is not in leader state: the controller store is unavailable (${leadership.reason})` };
    const leader = leadership?.role === 'follower' && leadership.leaderAddress ? `; the leader is ${leadership.leaderAddress}` : '';
    return { refused: Code.CONTROLLER_NOT_LEADER, remark: `The controller is not in leader state${leader}` };
  }

  private ruleContext(state: ReplicasState, connectionClusters: readonly string[] = []): rules.RuleContext {
    return {
      state,
      liveness: this.heartbeats,
      enableElectUncleanMaster: this.options.config.enableElectUncleanMaster,
      connectionClusters,
    };
  }

  /** A read: answered from the durable state by the leader only. */
  private read(decide: (durable: ReplicasState) => rules.Decision): Outcome {
    return this.phase.name === 'leading' ? decide(this.state) : this.notLeader();
  }

  /**
   * A change: queued, decided on the state earlier decisions left, made durable, then answered.
   * A decision that changes nothing is answered once everything decided before it is durable: it
   * was made on that state.
   */
  private async change(decide: (decided: ReplicasState) => rules.Decision): Promise<Outcome> {
    const { outcome } = await this.enqueue(async (): Promise<{ outcome: Promise<Outcome> }> => {
      const phase = this.phase;
      if (phase.name !== 'leading') return { outcome: Promise.resolve(this.notLeader()) };
      const decision = decide(this.decided);
      if (decision.events.length === 0) {
        return {
          outcome: this.durable.then((durability) =>
            durability === 'durable' ? decision
              : durability === 'not-leader' ? this.notLeader()
              : this.unconfirmed('the controller store did not confirm an earlier change this answer rests on'),
          ),
        };
      }
      const changes = this.decided.changesFor(decision.events);
      this.decided.install(changes);
      const outcome = this.persist(phase, changes, decision);
      this.durable = outcome.then(
        (done) => (!('refused' in done) ? 'durable' : done.refused === Code.CONTROLLER_NOT_LEADER ? 'not-leader' : 'unconfirmed'),
        () => 'unconfirmed' as const,
      );
      // A store that cannot take the next change before this one is durable gets one at a time.
      if (!this.options.store.pipelinesCommits) await outcome;
      return { outcome };
    });
    return outcome;
  }

  /** Commits one decided change; installs it as durable and announces it once the store confirms it. */
  private async persist(phase: Extract<Phase, { name: 'leading' }>, changes: Map<string, BrokerSet | null>, decision: rules.Decision): Promise<Outcome> {
    try {
      await this.options.store.commit(changesToRecords(changes));
    } catch (error) {
      if (error instanceof NotLeaderError) {
        if (this.phase === phase) this.onLeadership({ role: 'follower', leaderAddress: error.leaderAddress });
        return this.notLeader();
      }
      // The outcome is unknown: decide nothing more until the durable state is read again.
      if (this.phase === phase) {
        this.options.logger.error({ err: (error as Error).message }, 'controller store did not confirm a change; re-reading the state');
        this.load(phase.term);
      }
      return this.unconfirmed(`the controller store did not confirm the change: ${(error as Error).message}`);
    }
    this.state.install(changes);
    if (decision.roleChange) this.announce(decision.roleChange);
    return decision;
  }

  private unconfirmed(remark: string): Outcome {
    return { refused: Code.SYSTEM_ERROR, remark };
  }

  /** An election, counted by trigger and result. */
  private async elect(trigger: ElectionTrigger, decide: (decided: ReplicasState) => rules.Decision): Promise<Outcome> {
    const outcome = await this.change(decide);
    const code = 'refused' in outcome ? outcome.refused : outcome.code;
    this.counters.election(
      trigger,
      code === Code.SUCCESS ? 'elected'
        : code === Code.CONTROLLER_MASTER_STILL_EXIST ? 'master_still_exist'
        : code === Code.CONTROLLER_MASTER_NOT_AVAILABLE || code === Code.CONTROLLER_ELECT_MASTER_FAILED ? 'no_candidate'
        : 'refused',
    );
    return outcome;
  }

  private announce(change: rules.RoleChange): void {
    this.options.logger.info(
      { clusterName: change.clusterName, brokerName: change.brokerName, masterBrokerId: change.masterBrokerId, masterEpoch: change.masterEpoch },
      'new master elected',
    );
    if (!this.options.config.notifyBrokerRoleChanged) return;
    const request = roleChangedRequest(change);
    for (const [id, address] of change.members) {
      if (!this.heartbeats.isAlive(change.clusterName, change.brokerName, id)) continue;
      this.counters.roleChangeNotices++;
      this.options.sendOneway(address, request);
    }
  }

  // --- requests --------------------------------------------------------------------------------

  /**
   * Answers one request; never throws (bad input gets CONTROLLER_INVALID_REQUEST naming the field).
   * Heartbeats, a thousand a second from a thousand brokers, are taken synchronously, and a oneway
   * one (as brokers send them) gets no answer built at all.
   */
  handle(request: RemotingCommand, connectionId: number): RemotingCommand | null | Promise<RemotingCommand> {
    if (request.code !== Req.BROKER_HEARTBEAT) return this.handleAsync(request, connectionId);
    let outcome: Outcome;
    try {
      outcome = this.onHeartbeat(request.extFields, connectionId);
    } catch (error) {
      outcome = this.failed(request, error);
    }
    return isOneway(request) ? null : this.answer(request, outcome);
  }

  private async handleAsync(request: RemotingCommand, connectionId: number): Promise<RemotingCommand> {
    let outcome: Outcome | RemotingCommand;
    try {
      outcome = await this.dispatch(request, connectionId);
    } catch (error) {
      outcome = this.failed(request, error);
    }
    return 'opaque' in outcome ? outcome : this.answer(request, outcome);
  }

  private failed(request: RemotingCommand, error: unknown): Outcome {
    if (error instanceof RequestError) return { refused: Code.CONTROLLER_INVALID_REQUEST, remark: error.remark };
    this.options.logger.error({ err: error, code: request.code }, 'controller request failed');
    return { refused: Code.SYSTEM_ERROR, remark: `${(error as Error).name}: ${(error as Error).message}` };
  }

  private answer(request: RemotingCommand, outcome: Outcome): RemotingCommand {
    if ('refused' in outcome) return createResponse(request, { code: outcome.refused, remark: outcome.remark }, this.options.serverVersion);
    return createResponse(
      request,
      { code: outcome.code, remark: outcome.remark ?? null, extFields: encodeHeader(outcome.header ?? {}), body: outcome.body ?? null },
      this.options.serverVersion,
    );
  }

  private withConnection(state: ReplicasState, connectionId: number, brokerName: string): rules.RuleContext {
    return this.ruleContext(state, this.heartbeats.clustersOnConnection(connectionId, brokerName));
  }

  private onHeartbeat(ext: RemotingCommand['extFields'], connectionId: number): rules.Decision {
    const h = decodeHeader(BrokerHeartbeatToControllerHeader, ext);
    this.heartbeats.onHeartbeat({
      clusterName: h.clusterName, brokerName: h.brokerName, brokerId: h.brokerId, brokerAddr: h.brokerAddr, connectionId,
      timeoutMillis: h.heartbeatTimeoutMills !== undefined && h.heartbeatTimeoutMills > 0 ? h.heartbeatTimeoutMills : undefined,
      epoch: h.epoch,
      maxOffset: h.maxOffset === undefined ? undefined : parseLong(h.maxOffset, 'maxOffset'),
      confirmOffset: h.confirmOffset === undefined ? undefined : parseLong(h.confirmOffset, 'confirmOffset'),
      electionPriority: h.electionPriority,
    });
    this.counters.heartbeats++;
    return HEARTBEAT_TAKEN;
  }

  private async dispatch(request: RemotingCommand, connectionId: number): Promise<Outcome | RemotingCommand> {
    const ext = request.extFields;
    switch (request.code) {
      case Req.BROKER_HEARTBEAT:
        return this.onHeartbeat(ext, connectionId);
      case Req.CONTROLLER_GET_METADATA_INFO:
        return { code: Code.SUCCESS, header: this.metadataHeader(), events: [] };
      case Req.CONTROLLER_GET_NEXT_BROKER_ID: {
        const h = decodeHeader(GetNextBrokerIdHeader, ext);
        return this.read((state) => rules.getNextBrokerId(this.ruleContext(state), h.clusterName, h.brokerName));
      }
      case Req.CONTROLLER_APPLY_BROKER_ID: {
        const h = decodeHeader(ApplyBrokerIdHeader, ext);
        return this.change((state) => rules.applyBrokerId(this.ruleContext(state), h));
      }
      case Req.CONTROLLER_REGISTER_BROKER: {
        const h = decodeHeader(RegisterBrokerToControllerHeader, ext);
        return this.change((state) => rules.registerBroker(this.ruleContext(state), h));
      }
      case Req.CONTROLLER_GET_REPLICA_INFO: {
        const h = decodeHeader(GetReplicaInfoHeader, ext);
        return this.read((state) => rules.getReplicaInfo(this.withConnection(state, connectionId, h.brokerName), h.brokerName));
      }
      case Req.CONTROLLER_ALTER_SYNC_STATE_SET: {
        const h = decodeHeader(AlterSyncStateSetHeader, ext);
        const body = decodeSyncStateSet(request.body);
        return this.change((state) =>
          rules.alterSyncStateSet(this.withConnection(state, connectionId, h.brokerName), {
            brokerName: h.brokerName, masterBrokerId: h.masterBrokerId, masterEpoch: h.masterEpoch,
            syncStateSet: body.syncStateSet, syncStateSetEpoch: body.syncStateSetEpoch,
          }),
        );
      }
      case Req.CONTROLLER_ELECT_MASTER: {
        const h = decodeHeader(ElectMasterHeader, ext);
        return this.elect(h.designateElect === true ? 'admin' : 'broker', (state) =>
          rules.electMasterRule(this.withConnection(state, connectionId, h.brokerName), {
            brokerName: h.brokerName,
            ...(h.clusterName ? { clusterName: h.clusterName } : {}),
            ...(h.brokerId !== undefined ? { brokerId: h.brokerId } : {}),
            designateElect: h.designateElect === true,
          }),
        );
      }
      case Req.CONTROLLER_GET_SYNC_STATE_DATA: {
        const names = decodeBrokerNameList(request.body);
        return this.read((state) => rules.getSyncStateData(this.ruleContext(state), names));
      }
      case Req.CLEAN_BROKER_DATA: {
        const h = decodeHeader(CleanBrokerDataHeader, ext);
        return this.change((state) =>
          rules.cleanBrokerData(this.withConnection(state, connectionId, h.brokerName), {
            brokerName: h.brokerName,
            ...(h.clusterName ? { clusterName: h.clusterName } : {}),
            ...(h.brokerControllerIdsToClean !== undefined ? { brokerControllerIdsToClean: h.brokerControllerIdsToClean } : {}),
            isCleanLivingBroker: h.isCleanLivingBroker === true,
          }),
        );
      }
      case Req.GET_CONTROLLER_CONFIG:
        return { code: Code.SUCCESS, body: Buffer.from(this.configAccess.format(), 'utf8'), events: [] };
      case Req.UPDATE_CONTROLLER_CONFIG: {
        const refused = await this.configAccess.update(request.body);
        if (refused) return refused;
        this.options.logger.info('controller configuration updated');
        return { code: Code.SUCCESS, events: [] };
      }
      default:
        return { refused: Code.REQUEST_CODE_NOT_SUPPORTED, remark: ` request type ${request.code} not supported` };
    }
  }

  /** CONTROLLER_GET_METADATA_INFO: who leads, from this node's view; any node answers. */
  metadataHeader(): rules.HeaderValues {
    const { topology } = this.options;
    const leadership = this.options.store.leadership();
    const leaderAddress = leadership.role === 'leader' ? topology.self.address : leadership.role === 'follower' ? leadership.leaderAddress : null;
    const leaderId = leadership.role === 'leader' ? topology.self.id : topology.peers.find((p) => p.address === leaderAddress)?.id ?? null;
    return {
      group: topology.group || null,
      controllerLeaderId: leaderId,
      controllerLeaderAddress: leaderAddress,
      isLeader: leadership.role === 'leader',
      peers: topology.peers.map((p) => `${p.id}:${p.address};`).join(''),
    };
  }

  // --- inactive brokers ------------------------------------------------------------------------

  /** Brokers whose connection closed: an election if one of them was master. */
  onConnectionClosed(connectionId: number): Promise<void> {
    return this.onInactive(this.heartbeats.onConnectionClosed(connectionId));
  }

  /**
   * The heartbeat scan (every scanNotActiveBrokerInterval): forgets silent brokers, closes their
   * connections (as Java's DefaultBrokerHeartbeatManager does: a hung broker's socket is not kept),
   * and elects for silent masters.
   */
  scanHeartbeats(): Promise<void> {
    const expired = this.heartbeats.expire();
    for (const broker of expired) {
      try {
        this.options.closeConnection?.(broker.connectionId);
      } catch (err) {
        this.options.logger.error({ err, connectionId: broker.connectionId }, 'controller: closing an expired broker\'s connection failed');
      }
    }
    return this.onInactive(expired);
  }

  /** The inactive-master scan (every scanInactiveMasterInterval): sets whose master is gone while a replica lives. */
  async scanInactiveMasters(): Promise<void> {
    if (!this.mayElectForInactivity()) return;
    await Promise.all(rules.setsNeedingElection(this.decided, this.heartbeats).map((set) => this.electFor(set.clusterName, set.brokerName)));
  }

  /**
   * Inactivity elects only once this leader has led for the grace period: right after a
   * leadership change no heartbeat has reached it yet, and every master would look dead.
   */
  private mayElectForInactivity(): boolean {
    return this.phase.name === 'leading' && this.options.clock.now() >= this.phase.since + this.options.config.controllerLeaderGracePeriodMillis;
  }

  private async onInactive(brokers: BrokerIdentity[]): Promise<void> {
    if (brokers.length === 0) return;
    for (const b of brokers) this.options.logger.warn({ ...b }, 'broker inactive');
    if (!this.mayElectForInactivity()) return;
    const masters = brokers.filter((b) => this.decided.get(b.clusterName, b.brokerName)?.masterBrokerId === b.brokerId);
    await Promise.all(masters.map((b) => this.electFor(b.clusterName, b.brokerName)));
  }

  private async electFor(clusterName: string, brokerName: string): Promise<void> {
    const key = `${clusterName}\u0000${brokerName}`;
    if (this.electing.has(key)) return;
    this.electing.add(key);
    try {
      for (let attempt = 0; attempt < Math.max(1, this.options.config.electMasterMaxRetryCount); attempt++) {
        const outcome = await this.elect('controller', (state) => rules.electMasterRule(this.ruleContext(state), { clusterName, brokerName }));
        if (!('refused' in outcome) || outcome.refused !== Code.SYSTEM_ERROR) {
          if ('code' in outcome && outcome.code !== Code.SUCCESS) this.options.logger.warn({ clusterName, brokerName, code: outcome.code, remark: outcome.remark }, 'no new master elected');
          return;
        }
      }
    } finally {
      this.electing.delete(key);
    }
  }
}

function parseLong(text: string, field: string): bigint {
  if (text.length <= 18 && isDigits(text)) return BigInt(text);
  if (!/^[+-]?\d{1,19}$/.test(text.trim())) throw new RequestError(Code.CONTROLLER_INVALID_REQUEST, `the custom field <${field}> is not a long: ${text}`);
  return BigInt(text.trim());
}
