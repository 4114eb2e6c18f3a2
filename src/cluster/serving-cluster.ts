import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { CloseReason } from '../remoting/connection/close-reason.js';
import { ResponseCode } from '../protocol/response-code.js';
import { createResponse, type RemotingCommand } from '../remoting/remoting-command.js';
import { ConnectionsById, sumTraffic, type ConnectionListener, type RemotingFront, type RequestHandler, type Traffic } from '../remoting/remoting-server.js';
import type { Logger } from '../util/logger.js';
import { holdRegisterBody } from '../namesrv/processors/held-register-body.js';
import type { ArrivedRows } from '../namesrv/route/pending-topics.js';
import { generateSelfSignedIdentity } from '../remoting/tls/self-signed.js';
import type { IdentityPems } from '../remoting/tls/tls-material.js';
import { MAX_WORKER_SLOTS, reviveCommand, type FromWorker, type RouteAnswerKey, type ServedDelta, type ToWorker, type WorkerSettings } from './messages.js';
import { BodyDrop } from './body-drop.js';
import { HandedOutTopics } from './handed-out-topics.js';
import { ProxyConnection, type ConnectionOwner } from './proxy-connection.js';
import type { RouteChangeFeed, StaleCopies } from './route-change-feed.js';
import { ShapeDirectory, type ShapeBatch, type ShapeSource } from './shape-directory.js';
import { relayWorkerLog } from './worker-log.js';

export interface ServingClusterOptions {
  processes: number;
  /** The primary accepts and hands connections out in turn; otherwise each worker accepts from the shared socket. */
  acceptRoundRobin?: boolean;
  settings: Omit<WorkerSettings, 'slot' | 'epoch' | 'bodyDrop'>;
  /** The NameServer's dispatcher: every request a worker does not answer from its cache runs here. */
  handler: RequestHandler;
  listener: ConnectionListener;
  logger: Logger;
  changes: RouteChangeFeed;
  /** The key under which workers may keep this answer, or null when it must not be kept (ACL, zones, order config...). */
  cacheKey(request: RemotingCommand, response: RemotingCommand): RouteAnswerKey | null;
  /** Topics' route shapes, which workers are told (ShapeDirectory); without it they learn shapes from forwarded answers only. */
  shapes?: ShapeSource;
  /** Requests workers answered from their caches, and their traffic, for the metrics. */
  onServed(delta: ServedDelta): void;
}

/** A worker that has not stopped this long after being told to is killed. */
const STOP_GRACE_MS = 10_000;
/**
 * A worker that has not acknowledged an announcement this long after it was sent is killed (and
 * replaced): answers wait for every acknowledgement, and a stuck worker must not hold them all.
 */
const ACK_GRACE_MS = 10_000;
/** How long a scrape waits for a worker's report of what it served. */
const REPORT_WAIT_MS = 2_000;

class WorkerHandle {
  traffic = { bytesIn: 0, bytesOut: 0 };
  /** Connections open and accepted, as the worker last reported. */
  open = 0;
  accepted = 0;
  idle = false;
  listening = false;
  /** The worker listens for messages: anything sent before that is lost. */
  ready = false;
  /** Waiting for the answer to a `report` message. */
  reportWaiters: Array<() => void> = [];
  /** Register bodies asked for (`send-body`), by request. */
  readonly bodyWaiters = new Map<number, { resolve(body: Buffer): void; reject(err: Error): void }>();
  /** Bodies a request brought in the directory and not read yet, by request: removed once it is answered. */
  readonly droppedBodies = new Map<number, string>();
  constructor(
    readonly worker: Worker,
    readonly slot: number,
  ) {}

  send(message: ToWorker): void {
    if (this.worker.isConnected()) this.worker.send(message);
  }
}

interface AckWait {
  waiting: Set<WorkerHandle>;
  resolve(): void;
}

/**
 * The remoting port served by several processes (node:cluster). This process (the primary)
 * keeps the one registry and runs every handler; the workers accept connections, run the front
 * door and answer route lookups from copies of the primary's answers. Freshness: after a handler
 * has run, any registry change is announced to every worker as the cached answers it stales (of
 * those given out: HandedOutTopics), and the answer that caused it is sent only once every worker
 * has acknowledged (docs/performance.md).
 */
export class ServingCluster implements RemotingFront {
  private readonly handles = new Map<number, WorkerHandle>();
  private readonly connections = new ConnectionsById<ProxyConnection>();
  /** Where proxy connections send answers and closes: the worker that owns the connection. */
  private readonly owner: ConnectionOwner = {
    send: (connection, command) => this.handleOf(connection)?.send({ t: 'send', connection, command }),
    close: (connection, reason) => this.handleOf(connection)?.send({ t: 'close-connection', connection, reason }),
  };
  private nextSlot = 0;
  /** Connections accepted by workers that have exited. */
  private acceptedBefore = 0;
  private forwarded = 0;
  private bodiesFetched = 0;
  private readonly closedTraffic = { bytesIn: 0, bytesOut: 0 };
  private boundAddress: net.AddressInfo | null = null;
  private epoch = 0;
  private readonly ackWaits = new Map<number, AckWait>();
  /** Acknowledgements of the last announcement, while some are outstanding. */
  private unacknowledged: Promise<void> | null = null;
  private stopping = false;
  private idleWaiters: Array<() => void> = [];
  private draining = false;
  private startWaiters: { resolve(): void; reject(err: Error): void } | null = null;
  private port: number;
  private aclRules: string | null;
  private readonly directory: ShapeDirectory | null;
  /** Topics workers may hold copies or shapes of: the only ones announcements need name. */
  private readonly handedOut = new HandedOutTopics();
  /** Where workers leave the register bodies fetched from them; made by listen. */
  private bodyDrop: BodyDrop | null = null;
  private bodiesFromDirectory = 0;
  private bodiesAskedFor = 0;
  private bodiesWrittenAhead = 0;
  /** TLS test mode's self-signed certificate, once a worker asked for it. */
  private selfSigned: Promise<IdentityPems> | null = null;

  constructor(private readonly options: ServingClusterOptions) {
    this.port = options.settings.port;
    this.aclRules = options.settings.acl?.rules ?? null;
    this.directory = options.shapes ? new ShapeDirectory(options.shapes, (batch) => this.publishShapes(batch)) : null;
  }

  /** Forks the workers; resolves once every one listens (they share the port). */
  async listen(): Promise<net.AddressInfo> {
    // node:cluster shares one listening handle among all workers of this process asking for the
    // same address and port: a second server in this process (tests, embedding) would get the
    // first one's port for port 0, and share it instead of failing for a port in use. The port is
    // bound here first (and let go): EADDRINUSE comes from here, and port 0 becomes a number.
    this.port = await bindablePort(this.options.settings.host, this.options.settings.port);
    this.bodyDrop = BodyDrop.create(this.options.logger);
    chooseAcceptPolicy(this.options.acceptRoundRobin ?? false, this.options.logger);
    cluster.setupPrimary({
      exec: fileURLToPath(new URL('./serving-worker-main.js', import.meta.url)),
      serialization: 'advanced',
      args: [],
    });
    const started = new Promise<void>((resolve, reject) => (this.startWaiters = { resolve, reject }));
    for (let i = 0; i < this.options.processes; i++) this.fork();
    return started.then(
      () => this.boundAddress!,
      async (err: Error) => {
        await this.close();
        throw err;
      },
    );
  }

  get address(): net.AddressInfo | null {
    return this.stopping ? null : this.boundAddress;
  }

  /** Open connections, as the workers last reported (each second, and when asked: collectReports). */
  get connectionCount(): number {
    let open = 0;
    for (const handle of this.handles.values()) open += handle.open;
    return open;
  }

  get acceptedCount(): number {
    let accepted = this.acceptedBefore;
    for (const handle of this.handles.values()) accepted += handle.accepted;
    return accepted;
  }

  /**
   * Large JSON register bodies fetched from the workers that held them: those whose fingerprint
   * did not show them unchanged (the others never crossed to this process).
   */
  get registerBodiesFetched(): number {
    return this.bodiesFetched;
  }

  /** The directory workers leave fetched register bodies in (BodyDrop); null: they come through the channel. */
  get bodyDirectory(): string | null {
    return this.bodyDrop?.directory ?? null;
  }

  /** Of the bodies fetched, those read from that directory. */
  get registerBodiesFromDirectory(): number {
    return this.bodiesFromDirectory;
  }

  /** Large bodies workers wrote to that directory as they forwarded them (fetched or not). */
  get registerBodiesWrittenAhead(): number {
    return this.bodiesWrittenAhead;
  }

  /** Of the bodies fetched, those the worker was asked for (`send-body`): the others came with their request. */
  get registerBodiesAskedFor(): number {
    return this.bodiesAskedFor;
  }

  /** Requests workers forwarded here instead of answering them from a copy. */
  get forwardedCount(): number {
    return this.forwarded;
  }

  /** Announcements of stale copies sent to the workers so far. */
  get announcements(): number {
    return this.epoch;
  }

  /** Serving processes running. */
  get processCount(): number {
    return this.handles.size;
  }

  /** Open connections by serving process (its pid): which worker serves whom. */
  connectionsByProcess(): Map<number, number> {
    return new Map([...this.handles.values()].map((h) => [h.worker.process.pid ?? 0, h.open]));
  }

  traffic(): Traffic {
    return sumTraffic(this.closedTraffic, [...this.handles.values()].map((h) => h.traffic));
  }

  remoteAddressOf(id: number): string | undefined {
    return this.connections.remoteAddressOf(id);
  }

  closeConnection(id: number, reason: CloseReason): boolean {
    return this.connections.closeOne(id, reason);
  }

  /** Stops every worker (their connections close); resolves once all have exited. */
  close(): Promise<void> {
    this.directory?.stop();
    // Workers are gone once stopAll resolves: nothing is left to write into the directory.
    return this.stopAll().finally(() => {
      this.bodyDrop?.remove();
      this.bodyDrop = null;
    });
  }

  /**
   * Resolves once the workers have been sent every topic's shape staled so far (ShapeDirectory);
   * a `collectReports` after it resolves once they have taken them (the channels keep order).
   */
  shapesPublished(): Promise<void> {
    return this.directory?.idle() ?? Promise.resolve();
  }

  /** Workers stop accepting and forward everything; resolves once none holds a connection. */
  stopAccepting(): Promise<void> {
    this.draining = true;
    for (const handle of this.handles.values()) handle.send({ t: 'drain' });
    return this.whenIdle();
  }

  /**
   * Announces what the registry's changes since the last call made stale to every worker, when
   * that is anything a worker may hold. Returns the announcement number answers built now are valid at.
   */
  publishChanges(): number {
    const changes = this.options.changes.next();
    if (changes === undefined || this.handles.size === 0) return this.epoch;
    this.directory?.stale(changes.topics);
    const stale = this.handedOut.narrow(changes);
    // No worker holds anything the changes staled: answers built now are as current at this announcement.
    return stale === null ? this.epoch : this.announce(stale);
  }

  /**
   * Rows of a large registration arrived ahead of its apply: the topics workers were told have no
   * route and these rows now route are announced at once. A worker's next lookup of one then comes
   * here and is answered from the rows, not from that word until the apply reaches the topic.
   */
  rowsArrived(rows: ArrivedRows): void {
    if (this.handles.size === 0) return;
    const routed = this.handedOut.takeRouted(rows);
    if (routed.length > 0) this.announce({ topics: routed, everyAnswer: false });
  }

  /** Sends `stale` to every ready worker as a new announcement; returns its number. */
  private announce(stale: StaleCopies): number {
    const epoch = ++this.epoch;
    // Workers not ready yet start empty, at the announcement current when they start.
    const waiting = new Set([...this.handles.values()].filter((h) => h.ready));
    if (waiting.size === 0) return epoch;
    const acknowledged = new Promise<void>((resolve) => this.ackWaits.set(epoch, { waiting, resolve }));
    this.unacknowledged = acknowledged;
    void acknowledged.then(() => {
      if (this.unacknowledged === acknowledged) this.unacknowledged = null;
    });
    for (const handle of waiting) handle.send({ t: 'invalidate', epoch, ...stale });
    const watchdog = setTimeout(() => {
      for (const handle of this.ackWaits.get(epoch)?.waiting ?? []) {
        this.options.logger.error({ pid: handle.worker.process.pid, epoch }, 'serving worker did not acknowledge an announcement; killing it');
        handle.worker.kill('SIGKILL');
      }
    }, ACK_GRACE_MS);
    watchdog.unref();
    void acknowledged.then(() => clearTimeout(watchdog));
    return epoch;
  }

  /** Sends topics' shapes to every worker, as of the announcement current now (made current first). */
  private publishShapes(batch: ShapeBatch): void {
    const epoch = this.publishChanges();
    this.handedOut.noteAll(batch.topics);
    for (const handle of this.handles.values()) if (handle.ready) handle.send({ t: 'shapes', epoch, ...batch });
  }

  /**
   * Asks every worker for what it served since its last report; resolves once all have answered
   * (or exited), so that a scrape counts every lookup answered before it.
   */
  collectReports(): Promise<void> {
    const asked = [...this.handles.values()].filter((h) => h.ready && h.worker.isConnected());
    return Promise.all(asked.map((handle) => this.reportOf(handle))).then(() => undefined);
  }

  /**
   * One worker's report, or nothing after REPORT_WAIT_MS: a worker that is alive but stuck must
   * not hold every scrape. Scrapes waiting together share one request.
   */
  private reportOf(handle: WorkerHandle): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const at = handle.reportWaiters.indexOf(waiter);
        if (at >= 0) handle.reportWaiters.splice(at, 1);
        resolve();
      }, REPORT_WAIT_MS);
      timer.unref();
      if (handle.reportWaiters.push(waiter) === 1) handle.send({ t: 'report' });
    });
  }

  /** The primary's ACL file was read again: workers check lookups against the accounts now in force. */
  updateAcl(rules: string | null): void {
    this.aclRules = rules;
    for (const handle of this.handles.values()) if (handle.ready) handle.send({ t: 'acl', rules });
  }

  private workerSettings(handle: WorkerHandle): WorkerSettings {
    const { acl } = this.options.settings;
    return {
      ...this.options.settings,
      port: this.port,
      acl: acl && { ...acl, rules: this.aclRules },
      slot: handle.slot,
      epoch: this.epoch,
      bodyDrop: this.bodyDrop?.directory ?? null,
    };
  }

  private fork(): void {
    const slot = this.nextSlot++ % MAX_WORKER_SLOTS;
    const worker = cluster.fork();
    const handle = new WorkerHandle(worker, slot);
    this.handles.set(worker.id, handle);
    worker.on('message', (message: FromWorker) => {
      try {
        this.receive(handle, message);
      } catch (err) {
        this.options.logger.error({ err, message: message.t }, 'failed to handle a message from a serving worker');
      }
    });
    worker.on('exit', (code, signal) => this.exited(handle, code, signal));
    worker.on('error', (err) => this.options.logger.warn({ err, pid: worker.process.pid }, 'serving worker channel error'));
  }

  private receive(handle: WorkerHandle, message: FromWorker): void {
    switch (message.t) {
      case 'ready':
        handle.ready = true;
        if (this.stopping) return handle.send({ t: 'stop' });
        // Its cache is empty: it is current as of the last announcement.
        handle.send({ t: 'start', settings: this.workerSettings(handle) });
        // And it knows no topic's shape yet (the others are sent them again: a worker rarely starts).
        this.directory?.stale(null);
        if (this.draining) handle.send({ t: 'drain' });
        return;
      case 'listening':
        handle.listening = true;
        this.boundAddress ??= { address: message.address.address, family: message.address.family, port: message.address.port };
        if ([...this.handles.values()].every((h) => h.listening)) this.startWaiters?.resolve();
        return;
      case 'listen-failed': {
        const err = Object.assign(new Error(message.message), { code: message.code });
        this.startWaiters?.reject(err);
        return;
      }
      case 'open': {
        const connection = new ProxyConnection(message.connection, message.remoteAddress, message.secure, this.owner);
        this.connections.set(connection.id, connection);
        this.options.listener.onConnect?.(connection);
        return;
      }
      case 'closed':
        return this.connectionClosed(message.connection, message.reason);
      case 'request': {
        const request = reviveCommand(message.request);
        if (message.file) {
          this.bodiesWrittenAhead++;
          handle.droppedBodies.set(message.seq, message.file);
        }
        if (message.held) holdRegisterBody(request, { fingerprint: message.held, fetch: () => this.fetchBody(handle, message.seq) });
        return this.request(handle, message.seq, message.connection, request);
      }
      case 'body': {
        const waiter = handle.bodyWaiters.get(message.seq);
        handle.bodyWaiters.delete(message.seq);
        if ('file' in message) {
          if (!this.bodyDrop) return waiter?.reject(new Error('a register body left in a directory this process does not have'));
          if (!waiter) return this.bodyDrop.discard(message.file);
          let bytes: Buffer;
          try {
            bytes = this.takeDropped(this.bodyDrop, message.file);
          } catch (err) {
            return waiter.reject(err as Error);
          }
          return waiter.resolve(bytes);
        }
        if (!waiter) return;
        const body = message.body;
        if (body) waiter.resolve(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
        else waiter.reject(new Error('the serving process no longer holds the register body'));
        return;
      }
      case 'invalidated':
        for (const [epoch, wait] of this.ackWaits) if (epoch <= message.epoch) this.acknowledge(epoch, wait, handle);
        return;
      case 'served':
        handle.traffic = { bytesIn: message.delta.bytesIn, bytesOut: message.delta.bytesOut };
        handle.open = message.delta.open;
        handle.accepted = message.delta.accepted;
        this.options.onServed(message.delta);
        if (message.asked) for (const resolve of handle.reportWaiters.splice(0)) resolve();
        return;
      case 'idle':
        handle.idle = true;
        return this.checkIdle();
      case 'stopped':
        handle.worker.disconnect();
        return;
      case 'self-signed':
        return this.sendSelfSigned(handle);
      case 'log':
        return relayWorkerLog(this.options.logger, message.line);
    }
  }

  /**
   * The register body a worker held for its request `seq` (see HeldRegisterBody): from the directory
   * when it came there with the request, else asked for.
   */
  private fetchBody(handle: WorkerHandle, seq: number): Promise<Buffer> {
    this.bodiesFetched++;
    const dropped = handle.droppedBodies.get(seq);
    if (dropped !== undefined && this.bodyDrop) {
      handle.droppedBodies.delete(seq);
      try {
        return Promise.resolve(this.takeDropped(this.bodyDrop, dropped));
      } catch (err) {
        this.options.logger.warn({ err }, 'a register body left in the directory cannot be read; asking the serving process for it');
      }
    }
    this.bodiesAskedFor++;
    return new Promise((resolve, reject) => {
      handle.bodyWaiters.set(seq, { resolve, reject });
      handle.send({ t: 'send-body', seq });
    });
  }

  private request(handle: WorkerHandle, seq: number, connectionId: number, request: RemotingCommand): void {
    this.forwarded++;
    const connection = this.connections.get(connectionId) ?? closedConnection(connectionId, this.owner);
    let result: ReturnType<RequestHandler>;
    try {
      result = this.options.handler(request, connection);
    } catch (err) {
      return this.answerFailure(handle, seq, request, err);
    }
    if (result instanceof Promise) {
      result.then(
        (response) => this.answer(handle, seq, request, response),
        (err: unknown) => this.answerFailure(handle, seq, request, err),
      );
    } else {
      this.answer(handle, seq, request, result);
    }
  }

  /** A body a worker left in the directory, counted; throws when it cannot be read. */
  private takeDropped(drop: BodyDrop, name: string): Buffer {
    const bytes = drop.take(name);
    this.bodiesFromDirectory++;
    return bytes;
  }

  /** Sends an answer once every worker knows of the changes made before it (its own included). */
  private answer(handle: WorkerHandle, seq: number, request: RemotingCommand, response: RemotingCommand | null): void {
    const unread = handle.droppedBodies.get(seq);
    if (unread !== undefined) {
      // The registry did not need the body (its fingerprint showed it unchanged).
      handle.droppedBodies.delete(seq);
      this.bodyDrop?.discard(unread);
    }
    const cacheAt = this.publishChanges();
    const key = response ? this.options.cacheKey(request, response) : null;
    if (key && response!.code === ResponseCode.TOPIC_NOT_EXIST) this.handedOut.noteNoRoute(key.topic);
    else if (key) this.handedOut.note(key.topic);
    const message: ToWorker = key ? { t: 'response', seq, response, cacheAt, key } : { t: 'response', seq, response };
    if (this.unacknowledged) void this.unacknowledged.then(() => handle.send(message));
    else handle.send(message);
  }

  private answerFailure(handle: WorkerHandle, seq: number, request: RemotingCommand, err: unknown): void {
    this.options.logger.error({ err, code: request.code }, 'request handler failed');
    const remark = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.answer(handle, seq, request, createResponse(request, { code: ResponseCode.SYSTEM_ERROR, remark }, this.options.settings.serverVersion));
  }

  /** TLS test mode's certificate, made once (at the first worker's first TLS client) and given to every worker that asks. */
  private sendSelfSigned(handle: WorkerHandle): void {
    const made = (this.selfSigned ??= generateSelfSignedIdentity());
    made.then(
      (identity) => handle.send({ t: 'self-signed', identity }),
      (err: Error) => {
        if (this.selfSigned === made) this.selfSigned = null; // the next TLS client tries again
        handle.send({ t: 'self-signed', identity: null, error: err.message });
      },
    );
  }

  private connectionClosed(id: number, reason: CloseReason): void {
    const connection = this.connections.get(id);
    if (!connection) return;
    connection.isOpen = false;
    this.connections.delete(id);
    this.options.listener.onClose?.(connection, reason);
  }

  private acknowledge(epoch: number, wait: AckWait, handle: WorkerHandle): void {
    wait.waiting.delete(handle);
    if (wait.waiting.size > 0) return;
    this.ackWaits.delete(epoch);
    wait.resolve();
  }

  private exited(handle: WorkerHandle, code: number | null, signal: string | null): void {
    this.handles.delete(handle.worker.id);
    for (const resolve of handle.reportWaiters.splice(0)) resolve();
    for (const waiter of handle.bodyWaiters.values()) waiter.reject(new Error('the serving process holding the register body exited'));
    handle.bodyWaiters.clear();
    for (const name of handle.droppedBodies.values()) this.bodyDrop?.discard(name);
    handle.droppedBodies.clear();
    this.closedTraffic.bytesIn += handle.traffic.bytesIn;
    this.closedTraffic.bytesOut += handle.traffic.bytesOut;
    this.acceptedBefore += handle.accepted;
    for (const [epoch, wait] of this.ackWaits) this.acknowledge(epoch, wait, handle);
    for (const id of [...this.connections.keys()]) if (id % MAX_WORKER_SLOTS === handle.slot) this.connectionClosed(id, 'error');
    if (!handle.listening) this.startWaiters?.reject(new Error(`serving worker exited before listening (code ${code}, signal ${signal})`));
    if (this.stopping) return this.checkIdle();
    // One that never got to listen is not replaced: a start that fails would fail again, in a loop.
    const replace = this.boundAddress !== null && handle.listening;
    this.options.logger.error({ pid: handle.worker.process.pid, code, signal, replaced: replace }, 'serving worker exited');
    if (replace) this.fork();
    this.checkIdle();
  }

  private handleOf(connection: number): WorkerHandle | undefined {
    const slot = connection % MAX_WORKER_SLOTS;
    for (const handle of this.handles.values()) if (handle.slot === slot) return handle;
    return undefined;
  }

  private whenIdle(): Promise<void> {
    if (this.isIdle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private get isIdle(): boolean {
    if (this.stopping) return this.handles.size === 0;
    return this.draining && [...this.handles.values()].every((h) => h.idle);
  }

  private checkIdle(): void {
    if (this.isIdle) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private stopAll(): Promise<void> {
    this.stopping = true;
    this.startWaiters = null;
    const stopped = this.whenIdle();
    for (const handle of this.handles.values()) {
      handle.send({ t: 'stop' });
      setTimeout(() => handle.worker.isDead() || handle.worker.kill('SIGKILL'), STOP_GRACE_MS).unref();
    }
    return stopped;
  }
}

/** `port` if it can be bound on `host` now (for 0, a port the kernel chose); rejects as listen does. */
function bindablePort(host: string | undefined, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen({ port, host, exclusive: true }, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function closedConnection(id: number, owner: ConnectionOwner): ProxyConnection {
  const connection = new ProxyConnection(id, '', false, owner);
  connection.isOpen = false;
  return connection;
}

/**
 * node:cluster fixes its scheduling policy at the first setupPrimary of a process, for every
 * cluster the process starts after. By default each worker accepts from the listening socket it
 * shares: the primary's round robin moves every accepted socket over IPC (~250 µs of its CPU per
 * connection, on one core whatever the number of workers), which bounded connection churn below a
 * single process's.
 */
function chooseAcceptPolicy(roundRobin: boolean, logger: Logger): void {
  const wanted = roundRobin ? cluster.SCHED_RR : cluster.SCHED_NONE;
  if (acceptPolicyFixed === null) {
    cluster.schedulingPolicy = wanted;
    acceptPolicyFixed = wanted;
  } else if (acceptPolicyFixed !== wanted) {
    logger.warn({ servingAcceptRoundRobin: roundRobin }, 'servingAcceptRoundRobin is fixed by the first serving cluster of this process: kept as it was');
  }
}

let acceptPolicyFixed: number | null = null;
