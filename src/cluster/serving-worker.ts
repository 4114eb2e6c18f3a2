import { performance } from 'node:perf_hooks';
import { BucketCounts, LATENCY_BUCKETS } from '../metrics/bucket-counts.js';
import { mayHoldRegisterBody } from '../namesrv/processors/held-register-body.js';
import { dropBody } from './body-drop.js';
import { registerBodyFingerprint, type RegisterBodyFingerprint } from '../namesrv/processors/register-body-fingerprint.js';
import { routeAnswerKey, topicNotExistRemark } from '../namesrv/processors/route-processors.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { parseTrustedProxies } from '../remoting/proxy-protocol/index.js';
import { createResponse, type RemotingCommand } from '../remoting/remoting-command.js';
import { RemotingServer, type Connection } from '../remoting/remoting-server.js';
import { createServerTls, type ServerTls } from '../remoting/tls/index.js';
import type { IdentityPems } from '../remoting/tls/tls-material.js';
import type { Logger } from '../util/logger.js';
import { AnswerCopies } from './answer-copies.js';
import { Outbox } from './outbox.js';
import { TopicShapes } from './topic-shapes.js';
import type { WorkerAccess } from './worker-access.js';
import { MAX_WORKER_SLOTS, reviveCommand, type FromWorker, type RouteAnswerKey, type ServedDelta, type ToWorker, type WorkerSettings } from './messages.js';

/** Cached answer bytes one worker keeps before it starts afresh. */
const CACHE_BUDGET_BYTES = 64 * 1024 * 1024;
/**
 * The budget for topics known to have no route, apart from the routes': a client asking for
 * names at random fills this one, never the routes'.
 */
const MISSING_BUDGET_BYTES = 4 * 1024 * 1024;
/** The budget for topics' route shapes (their keys): a few hundred thousand topics fit. */
const SHAPES_BUDGET_BYTES = 64 * 1024 * 1024;
/** What a topic known to have no route is kept as: only its key counts. */
const NO_ROUTE = Buffer.alloc(0);
/** How often served-from-cache counts go to the primary's metrics. */
const REPORT_INTERVAL_MS = 1000;
/** Topics dropped per turn when an announcement names more (~1.4 ms of work; a 20,000-topic broker's change took 6–8 ms in one turn). */
const INVALIDATE_CHUNK = 4096;

type Invalidation = Extract<ToWorker, { t: 'invalidate' }>;

type Send = (message: FromWorker) => void;

interface Pending {
  resolve(response: RemotingCommand | null | Promise<RemotingCommand | null>): void;
  reject(err: Error): void;
  /** For a forwarded route lookup: its answer key, under which later lookups wait for it. */
  coalesced?: string;
}

/** A forwarded lookup's answer the worker kept: a route's body, or (null) the word that the topic has none. */
interface KeptAnswer {
  topic: string;
  body: Buffer | null;
}

/** A route lookup waiting for the answer to the same lookup already forwarded. */
interface Waiter {
  request: RemotingCommand;
  connection: Connection;
  started: number;
  resolve(response: RemotingCommand | null | Promise<RemotingCommand | null>): void;
}

/**
 * One serving process: runs the remoting port's front door (PROXY, TLS, frames, limits), answers
 * route lookups from its copy of the primary's encoded answers, and forwards everything else to
 * the primary. It holds no registry: a cached answer is exactly the bytes the primary's handler
 * produced, kept until the primary says it is stale.
 */
export class ServingWorker {
  private server: RemotingServer | null = null;
  private tls: ServerTls | null = null;
  private access: WorkerAccess | null = null;
  private readonly connections = new Map<number, Connection>();
  /** Connections the primary knows of (local ids): those that forwarded a request. */
  private readonly reported = new Set<number>();
  private accepted = 0;
  /** Copies by variant (flavour and zone), then topic. */
  private readonly answers = new AnswerCopies(CACHE_BUDGET_BYTES);
  /** Topics the primary said have no route (TOPIC_NOT_EXIST), by variant, until they change. */
  private readonly missing = new AnswerCopies(MISSING_BUDGET_BYTES);
  /**
   * Topics' route shapes, until the topic changes, and the answers of shapes (as topic the shape's
   * id) by variant, until every answer is staled: a shape's answer depends on the routed brokers
   * and the switches only. A topic of a known shape whose answer is here is answered with it.
   */
  private readonly shapes = new TopicShapes(SHAPES_BUDGET_BYTES);
  private readonly shapeAnswers = new AnswerCopies(CACHE_BUDGET_BYTES);
  /** The last invalidation applied: a forwarded answer built before it is not kept. */
  private epoch = 0;
  private draining = false;
  private slot = 0;
  private nextSeq = 1;
  private readonly pending = new Map<number, Pending>();
  /** Large JSON register bodies of forwarded requests not answered yet, by request: the primary fetches one only to decode it. */
  private readonly heldBodies = new Map<number, Buffer>();
  /** The primary's directory for held bodies it fetches (BodyDrop). */
  private bodyDrop: string | null = null;
  /** The fingerprint of the last large body forwarded from each connection. */
  private readonly lastHeld = new WeakMap<Connection, string>();
  private readonly selfSignedWaiters: Array<{ resolve(identity: IdentityPems): void; reject(err: Error): void }> = [];
  /** Route lookups forwarded and not answered yet, by answer key: others for the same key wait instead of forwarding too. */
  private readonly inFlight = new Map<string, Waiter[]>();
  private serverVersion = 0;
  private served = new BucketCounts(LATENCY_BUCKETS);
  private notFound = new BucketCounts(LATENCY_BUCKETS);
  private tlsHandshakes = { success: 0, failure: 0 };
  private reportTimer: NodeJS.Timeout | null = null;
  /** Settles once the worker listens (or failed to). */
  private starting: Promise<void> = Promise.resolve();

  /** What goes to the primary, in order (a request whose body is being written holds back what follows). */
  private readonly outbox: Outbox<FromWorker>;

  constructor(
    send: Send,
    private readonly logger: Logger,
  ) {
    this.outbox = new Outbox(send, (err, message) => {
      this.logger.error({ err, message: message.t }, 'a message to the primary could not be sent');
      if (message.t !== 'request') return;
      this.heldBodies.delete(message.seq);
      this.pending.get(message.seq)?.reject(err as Error);
      this.pending.delete(message.seq);
    });
  }

  private send(message: FromWorker): void {
    this.outbox.send(message);
  }

  /** Messages that came while an announcement is applied over several turns: applied in order once it is. */
  private waiting: ToWorker[] | null = null;

  /** Handles one message from the primary; nothing it throws may escape (it runs in an IPC listener). */
  receive(message: ToWorker): void {
    if (this.waiting) {
      this.waiting.push(message);
      return;
    }
    try {
      this.apply(message);
    } catch (err) {
      this.logger.error({ err, message: message.t }, 'serving worker failed to apply a message from the primary');
    }
  }

  private apply(message: ToWorker): void {
    switch (message.t) {
      case 'start':
        this.starting = this.start(message.settings);
        return;
      case 'response':
        return this.answered(message);
      case 'invalidate':
        if (message.topics && message.topics.length > INVALIDATE_CHUNK) return this.invalidateInTurns(message, 0);
        this.invalidate(message.topics, message.everyAnswer);
        return this.acknowledge(message.epoch);
      case 'shapes':
        return this.learnShapes(message);
      case 'send':
        this.connections.get(this.localId(message.connection))?.send(reviveCommand(message.command));
        return;
      case 'close-connection':
        this.connections.get(this.localId(message.connection))?.close(message.reason);
        return;
      case 'acl':
        this.access?.update(message.rules);
        return;
      case 'drain':
        this.draining = true;
        this.invalidate(null, true);
        void this.starting.then(() => this.server?.stopAccepting()).then(() => this.send({ t: 'idle' }));
        return;
      case 'report':
        this.report(true);
        return;
      case 'send-body':
        return this.sendBody(message.seq);
      case 'self-signed':
        return this.tookSelfSigned(message);
      case 'stop':
        void this.stop();
        return;
    }
  }

  private async start(settings: WorkerSettings): Promise<void> {
    this.slot = settings.slot;
    this.epoch = settings.epoch;
    this.bodyDrop = settings.bodyDrop;
    this.serverVersion = settings.serverVersion;
    try {
      // Loaded only with aclEnable: most servers have no ACL file to parse.
      if (settings.acl) this.access = new (await import('./worker-access.js')).WorkerAccess(settings.acl.switches, settings.acl.rules);
      this.tls = await createServerTls({
        properties: settings.tlsProperties,
        env: settings.tlsEnv,
        logger: this.logger,
        onHandshake: (ok) => (ok ? this.tlsHandshakes.success++ : this.tlsHandshakes.failure++),
        selfSigned: () => this.askSelfSigned(),
      });
      this.server = new RemotingServer({
        port: settings.port,
        host: settings.host,
        backlog: settings.backlog,
        idleTimeoutMs: settings.idleTimeoutMs,
        maxFrameLength: settings.maxFrameLength,
        maxBufferedBytes: settings.maxBufferedBytes,
        maxAwaitingBytes: settings.maxAwaitingBytes,
        stageTimeoutMs: settings.stageTimeoutMs,
        serverVersion: settings.serverVersion,
        logger: this.logger,
        handler: (request, connection) => this.handle(request, connection),
        listener: {
          // Connections are told to the primary only when they first need it (a forwarded
          // request): a connection that opens, looks a route up from a copy and closes costs the
          // primary nothing.
          onConnect: (connection) => {
            this.accepted++;
            this.connections.set(connection.id, connection);
          },
          onClose: (connection, reason) => {
            this.connections.delete(connection.id);
            if (this.reported.delete(connection.id)) this.send({ t: 'closed', connection: this.globalId(connection.id), reason });
          },
        },
        tls: this.tls,
        proxyProtocol: { trusted: parseTrustedProxies(settings.trustedProxies) },
      });
      const address = await this.server.listen();
      this.send({ t: 'listening', address: { address: address.address, family: address.family, port: address.port } });
      this.reportTimer = setInterval(() => this.report(), REPORT_INTERVAL_MS);
      this.reportTimer.unref();
    } catch (err) {
      const error = err as NodeJS.ErrnoException;
      this.send({ t: 'listen-failed', code: error.code, message: error.message });
    }
  }

  private handle(request: RemotingCommand, connection: Connection): RemotingCommand | Promise<RemotingCommand | null> {
    if (request.code !== RequestCode.GET_ROUTEINFO_BY_TOPIC || this.draining) return this.forward(request, connection);
    // A lookup the ACL refuses is the primary's to answer (and log, and count).
    if (this.access && !this.access.allows(request, connection)) return this.forward(request, connection);
    const started = performance.now();
    const key = routeAnswerKey(request);
    if (!key) return this.forward(request, connection);
    const body = this.answers.get(key) ?? this.shapeAnswer(key);
    if (body) return this.answerFromCopy(request, body, started);
    if (this.missing.get(key)) return this.answerNoRoute(request, key.topic, started);
    const coalesced = `${key.variant}\u0000${key.topic}`;
    const waiters = this.inFlight.get(coalesced);
    if (waiters) return new Promise((resolve) => waiters.push({ request, connection, started, resolve }));
    this.inFlight.set(coalesced, []);
    return this.forward(request, connection, coalesced);
  }

  private shapeAnswer({ topic, variant }: RouteAnswerKey): Buffer | undefined {
    const shape = this.shapes.get(topic);
    return shape === undefined ? undefined : this.shapeAnswers.get({ topic: String(shape), variant });
  }

  /**
   * Shapes the primary computed as of announcement `epoch`, taken only at that announcement. The
   * primary announces before it sends a batch and the channel keeps order, so a batch always comes
   * at its own; the check keeps one from ever standing for a later state it was not computed from.
   */
  private learnShapes({ epoch, topics, shapes }: Extract<ToWorker, { t: 'shapes' }>): void {
    if (epoch !== this.epoch || this.draining) return;
    for (let i = 0; i < topics.length; i++) if (!this.shapes.set(topics[i]!, shapes[i]!)) return;
  }

  private answerFromCopy(request: RemotingCommand, body: Buffer, started: number): RemotingCommand {
    const response = createResponse(request, { code: ResponseCode.SUCCESS, body }, this.serverVersion);
    this.served.observe((performance.now() - started) / 1000);
    return response;
  }

  private answerNoRoute(request: RemotingCommand, topic: string, started: number): RemotingCommand {
    const response = createResponse(request, { code: ResponseCode.TOPIC_NOT_EXIST, remark: topicNotExistRemark(topic) }, this.serverVersion);
    this.notFound.observe((performance.now() - started) / 1000);
    return response;
  }

  private forward(request: RemotingCommand, connection: Connection, coalesced?: string): Promise<RemotingCommand | null> {
    if (!this.reported.has(connection.id)) {
      this.reported.add(connection.id);
      this.send({ t: 'open', connection: this.globalId(connection.id), remoteAddress: connection.remoteAddress, secure: connection.secure });
    }
    const seq = this.nextSeq++;
    // The primary drops the broker with its record of the body applied: the next body from this
    // connection is decoded whatever its fingerprint, so it is written out ahead (writesAhead).
    if (request.code === RequestCode.UNREGISTER_BROKER) this.lastHeld.delete(connection);
    const held = mayHoldRegisterBody(request) ? registerBodyFingerprint(request.body!, { legacy: false }) : undefined;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject, coalesced });
      const connectionId = this.globalId(connection.id);
      if (!held) return this.send({ t: 'request', seq, connection: connectionId, request });
      this.heldBodies.set(seq, request.body!);
      const message: Extract<FromWorker, { t: 'request' }> = { t: 'request', seq, connection: connectionId, request: { ...request, body: null }, held };
      if (!this.writesAhead(request, connection, held)) return this.send(message);
      const sendWhenWritten = this.outbox.reserve();
      dropBody(this.bodyDrop!, process.pid, seq, request.body!, (file) => sendWhenWritten(file ? { ...message, file } : message));
    });
  }

  /**
   * A body whose fingerprint differs from the last one forwarded from its connection is one the
   * primary will likely decode: it is written to the primary's directory and the request follows
   * once it is there, sparing the primary the round trip of asking for it (a turn of this busy
   * loop). The others stay here until asked for, and so does one the primary's ACL will refuse (an
   * unsigned registration with `aclBrokerRequests`): nothing is written for it, and it does not
   * count as forwarded (the primary keeps nothing of it, so the same body let through later, after
   * an ACL change, is new to the primary).
   */
  private writesAhead(request: RemotingCommand, connection: Connection, held: RegisterBodyFingerprint): boolean {
    if (this.access && !this.access.allows(request, connection)) return false;
    const changed = this.lastHeld.get(connection) !== held.fingerprint;
    this.lastHeld.set(connection, held.fingerprint);
    return changed && this.bodyDrop !== null;
  }

  /** TLS test mode's certificate, from the primary: every serving process presents the same one. */
  private askSelfSigned(): Promise<IdentityPems> {
    return new Promise((resolve, reject) => {
      this.selfSignedWaiters.push({ resolve, reject });
      if (this.selfSignedWaiters.length === 1) this.send({ t: 'self-signed' });
    });
  }

  private tookSelfSigned({ identity, error }: Extract<ToWorker, { t: 'self-signed' }>): void {
    for (const waiter of this.selfSignedWaiters.splice(0)) {
      if (identity) waiter.resolve(identity);
      else waiter.reject(new Error(error ?? 'the primary made no self-signed certificate'));
    }
  }

  /** A held register body to the primary: left in its directory when it has one, else through the channel. */
  private sendBody(seq: number): void {
    const body = this.heldBodies.get(seq) ?? null;
    if (!body || !this.bodyDrop) return this.send({ t: 'body', seq, body });
    const sendWhenWritten = this.outbox.reserve();
    dropBody(this.bodyDrop, process.pid, seq, body, (file) => sendWhenWritten(file ? { t: 'body', seq, file } : { t: 'body', seq, body }));
  }

  /**
   * The lookups that waited for a forwarded one: answered from its body when it is a copy the
   * worker may keep (nothing changed since it was built), else each forwarded in turn.
   */
  private releaseWaiters(coalesced: string, kept: KeptAnswer | null): void {
    const waiters = this.inFlight.get(coalesced) ?? [];
    this.inFlight.delete(coalesced);
    for (const { request, connection, started, resolve } of waiters) {
      if (kept === null) resolve(this.forward(request, connection));
      else if (kept.body) resolve(this.answerFromCopy(request, kept.body, started));
      else resolve(this.answerNoRoute(request, kept.topic, started));
    }
  }

  private answered(message: Extract<ToWorker, { t: 'response' }>): void {
    this.heldBodies.delete(message.seq);
    const pending = this.pending.get(message.seq);
    if (!pending) return;
    this.pending.delete(message.seq);
    if (message.error !== undefined) {
      if (pending.coalesced) this.releaseWaiters(pending.coalesced, null);
      return pending.reject(new Error(message.error));
    }
    const response = message.response && reviveCommand(message.response);
    const kept = this.keep(message, response);
    if (pending.coalesced) this.releaseWaiters(pending.coalesced, kept);
    pending.resolve(response);
  }

  /** Keeps a forwarded lookup's answer the primary offered, unless an invalidation came after the primary built it (the channel keeps order). */
  private keep(message: Extract<ToWorker, { t: 'response' }>, response: RemotingCommand | null): KeptAnswer | null {
    const key = message.key;
    if (!key || !response || message.cacheAt !== this.epoch || this.draining) return null;
    if (response.code === ResponseCode.SUCCESS && response.body) {
      const { shape } = key;
      const byShape = shape !== undefined && this.shapes.set(key.topic, shape);
      if (byShape) this.shapeAnswers.keep({ topic: String(shape), variant: key.variant }, response.body);
      else this.answers.keep(key, response.body);
      return { topic: key.topic, body: response.body };
    }
    if (response.code !== ResponseCode.TOPIC_NOT_EXIST) return null;
    this.missing.keep(key, NO_ROUTE);
    return { topic: key.topic, body: null };
  }

  /**
   * Drops what the registry's changes staled: the copies and shapes of `topics` (null: of every
   * topic), and with `everyAnswer` every answer; a shape's answer depends on nothing else, so the
   * topics not named keep their shapes, and are answered again once their shape's answer is.
   */
  private invalidate(topics: string[] | null, everyAnswer: boolean): void {
    if (everyAnswer || topics === null) {
      this.answers.clear();
      this.missing.clear();
      this.shapeAnswers.clear();
    }
    if (topics === null) {
      this.shapes.clear();
    } else {
      if (!everyAnswer) {
        this.answers.drop(topics);
        this.missing.drop(topics);
      }
      this.shapes.drop(topics);
    }
  }

  private acknowledge(epoch: number): void {
    this.epoch = epoch;
    this.send({ t: 'invalidated', epoch });
  }

  /**
   * Drops what an announcement of many topics staled, a chunk a turn, lookups answered in between
   * from the copies not dropped yet. That keeps the freshness rule: the primary holds the answer
   * to the request that made the change until this process acknowledges it, which it does after
   * the last chunk; until then, a lookup here may be answered as before the change. Messages that
   * come meanwhile (answers to forwarded requests among them, which could bring copies to keep)
   * wait, and are applied in order after the acknowledgement.
   */
  private invalidateInTurns(message: Invalidation, from: number): void {
    this.waiting ??= [];
    const topics = message.topics!;
    const to = Math.min(from + INVALIDATE_CHUNK, topics.length);
    try {
      this.invalidate(topics.slice(from, to), from === 0 && message.everyAnswer);
    } catch (err) {
      this.logger.error({ err }, 'serving worker failed to drop stale copies');
    }
    if (to < topics.length) {
      setImmediate(() => this.invalidateInTurns(message, to));
      return;
    }
    this.acknowledge(message.epoch);
    const waiting = this.waiting;
    this.waiting = null;
    for (let i = 0; i < waiting.length; i++) {
      // A later announcement of many topics holds the rest again.
      if (this.waiting) {
        (this.waiting as ToWorker[]).push(...waiting.slice(i));
        return;
      }
      this.receive(waiting[i]!);
    }
  }

  private report(asked = false): void {
    const traffic = this.server?.traffic() ?? { bytesIn: 0, bytesOut: 0 };
    const { served, notFound } = this;
    const delta: ServedDelta = {
      open: this.connections.size,
      accepted: this.accepted,
      count: served.count,
      sum: served.sum,
      buckets: served.counts,
      notFound: { count: notFound.count, sum: notFound.sum, buckets: notFound.counts },
      ...traffic,
      tlsHandshakes: this.tlsHandshakes,
    };
    this.served = new BucketCounts(LATENCY_BUCKETS);
    this.notFound = new BucketCounts(LATENCY_BUCKETS);
    this.tlsHandshakes = { success: 0, failure: 0 };
    this.send({ t: 'served', delta, asked });
  }

  private async stop(): Promise<void> {
    if (this.reportTimer) clearInterval(this.reportTimer);
    await Promise.all([this.server?.close(), this.tls?.close()]);
    this.report();
    for (const pending of this.pending.values()) pending.reject(new Error('name server shutting down'));
    this.pending.clear();
    for (const waiters of this.inFlight.values()) for (const waiter of waiters) waiter.resolve(null);
    this.inFlight.clear();
    this.send({ t: 'stopped' });
  }

  private globalId(localId: number): number {
    return localId * MAX_WORKER_SLOTS + this.slot;
  }

  private localId(globalId: number): number {
    return (globalId - this.slot) / MAX_WORKER_SLOTS;
  }
}

