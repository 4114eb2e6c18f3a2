import type { Clock } from '../../../util/clock.js';
import type { Logger } from '../../../util/logger.js';
import {
  NotLeaderError,
  StoreUnavailableError,
  type ControllerStore,
  type Leadership,
  type RecordChange,
} from '../controller-store.js';
import { EtcdClient, EtcdRequestError, type EtcdTls, type KeyValue, type Operation } from './etcd-client.js';

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface EtcdStoreOptions {
  /** `http://host:port` of each etcd member (a missing scheme means http). */
  endpoints: string[];
  /** Where every controller group keeps its keys; default `/rocketmq/controller/`. */
  prefix?: string;
  /** The controller group (`controllerDLegerGroup`): controllers of one group share one state. */
  group: string;
  /** This controller's `host:port`, what followers are told while this one leads. */
  selfAddress: string;
  /** The leader's lease; default 10 s. Leadership moves on about this long after the leader dies. */
  leaseTtlSeconds?: number;
  logger: Logger;
  /** Measures lease deadlines; default monotonic (`performance.now`). */
  clock?: Clock;
  timers?: Timers;
  /** How often a follower reads the leader key; default a quarter of the TTL, at most 1 s. */
  pollIntervalMs?: number;
  /** How long one member may take to answer before the next is tried; default a quarter of the TTL, 0.5–2 s. */
  requestTimeoutMs?: number;
  /** How long a commit may wait for etcd before its outcome is reported unknown; default 5 s. */
  commitTimeoutMs?: number;
  /** For `https://` endpoints: CA, client certificate and key (PEM). */
  tls?: EtcdTls;
  /** An etcd user, when etcd's auth is enabled. */
  auth?: { user: string; password: string };
}

export const DEFAULT_ETCD_PREFIX = '/rocketmq/controller/';
export const DEFAULT_LEASE_TTL_SECONDS = 10;

/** Lease deadlines are measured on a monotonic clock: a wall-clock step must not stretch leadership. */
const monotonicClock: Clock = { now: () => performance.now() };

/** A started store keeps the process alive, as a listening server does, until it is closed. */
const realTimers: Timers = {
  setTimeout(callback, ms) {
    return setTimeout(callback, ms);
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

/** A controller store whose records and leadership live in etcd. */
export function createEtcdStore(options: EtcdStoreOptions): ControllerStore {
  return new EtcdControllerStore(options);
}

interface Lease {
  readonly id: string;
  readonly ttlMs: number;
}

type State =
  | { readonly role: 'leader'; readonly term: number; readonly lease: Lease; deadline: number }
  | { readonly role: 'follower'; readonly leaderAddress: string | null }
  | { readonly role: 'unavailable'; readonly reason: string };

const INITIAL_BACKOFF_MS = 100;

class EtcdControllerStore implements ControllerStore {
  private readonly client: EtcdClient;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly selfAddress: string;
  private readonly leaderKey: string;
  private readonly recordPrefix: string;
  private readonly ttlSeconds: number;
  private readonly pollIntervalMs: number;
  private readonly commitTimeoutMs: number;
  private state: State = { role: 'unavailable', reason: 'not started' };
  private readonly listeners = new Set<(leadership: Leadership) => void>();
  /** A lease this node granted and has not seen expire: the leader key may still carry it. */
  private lease: Lease | null = null;
  /** Why the last renewal failed; said when leadership is given up for it. */
  private renewalFailure: string | null = null;
  /** The term of the last `readAll` made while leading; commits are fenced to it. */
  private readTerm: number | null = null;
  private failures = 0;
  private loopTimer: unknown = null;
  private expiryTimer: unknown = null;
  private ticking = false;
  private started = false;
  private closed = false;

  constructor(options: EtcdStoreOptions) {
    // A '/' would let one group's keys fall under another's records.
    if (!options.group || options.group.includes('/')) throw new Error(`etcd controller store: a group name without '/' is required, not '${options.group}'`);
    if (!options.selfAddress) throw new Error('etcd controller store: selfAddress is required');
    this.ttlSeconds = options.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_SECONDS;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds < 1) throw new Error(`etcd controller store: leaseTtlSeconds must be a whole number of seconds ≥ 1, not ${this.ttlSeconds}`);
    const ttlMs = this.ttlSeconds * 1000;
    const requestTimeoutMs = options.requestTimeoutMs ?? Math.min(2000, Math.max(500, ttlMs / 4));
    this.client = new EtcdClient({ endpoints: options.endpoints, requestTimeoutMs, tls: options.tls, auth: options.auth });
    this.clock = options.clock ?? monotonicClock;
    this.timers = options.timers ?? realTimers;
    this.logger = options.logger;
    this.selfAddress = options.selfAddress;
    const prefix = withTrailingSlash(options.prefix || DEFAULT_ETCD_PREFIX);
    this.leaderKey = `${prefix}${options.group}/leader`;
    this.recordPrefix = `${prefix}${options.group}/records/`;
    this.pollIntervalMs = options.pollIntervalMs ?? Math.min(1000, ttlMs / 4);
    this.commitTimeoutMs = options.commitTimeoutMs ?? 5000;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.logger.info({ endpoints: this.client.endpointList, leaderKey: this.leaderKey }, 'controller store: etcd');
    await this.tick();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer('loopTimer');
    this.clearTimer('expiryTimer');
    const lease = this.lease;
    this.lease = null;
    // Revoking the lease deletes the leader key: the others need not wait for it to expire.
    if (lease) {
      await this.client.revokeLease(lease.id).catch((err: unknown) => {
        this.logger.warn({ err: messageOf(err) }, 'controller store: could not revoke the lease on close; it expires by itself');
      });
    }
    this.client.close();
    this.setState({ role: 'follower', leaderAddress: null }, true);
    this.listeners.clear();
  }

  leadership(): Leadership {
    const state = this.state;
    if (state.role === 'leader') {
      // Never claim past the deadline, even before the expiry timer has had its turn (after a pause, say).
      if (this.clock.now() >= state.deadline) return { role: 'follower', leaderAddress: null };
      return { role: 'leader', term: state.term, leaderAddress: this.selfAddress };
    }
    return state;
  }

  onLeadershipChange(listener: (leadership: Leadership) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async readAll(): Promise<Map<string, string>> {
    const view = this.leadership();
    this.readTerm = view.role === 'leader' ? view.term : null;
    const records = new Map<string, string>();
    const end = prefixEnd(this.recordPrefix);
    let from = this.recordPrefix;
    let revision: number | undefined;
    try {
      for (;;) {
        // Pages of one revision: one consistent snapshot however many records there are.
        const page = await this.client.range(from, { rangeEnd: end, limit: 1000, revision });
        revision ??= page.revision;
        for (const kv of page.kvs) records.set(kv.key.slice(this.recordPrefix.length), kv.value);
        if (!page.more || page.kvs.length === 0) break;
        from = `${page.kvs[page.kvs.length - 1].key}\0`;
      }
    } catch (err) {
      throw new StoreUnavailableError(`controller store: cannot read from etcd: ${messageOf(err)}`, { cause: err });
    }
    return records;
  }

  async commit(changes: ReadonlyArray<RecordChange>): Promise<void> {
    const view = this.leadership();
    if (view.role === 'unavailable') throw new StoreUnavailableError(`controller store unavailable: ${view.reason}`);
    if (view.role === 'follower') throw new NotLeaderError(view.leaderAddress);
    // The caller read under an earlier term of ours: what it decided may be stale, so it must read again.
    if (this.readTerm !== null && this.readTerm !== view.term) throw new NotLeaderError(this.selfAddress);
    if (changes.length === 0) return;
    const operations: Operation[] = changes.map((change) =>
      change.value === null ? { op: 'delete', key: this.recordPrefix + change.key } : { op: 'put', key: this.recordPrefix + change.key, value: change.value },
    );
    let result;
    try {
      result = await this.client.txn(
        [{ key: this.leaderKey, target: 'CREATE', result: 'EQUAL', createRevision: view.term }],
        operations,
        [{ op: 'range', key: this.leaderKey }],
        { idempotent: false, timeoutMs: this.commitTimeoutMs },
      );
    } catch (err) {
      if (err instanceof EtcdRequestError) throw new StoreUnavailableError(`controller store: etcd refused the change: ${err.message}`, { cause: err });
      throw new StoreUnavailableError(`controller store: etcd did not confirm the change, read again: ${messageOf(err)}`, { cause: err });
    }
    if (result.succeeded) return;
    // Fenced: the leader key is gone or belongs to a newer term.
    const leader = result.ranges[0]?.[0];
    const leaderAddress = leader && leader.lease !== this.lease?.id ? leader.value : null;
    if (this.state.role === 'leader' && this.state.term === view.term) {
      this.logger.warn({ term: view.term }, 'controller store: a change was refused because this controller no longer leads');
      this.stepDown({ role: 'follower', leaderAddress });
    }
    throw new NotLeaderError(leaderAddress);
  }

  /** One round of the loop: renew the lease when leading, otherwise look at the leader key and campaign when it is free. */
  private async tick(): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    let next: number;
    try {
      next = this.state.role === 'leader' ? await this.renew(this.state) : await this.observe();
    } catch (err) {
      // Nothing may escape a timer; an unexpected failure is retried like an unreachable etcd.
      this.logger.error({ err }, 'controller store: unexpected failure in the leadership loop');
      next = this.backoff();
    } finally {
      this.ticking = false;
    }
    this.schedule(next);
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.clearTimer('loopTimer');
    this.loopTimer = this.timers.setTimeout(() => void this.tick(), Math.max(0, delayMs));
  }

  private async renew(leading: Extract<State, { role: 'leader' }>): Promise<number> {
    if (this.clock.now() >= leading.deadline) {
      this.expire(leading);
      return 0;
    }
    const sentAt = this.clock.now();
    let ttlSeconds: number;
    try {
      ttlSeconds = await this.client.keepAlive(leading.lease.id);
    } catch (err) {
      if (this.state !== leading) return 0;
      this.renewalFailure = messageOf(err);
      // Keep trying until the deadline; the expiry timer gives leadership up if none gets through.
      return Math.min(this.backoff(), Math.max(0, leading.deadline - this.clock.now()));
    }
    if (this.closed || this.state !== leading) return 0;
    if (ttlSeconds <= 0) {
      this.lease = null;
      this.logger.warn({ term: leading.term }, 'controller store: the leader lease expired');
      this.stepDown({ role: 'follower', leaderAddress: null });
      return 0;
    }
    this.failures = 0;
    this.renewalFailure = null;
    leading.deadline = this.deadlineFrom(sentAt, ttlSeconds * 1000);
    this.armExpiry(leading);
    return (ttlSeconds * 1000) / 3;
  }

  /** Reads the leader key; follows whoever holds it, or campaigns when nobody does. */
  private async observe(): Promise<number> {
    try {
      const { kvs } = await this.client.range(this.leaderKey);
      if (this.closed) return 0;
      const holder = kvs[0];
      if (holder && this.lease && holder.lease === this.lease.id) return await this.resume(holder, this.lease);
      if (holder) {
        this.failures = 0;
        // This address under another lease: an earlier run of this controller, whose lease has yet to expire.
        this.setState({ role: 'follower', leaderAddress: holder.value === this.selfAddress ? null : holder.value });
        return this.pollIntervalMs;
      }
      return await this.campaign();
    } catch (err) {
      if (this.closed) return 0;
      // Announced once per change; the reason shown is the latest (the first one replaces "not started").
      this.setState({ role: 'unavailable', reason: messageOf(err) });
      return this.backoff();
    }
  }

  private async campaign(): Promise<number> {
    const grantedAt = this.clock.now();
    const granted = await this.client.grantLease(this.ttlSeconds);
    const lease: Lease = { id: granted.id, ttlMs: granted.ttlSeconds * 1000 };
    if (this.closed) {
      await this.client.revokeLease(lease.id).catch(() => undefined);
      return 0;
    }
    this.lease = lease;
    let result;
    try {
      result = await this.client.txn(
        [{ key: this.leaderKey, target: 'CREATE', result: 'EQUAL', createRevision: 0 }],
        [
          { op: 'put', key: this.leaderKey, value: this.selfAddress, lease: lease.id },
          { op: 'range', key: this.leaderKey },
        ],
        [{ op: 'range', key: this.leaderKey }],
        { idempotent: false },
      );
    } catch (err) {
      // The lease expired before the campaign got to use it (this process was paused, say): etcd is
      // fine, so campaign again with a new one.
      if (err instanceof EtcdRequestError) {
        this.lease = null;
        return this.backoff();
      }
      // The outcome is unknown: the next read tells whether the leader key carries this lease.
      throw err;
    }
    if (this.closed) return 0;
    const holder = result.ranges[0]?.[0];
    this.failures = 0;
    if (!result.succeeded || !holder) {
      this.lease = null;
      this.client.revokeLease(lease.id).catch(() => undefined);
      this.setState({ role: 'follower', leaderAddress: holder?.value ?? null });
      return this.pollIntervalMs;
    }
    return this.lead(holder.createRevision, lease, this.deadlineFrom(grantedAt, lease.ttlMs));
  }

  /** The leader key still carries this node's lease (after an outage, say): lead again if the lease lives. */
  private async resume(holder: KeyValue, lease: Lease): Promise<number> {
    const sentAt = this.clock.now();
    const ttlSeconds = await this.client.keepAlive(lease.id);
    if (this.closed) return 0;
    if (ttlSeconds <= 0) {
      this.lease = null;
      return 0;
    }
    return this.lead(holder.createRevision, lease, this.deadlineFrom(sentAt, ttlSeconds * 1000));
  }

  private lead(term: number, lease: Lease, deadline: number): number {
    this.failures = 0;
    this.renewalFailure = null;
    const leading: State = { role: 'leader', term, lease, deadline };
    this.setState(leading);
    this.armExpiry(leading);
    return lease.ttlMs / 3;
  }

  /**
   * Leadership ends locally a sixth of the TTL before the lease could expire at etcd, counted from
   * when the confirming request was sent (etcd's own count starts later): a controller that was
   * paused or cut off stops deciding before anyone else can start.
   */
  private deadlineFrom(sentAt: number, ttlMs: number): number {
    return sentAt + ttlMs - ttlMs / 6;
  }

  private armExpiry(leading: Extract<State, { role: 'leader' }>): void {
    this.clearTimer('expiryTimer');
    this.expiryTimer = this.timers.setTimeout(() => {
      if (this.state === leading && this.clock.now() >= leading.deadline) this.expire(leading);
      else if (this.state === leading) this.armExpiry(leading);
    }, Math.max(0, leading.deadline - this.clock.now()));
  }

  /** No renewal was confirmed in time: stop leading, then find out who does. */
  private expire(leading: Extract<State, { role: 'leader' }>): void {
    if (this.state !== leading) return;
    const reason = this.renewalFailure;
    this.logger.warn({ term: leading.term, renewalFailure: reason }, 'controller store: the leader lease could not be renewed in time; leadership given up');
    this.stepDown(reason ? { role: 'unavailable', reason } : { role: 'follower', leaderAddress: null });
    this.schedule(0);
  }

  private stepDown(next: Exclude<State, { role: 'leader' }>): void {
    this.clearTimer('expiryTimer');
    this.setState(next);
  }

  private backoff(): number {
    const delay = Math.min(INITIAL_BACKOFF_MS * 2 ** this.failures, Math.max(this.pollIntervalMs, 2000));
    this.failures = Math.min(this.failures + 1, 16);
    return delay;
  }

  private setState(next: State, evenIfClosed = false): void {
    if (this.closed && !evenIfClosed) return;
    const before = this.state;
    this.state = next;
    if (sameLeadership(before, next)) return;
    const view = this.leadership();
    if (view.role === 'leader') this.logger.info({ term: view.term }, 'controller store: this controller leads');
    else if (view.role === 'follower') this.logger.info({ leader: view.leaderAddress }, view.leaderAddress ? 'controller store: following the leader' : 'controller store: no known leader');
    else this.logger.warn({ reason: view.reason }, 'controller store: unavailable');
    for (const listener of [...this.listeners]) {
      try {
        listener(view);
      } catch (err) {
        this.logger.error({ err }, 'controller store: a leadership listener failed');
      }
    }
  }

  private clearTimer(which: 'loopTimer' | 'expiryTimer'): void {
    if (this[which] !== null) this.timers.clearTimeout(this[which]);
    this[which] = null;
  }
}

/** Whether two states look the same from outside: renewals and retries are not changes. */
function sameLeadership(a: State, b: State): boolean {
  if (a.role !== b.role) return false;
  if (a.role === 'leader') return a.term === (b as typeof a).term;
  if (a.role === 'follower') return a.leaderAddress === (b as typeof a).leaderAddress;
  return true;
}

function withTrailingSlash(prefix: string): string {
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** etcd's range_end for every key under `prefix`, which ends with '/': the same prefix ending in '0', the next byte. */
function prefixEnd(prefix: string): string {
  return `${prefix.slice(0, -1)}0`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
