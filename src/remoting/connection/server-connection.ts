import type net from 'node:net';
import type tls from 'node:tls';
import { debugEnabled } from '../../util/debug-enabled.js';
import type { Logger } from '../../util/logger.js';
import { decodeCommand, encodeCommandParts } from '../command-codec.js';
import { FrameError } from '../errors.js';
import { FrameDecoder } from '../frame-decoder.js';
import { sharedGatherPool } from '../gather-buffer-pool.js';
import { createResponse, isOneway, isResponse, type RemotingCommand } from '../remoting-command.js';
import type { ServerTls } from '../tls/server-tls.js';
import type { AwaitingBytes } from './awaiting-bytes.js';
import type { ByteBudget } from './byte-budget.js';
import { ChunkQueue } from './chunk-queue.js';
import { readDirect, sharedReadBuffer } from './direct-read.js';
import type { CloseReason } from './close-reason.js';
import { failure, isFailure, unexpected, type Failure } from './failure.js';
import type { ConnectionLimits } from './limits.js';
import { readProxyHeader, type ProxyProtocolOptions } from './proxy-stage.js';

export interface Connection {
  readonly id: number;
  /** `host:port` of the peer, or of the client a trusted proxy speaks for. */
  readonly remoteAddress: string;
  /** The connection is TLS. */
  readonly secure: boolean;
  /** False once the connection has closed. */
  readonly isOpen: boolean;
  send(cmd: RemotingCommand): void;
  /** Closes the connection; `reason` is what close listeners are told. */
  close(reason: CloseReason): void;
}

export type RequestHandler = (
  request: RemotingCommand,
  connection: Connection,
) => RemotingCommand | null | Promise<RemotingCommand | null>;

/** What every connection of a server shares: settings, the byte budget, and the server's bookkeeping. */
export interface ConnectionHost {
  readonly handler: RequestHandler;
  readonly logger: Logger;
  readonly serverVersion: number;
  readonly limits: ConnectionLimits;
  readonly budget: ByteBudget;
  readonly awaiting: AwaitingBytes;
  readonly proxyProtocol: ProxyProtocolOptions | null;
  readonly tls: ServerTls | null;
  /** The connection reached its frames: it gets its id and is announced. */
  opened(connection: ServerConnection): void;
  /** The connection is gone, whatever stage it was in. */
  closed(connection: ServerConnection): void;
}

/**
 * The stages a connection goes through, in order; any may be skipped (no PROXY detection, no TLS).
 * - proxy: a PROXY protocol header, if the first bytes start one;
 * - tls: the first byte after it tells a TLS ClientHello (0x16) from plain remoting;
 * - handshake: the TLS layer has the socket; its decrypted bytes come back into `frames`;
 * - frames: length-prefixed commands, answered by the handler.
 */
type Stage = 'proxy' | 'tls' | 'handshake' | 'frames' | 'closed';

const TLS_HANDSHAKE_RECORD = 0x16;
const SYSTEM_ERROR = 1;

/** The stage loop waits for more bytes. */
const MORE = 'more';
/** The stage changed; the loop goes on with the bytes there are. */
const NEXT = 'next';
type Step = typeof MORE | typeof NEXT | Failure;

/**
 * One accepted connection, from its first byte to its close: a state machine fed by the socket's
 * chunks. Bytes are held in one queue across stages; each stage runs only once it has the bytes it
 * needs, and returns failures as values to `fail`, which logs one line and closes the connection.
 * Nothing a peer sends can throw out of a socket listener.
 *
 * One timer bounds the unfinished parts: the preamble (PROXY header, TLS split and handshake) and
 * any frame started; it is armed when such a part begins, not per chunk. What every connection
 * costs is kept small, since short-lived clients pay it for each request: no timer of its own for
 * a preamble that its first chunk completes (see `boundPreamble`), no peer address read unless
 * asked for.
 */
export class ServerConnection implements Connection {
  id = 0;
  closeReason: CloseReason = 'closed';
  private stage: Stage;
  /** Where the connection's bytes come from and answers go: the accepted socket, or the TLS socket over it. */
  private transport: net.Socket;
  private readonly queue = new ChunkQueue();
  private readonly frames: FrameDecoder;
  /** Bytes taken from the server's budget: what the queue holds. */
  private held = 0;
  /** Whether a part of the stream (preamble or frame) is started and not finished. */
  private unfinished = false;
  /** Parts of the stream finished so far (stages left, frames read): tells when a new part started. */
  private partsDone = 0;
  private stageTimer: NodeJS.Timeout | null = null;
  private announcedClosed = false;
  /** `host:port` of the peer (or of the client a trusted proxy speaks for), once read. */
  private peer: string | null = null;
  /** The idle timer runs on the transport. */
  private idleWatched = false;
  /** Bytes of frames read in full whose handlers have not answered yet. */
  private awaitingBytes = 0;
  /** Reads are paused until the connection's requests and answers in the server shrink (`throttleIfBacklogged`). */
  private readsPaused = false;
  /** A 'drain' listener is set to resume reads once the answers are sent. */
  private drainAwaited = false;

  constructor(
    private readonly raw: net.Socket,
    private readonly host: ConnectionHost,
  ) {
    this.transport = raw;
    // Debug lines name the peer of a connection that errs or closes, when its socket may be gone:
    // read it while it is there.
    if (debugEnabled(host.logger)) this.peer = peerAddress(raw);
    this.frames = new FrameDecoder(host.limits.maxFrameLength, sharedGatherPool, this.queue);
    this.stage = host.proxyProtocol ? 'proxy' : host.tls ? 'tls' : 'frames';
    listen(raw, this);
    if (this.stage === 'frames') this.enter('frames');
    else this.boundPreamble();
  }

  /** `host:port` of the peer, or of the client a trusted proxy speaks for; read from the socket when first asked. */
  get remoteAddress(): string {
    return (this.peer ??= peerAddress(this.raw));
  }

  /**
   * The preamble must be over within the stage timeout. Most connections finish it with their
   * first chunk, so its timer starts only once a chunk leaves it unfinished (`onData`). A peer that
   * sends nothing at all is closed by the idle timeout, armed now, when that is no later than the
   * stage timeout (by default both are 120 s); otherwise the stage timer starts now.
   */
  private boundPreamble(): void {
    const { idleTimeoutMs, stageTimeoutMs } = this.host.limits;
    if (idleTimeoutMs > 0) this.watchIdle();
    if (idleTimeoutMs === 0 || idleTimeoutMs > stageTimeoutMs) this.startUnfinished(false);
  }

  get isOpen(): boolean {
    return this.stage !== 'closed';
  }

  get secure(): boolean {
    return this.transport !== this.raw;
  }

  get inHandshake(): boolean {
    return this.stage === 'handshake';
  }

  /** Whether the connection has reached its frames (it is then counted and announced). */
  get isEstablished(): boolean {
    return this.id !== 0;
  }

  get bytesRead(): number {
    return this.transport.bytesRead;
  }

  get bytesWritten(): number {
    return this.transport.bytesWritten;
  }

  send(cmd: RemotingCommand): void {
    const socket = this.transport;
    if (this.stage !== 'frames' || !socket.writable) return;
    for (const part of encodeCommandParts(cmd)) socket.write(part);
  }

  close(reason: CloseReason): void {
    if (this.stage === 'closed') return;
    this.closeReason = reason;
    this.shutDown();
    this.transport.destroy();
    if (this.transport !== this.raw) this.raw.destroy();
  }

  /** The idle timer and a socket error end up here. */
  onSocketEvent(event: 'timeout' | 'error', err?: Error): void {
    if (event === 'timeout') {
      this.host.logger.info({ remote: this.remoteAddress, idleMs: this.host.limits.idleTimeoutMs }, 'closing idle connection');
      this.close('idle');
    } else {
      this.host.logger.debug({ err, remote: this.remoteAddress }, 'connection error');
      this.close('error');
    }
  }

  /**
   * The peer ended its side of `socket`. Like Java's server, which closes a channel whose input
   * ends, the connection is closed: at once when every answer is with the kernel (which still
   * delivers them before its FIN), else once they are. This spares every short-lived client's
   * connection the half-close: a `shutdown` call, and the stream's finishing steps before the close.
   */
  onPeerEnd(socket: net.Socket): void {
    if (socket !== this.transport || this.stage === 'closed') return;
    if (socket.writableLength === 0) this.close('closed');
    else socket.end();
  }

  /** A socket of the connection closed: the server is told once, after the socket is gone (as listeners expect). */
  onClosed(): void {
    if (this.stage !== 'closed') this.shutDown();
    if (this.announcedClosed) return;
    this.announcedClosed = true;
    this.host.closed(this);
  }

  private shutDown(): void {
    this.stage = 'closed';
    this.host.awaiting.forget(this);
    if (this.stageTimer) {
      clearTimeout(this.stageTimer);
      this.stageTimer = null;
    }
    this.queue.takeAll();
    this.account();
  }

  /** `shared`: the chunk is a view of the shared read buffer, which the next read of any connection reuses. */
  onData(chunk: Buffer, shared = false): void {
    if (this.stage === 'closed') return;
    this.queue.append(chunk);
    const partsBefore = this.partsDone;
    const socket = this.transport;
    // Answers to pipelined requests in one chunk leave in one write.
    socket.cork();
    let outcome: Failure | null;
    try {
      outcome = this.run();
    } catch (err) {
      outcome = unexpected(err, this.stage);
    } finally {
      socket.uncork();
    }
    if (shared && this.queue.length > 0) this.queue.copyOut(SHARED_READ);
    if (outcome === null && !this.account()) {
      outcome = failure('the server holds as many bytes of unfinished requests as it may (inputBufferMaxBytes), closing connection', {
        held: this.host.budget.held,
        limit: this.host.budget.limit,
      });
    }
    if (outcome !== null) {
      this.fail(outcome);
      return;
    }
    if (this.stage !== 'frames') {
      // A preamble left unfinished.
      if (this.isOpen) this.startUnfinished(false);
      return;
    }
    // A frame left unfinished must be finished in time; counted from its start, so from now when
    // an earlier part ended in this chunk.
    if (this.queue.length > 0) this.startUnfinished(this.partsDone !== partsBefore);
    else this.unfinished = false;
    this.throttleIfBacklogged();
  }

  onStageTimeout(): void {
    if (!this.unfinished || this.stage === 'closed') return;
    const what = this.stage === 'frames' ? 'a frame it started' : 'its preamble';
    this.fail(failure(`peer did not finish ${what} in time, closing connection`, { stage: this.stage, timeoutMs: this.host.limits.stageTimeoutMs }, 'idle', 'info'));
  }

  /** Runs the stages over the bytes held until one needs more or fails. */
  private run(): Failure | null {
    for (;;) {
      let step: Step;
      switch (this.stage) {
        case 'proxy':
          step = this.readProxy();
          break;
        case 'tls':
          step = this.splitTls();
          break;
        case 'frames':
          step = this.readFrames();
          break;
        default:
          return null;
      }
      if (step === MORE) return null;
      if (step !== NEXT) return step;
    }
  }

  private readProxy(): Step {
    const proxy = this.host.proxyProtocol!;
    const step = readProxyHeader(this.queue, proxy.parse);
    if (step === MORE || isFailure(step)) return step;
    const source = step.header?.source;
    if (source) {
      const carried = `${source.address}:${source.port}`;
      if (proxy.trusted.trusts(this.raw.remoteAddress ?? '')) {
        this.host.logger.debug({ remote: carried, proxy: this.remoteAddress, version: step.header!.version, tlvs: step.header!.tlvs.length }, 'PROXY protocol header');
        this.peer = carried;
      } else {
        this.host.logger.warn({ remote: this.remoteAddress, claimed: carried }, 'PROXY protocol header from a peer not in proxyProtocolTrustedAddresses; using the peer address');
      }
    }
    return this.enter(this.host.tls ? 'tls' : 'frames');
  }

  private splitTls(): Step {
    if (this.queue.length === 0) return MORE;
    const tlsGate = this.host.tls!;
    if (this.queue.byteAt(0) !== TLS_HANDSHAKE_RECORD) {
      if (tlsGate.mode === 'enforcing') return failure('refusing a plain-text connection: tls.server.mode is enforcing');
      return this.enter('frames');
    }
    this.stage = 'handshake';
    stopReading(this.raw);
    // The TLS socket takes this from the raw one: a TLS peer that ends its side is ended by Node as
    // before, in the handshake too (the server accepts half-open sockets only for onPeerEnd).
    this.raw.allowHalfOpen = false;
    // The stage timer bounds the handshake; the idle timer goes to the TLS socket once it is done.
    if (this.idleWatched) {
      this.raw.setTimeout(0);
      this.idleWatched = false;
    }
    // A peer that ends its side now cannot finish the handshake; the TLS layer would not notice.
    this.raw.once('end', onRawEndInHandshake);
    tlsGate.handshake(this.raw, this.queue.takeAll()).then(
      (secure) => this.onHandshake(secure),
      (err: unknown) => this.fail(unexpected(err, 'handshake')),
    );
    return MORE;
  }

  private onHandshake(secure: tls.TLSSocket | null): void {
    if (this.stage !== 'handshake') {
      secure?.destroy();
      return;
    }
    if (!secure) {
      // The TLS side logged why.
      this.close('bad-input');
      return;
    }
    this.transport = secure;
    listen(secure, this);
    this.enter('frames');
    this.unfinished = false;
  }

  private readFrames(): Step {
    const frames = this.frames;
    for (;;) {
      const frame = frames.next();
      if (frame === null) return MORE;
      if (frame instanceof FrameError) return failure('bad frame, closing connection', { err: frame.message });
      let request: RemotingCommand;
      try {
        request = decodeCommand(frame);
      } catch (err) {
        return failure('bad frame, closing connection', { err: (err as Error).message });
      }
      // A handler may keep the body past this read (the header's strings are copies already).
      if (request.body !== null && request.body.buffer === SHARED_READ) request.body = Buffer.from(request.body);
      this.partsDone++;
      const gathered = frames.takeGathered();
      if (this.handle(request, frame.length)) frames.recycle(gathered);
      if (this.stage !== 'frames') return MORE;
    }
  }

  /** Moves to `stage`; reaching the frames makes the connection established. */
  private enter(stage: Stage): Step {
    this.stage = stage;
    this.partsDone++;
    if (stage === 'frames') {
      // A plain connection's frames are read without the stream's per-read machinery (a buffer
      // allocated for each read, push, 'data'): from its first byte when there is no preamble,
      // else from the read after the one that ended it. A TLS socket keeps the stream's reads.
      if (this.transport === this.raw) readDirect(this.raw, onDirectRead);
      this.host.opened(this);
      if (this.host.limits.idleTimeoutMs > 0 && !this.idleWatched) this.watchIdle();
    }
    return NEXT;
  }

  /** Closes the connection after the idle timeout without traffic either way on its transport. */
  private watchIdle(): void {
    this.transport.setTimeout(this.host.limits.idleTimeoutMs);
    this.transport.on('timeout', onSocketTimeout);
    this.idleWatched = true;
  }

  /**
   * Handles one request of `frameBytes`; true when its bytes are no longer read by anyone (the
   * handler answered synchronously). Until an asynchronous handler answers, its frame counts
   * towards what the connection may have pending.
   */
  private handle(request: RemotingCommand, frameBytes: number): boolean {
    if (isResponse(request)) {
      this.host.logger.debug({ remote: this.remoteAddress, opaque: request.opaque }, 'ignoring a response sent to the server');
      return true;
    }
    let result: ReturnType<RequestHandler>;
    try {
      result = this.host.handler(request, this);
    } catch (err) {
      this.answerFailure(request, err);
      return true;
    }
    if (result instanceof Promise) {
      this.awaitingBytes += frameBytes;
      this.host.awaiting.add(frameBytes);
      // Outside the chunk's try: an answer that cannot be written must not become an unhandled rejection.
      result.then(
        (response) => this.answered(frameBytes, () => this.reply(request, response)),
        (err: unknown) => this.answered(frameBytes, () => this.answerFailure(request, err)),
      );
      return false;
    }
    this.reply(request, result);
    return true;
  }

  /** An asynchronous handler settled: `answer` writes what it gave. */
  private answered(frameBytes: number, answer: () => void): void {
    this.awaitingBytes -= frameBytes;
    this.guarded(answer);
    // The server's sum first: resuming then finds it under the bound, instead of waiting on it once more.
    this.host.awaiting.release(frameBytes);
    this.resumeIfCaughtUp();
  }

  private guarded(action: () => void): void {
    try {
      action();
    } catch (err) {
      this.fail(unexpected(err, 'answer'));
    }
  }

  private reply(request: RemotingCommand, response: RemotingCommand | null): void {
    if (response && !isOneway(request)) this.send(response);
  }

  private answerFailure(request: RemotingCommand, err: unknown): void {
    this.host.logger.error({ err, code: request.code, remote: this.remoteAddress }, 'request handler failed');
    const remark = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.reply(request, createResponse(request, { code: SYSTEM_ERROR, remark }, this.host.serverVersion));
  }

  private fail(outcome: Failure): void {
    if (this.stage === 'closed') return;
    this.host.logger[outcome.level]({ remote: this.remoteAddress, ...outcome.details }, outcome.message);
    this.close(outcome.reason);
  }

  /** Brings the bytes taken from the server's budget in line with what the queue holds; false when over budget. */
  private account(): boolean {
    const reserved = this.queue.reservedBytes;
    const delta = reserved - this.held;
    if (delta === 0) return true;
    if (delta < 0) this.host.budget.give(-delta);
    else if (!this.host.budget.tryTake(delta)) return false;
    this.held = reserved;
    return true;
  }

  /**
   * A part of the stream (preamble, frame) is started and not finished: it must be finished within
   * the stage timeout, counted from its start (`restart`: a new part started while one was running).
   */
  private startUnfinished(restart: boolean): void {
    if (this.unfinished && !restart) return;
    this.unfinished = true;
    if (this.stageTimer) this.stageTimer.refresh();
    else this.stageTimer = setTimeout(onStageTimeout, this.host.limits.stageTimeoutMs, this);
  }

  /** Bytes of this connection in the server: requests awaiting answers, answers not yet sent. */
  private get pendingBytes(): number {
    return this.awaitingBytes + this.transport.writableLength;
  }

  private throttleIfBacklogged(): void {
    if (this.readsPaused) return;
    const { awaiting } = this.host;
    if (this.pendingBytes > this.host.limits.maxPendingBytes) {
      this.host.logger.debug(
        { remote: this.remoteAddress, awaitingBytes: this.awaitingBytes, unsentBytes: this.transport.writableLength },
        'requests and answers pile up, pausing reads',
      );
      this.awaitDrain();
    } else if (awaiting.over) {
      this.host.logger.debug({ remote: this.remoteAddress, serverAwaitingBytes: awaiting.held }, 'requests awaiting answers pile up in the server, pausing reads');
      awaiting.waitFor(this);
    } else {
      return;
    }
    this.readsPaused = true;
    this.transport.pause();
  }

  /** Resumes reads paused by `throttleIfBacklogged` once the connection, and the server, are back under their limits. */
  resumeIfCaughtUp(): void {
    if (!this.readsPaused || this.stage === 'closed') return;
    if (this.pendingBytes > this.host.limits.maxPendingBytes) {
      this.awaitDrain();
      return;
    }
    if (this.host.awaiting.over) {
      this.host.awaiting.waitFor(this);
      return;
    }
    this.readsPaused = false;
    this.host.logger.debug({ remote: this.remoteAddress }, 'caught up, resuming reads');
    this.transport.resume();
  }

  /** While answers wait to be sent, their 'drain' is a moment to look again. */
  private awaitDrain(): void {
    if (this.drainAwaited || this.transport.writableLength === 0) return;
    this.drainAwaited = true;
    this.transport.once('drain', onSocketDrain);
  }

  onDrained(): void {
    this.drainAwaited = false;
    this.resumeIfCaughtUp();
  }
}

// Listeners shared by every connection (no closures per connection): the socket knows its connection.
const CONNECTION = Symbol('connection');
type OwnedSocket = net.Socket & { [CONNECTION]?: ServerConnection };

function listen(socket: OwnedSocket, connection: ServerConnection): void {
  socket[CONNECTION] = connection;
  socket.on('data', onSocketData);
  socket.on('error', onSocketError);
  socket.on('end', onSocketEnd);
  socket.on('close', onSocketClose);
}

/** `host:port` of a socket's peer ("unknown" once the socket is gone). */
function peerAddress(socket: net.Socket): string {
  const host = socket.remoteAddress;
  return host === undefined ? 'unknown' : `${host}:${socket.remotePort}`;
}

/** The TLS layer reads the socket from now on; its errors and close still end the connection. */
function stopReading(socket: OwnedSocket): void {
  socket.off('data', onSocketData);
}

function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[CONNECTION]!.onData(chunk);
}

const SHARED_READ = sharedReadBuffer.buffer;

function onDirectRead(this: OwnedSocket, length: number, buffer: Buffer): void {
  this[CONNECTION]!.onData(buffer.subarray(0, length), true);
}

function onSocketError(this: OwnedSocket, err: Error): void {
  this[CONNECTION]!.onSocketEvent('error', err);
}

function onSocketTimeout(this: OwnedSocket): void {
  this[CONNECTION]!.onSocketEvent('timeout');
}

function onSocketDrain(this: OwnedSocket): void {
  this[CONNECTION]!.onDrained();
}

function onSocketEnd(this: OwnedSocket): void {
  this[CONNECTION]!.onPeerEnd(this);
}

function onSocketClose(this: OwnedSocket): void {
  this[CONNECTION]!.onClosed();
}

function onRawEndInHandshake(this: OwnedSocket): void {
  const connection = this[CONNECTION]!;
  if (connection.inHandshake) connection.close('closed');
}

function onStageTimeout(connection: ServerConnection): void {
  connection.onStageTimeout();
}
