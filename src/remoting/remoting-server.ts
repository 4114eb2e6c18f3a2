import net from 'node:net';
import type { Logger } from '../util/logger.js';
import { decodeCommand, encodeCommandParts } from './command-codec.js';
import { DEFAULT_MAX_FRAME_LENGTH, FrameDecoder } from './frame-decoder.js';
import { sharedGatherPool } from './gather-buffer-pool.js';
import { createResponse, isOneway, isResponse, type RemotingCommand } from './remoting-command.js';

/** Why a connection went away; the route registry drops a broker's routes in every case. */
export type CloseReason = 'closed' | 'error' | 'idle' | 'bad-input' | 'server-shutdown' | 'expired';

export interface Connection {
  readonly id: number;
  /** `host:port` of the peer. */
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

export interface ConnectionListener {
  onConnect?(connection: Connection): void;
  onClose?(connection: Connection, reason: CloseReason): void;
}

export interface RemotingServerOptions {
  port: number;
  host?: string;
  handler: RequestHandler;
  logger: Logger;
  listener?: ConnectionListener;
  /** Version written into answers the transport makes itself (errors). */
  serverVersion: number;
  maxFrameLength?: number;
  /**
   * Stop reading a connection while this many bytes of its answers wait to be sent (a client that
   * pipelines requests but does not read the answers must not grow the server's memory).
   */
  maxPendingWriteBytes?: number;
  /** Close connections with no traffic either way for this long; 0 disables. */
  idleTimeoutMs?: number;
  backlog?: number;
  /**
   * Turns an accepted socket into the stream commands flow over (e.g. a TLS socket), or null to
   * drop it. Without it, the raw socket is used.
   */
  prepareSocket?: (socket: net.Socket) => Promise<net.Socket | null>;
  /**
   * Runs before prepareSocket: reads what precedes the connection's own bytes (a PROXY protocol
   * header) and resolves the `host:port` the connection stands for, or null to drop it.
   */
  resolvePeer?: (socket: net.Socket) => Promise<string | null>;
}

const SYSTEM_ERROR = 1;
const DEFAULT_MAX_PENDING_WRITE_BYTES = 16 * 1024 * 1024;

/** Accepts connections, splits them into commands, and answers each request with its handler's response. */
export class RemotingServer {
  private readonly server: net.Server;
  private readonly connections = new Map<number, ServerConnection>();
  /** Accepted sockets not yet connections (still in resolvePeer or prepareSocket). */
  private readonly preparing = new Set<net.Socket>();
  private nextConnectionId = 1;
  private closing = false;
  private idleWaiters: Array<() => void> = [];
  /** Bytes moved by connections already closed (open ones are read from their sockets). */
  private readonly closedTraffic = { bytesIn: 0, bytesOut: 0 };

  constructor(private readonly options: RemotingServerOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.on('error', (err) => options.logger.error({ err }, 'remoting server error'));
  }

  /** Starts listening; resolves with the bound address (useful with port 0). */
  listen(): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ port: this.options.port, host: this.options.host, backlog: this.options.backlog }, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  get address(): net.AddressInfo | null {
    return this.server.address() as net.AddressInfo | null;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Connections accepted since start (those a TLS handshake or the first-byte check dropped excluded). */
  get acceptedCount(): number {
    return this.nextConnectionId - 1;
  }

  /** Bytes read and written over every connection since start; computed when asked, nothing counted per frame. */
  traffic(): { bytesIn: number; bytesOut: number } {
    let { bytesIn, bytesOut } = this.closedTraffic;
    for (const connection of this.connections.values()) {
      bytesIn += connection.bytesRead;
      bytesOut += connection.bytesWritten;
    }
    return { bytesIn, bytesOut };
  }

  /** `host:port` of a connection's peer, if it is open. */
  remoteAddressOf(id: number): string | undefined {
    return this.connections.get(id)?.remoteAddress;
  }

  /** Closes one connection (a broker that expired, say); false when it is already gone. */
  closeConnection(id: number, reason: CloseReason): boolean {
    const connection = this.connections.get(id);
    connection?.close(reason);
    return Boolean(connection);
  }

  /**
   * Stops accepting new connections; open ones go on. Resolves once none is left (they closed, or
   * `close` closed them).
   */
  stopAccepting(): Promise<void> {
    if (this.server.listening) this.server.close();
    if (this.isIdle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops accepting, closes every connection, and resolves once they are closed. */
  close(): Promise<void> {
    this.closing = true;
    const closed = this.stopAccepting();
    for (const socket of this.preparing) socket.destroy();
    for (const connection of this.connections.values()) connection.close('server-shutdown');
    return closed;
  }

  private get isIdle(): boolean {
    return this.connections.size === 0 && this.preparing.size === 0;
  }

  private notifyIfIdle(): void {
    if (this.isIdle && this.idleWaiters.length > 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private accept(raw: net.Socket): void {
    raw.setNoDelay(true);
    const { prepareSocket, resolvePeer } = this.options;
    if (!prepareSocket && !resolvePeer) {
      this.attach(raw, `${raw.remoteAddress}:${raw.remotePort}`);
      return;
    }
    raw.on('error', () => raw.destroy());
    this.preparing.add(raw);
    const prepare = async (): Promise<[net.Socket, string] | null> => {
      const peer = resolvePeer ? await resolvePeer(raw) : `${raw.remoteAddress}:${raw.remotePort}`;
      if (peer === null) return null;
      const socket = prepareSocket ? await prepareSocket(raw) : raw;
      return socket ? [socket, peer] : null;
    };
    prepare()
      .finally(() => {
        this.preparing.delete(raw);
        this.notifyIfIdle();
      })
      .then(
        (prepared) => (prepared && !this.closing ? this.attach(...prepared) : raw.destroy()),
        (err: unknown) => {
          this.options.logger.warn({ err, remote: `${raw.remoteAddress}:${raw.remotePort}` }, 'connection rejected');
          raw.destroy();
        },
      );
  }

  private attach(socket: net.Socket, remoteAddress: string): void {
    const connection = new ServerConnection(this.nextConnectionId++, socket, remoteAddress, this.options);
    this.connections.set(connection.id, connection);
    socket.once('close', () => {
      this.connections.delete(connection.id);
      this.notifyIfIdle();
      this.closedTraffic.bytesIn += connection.bytesRead;
      this.closedTraffic.bytesOut += connection.bytesWritten;
      this.options.logger.debug({ remote: connection.remoteAddress, reason: connection.closeReason }, 'connection closed');
      this.options.listener?.onClose?.(connection, connection.closeReason);
    });
    this.options.listener?.onConnect?.(connection);
  }
}

class ServerConnection implements Connection {
  closeReason: CloseReason = 'closed';
  private readonly decoder: FrameDecoder;

  constructor(
    readonly id: number,
    private readonly socket: net.Socket,
    /** The peer, or the client a trusted proxy speaks for. */
    readonly remoteAddress: string,
    private readonly options: RemotingServerOptions,
  ) {
    this.decoder = new FrameDecoder(options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH, sharedGatherPool);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.options.logger.debug({ err, remote: this.remoteAddress }, 'connection error');
      this.close('error');
    });
    if (options.idleTimeoutMs) {
      socket.setTimeout(options.idleTimeoutMs, () => {
        this.options.logger.info({ remote: this.remoteAddress, idleMs: options.idleTimeoutMs }, 'closing idle connection');
        this.close('idle');
      });
    }
  }

  get isOpen(): boolean {
    return !this.socket.destroyed;
  }

  get secure(): boolean {
    return 'encrypted' in this.socket;
  }

  get bytesRead(): number {
    return this.socket.bytesRead;
  }

  get bytesWritten(): number {
    return this.socket.bytesWritten;
  }

  send(cmd: RemotingCommand): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    for (const part of encodeCommandParts(cmd)) this.socket.write(part);
  }

  close(reason: CloseReason): void {
    if (this.socket.destroyed) return;
    this.closeReason = reason;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    // Answers to pipelined requests in one chunk leave in one write.
    this.socket.cork();
    try {
      this.decoder.push(chunk, (frame) => this.onFrame(frame));
    } catch (err) {
      this.options.logger.warn({ remote: this.remoteAddress, err: (err as Error).message }, 'bad frame, closing connection');
      this.close('bad-input');
    } finally {
      this.socket.uncork();
    }
    this.throttleIfBacklogged();
  }

  private throttleIfBacklogged(): void {
    const limit = this.options.maxPendingWriteBytes ?? DEFAULT_MAX_PENDING_WRITE_BYTES;
    if (this.socket.writableLength <= limit || this.socket.isPaused()) return;
    this.options.logger.debug({ remote: this.remoteAddress, pendingBytes: this.socket.writableLength }, 'answers pile up unread, pausing reads');
    this.socket.pause();
    this.socket.once('drain', () => {
      this.options.logger.debug({ remote: this.remoteAddress }, 'answers sent, resuming reads');
      this.socket.resume();
    });
  }

  private onFrame(frame: Buffer): void {
    const cmd = decodeCommand(frame); // throws on a bad header: the caller closes the connection
    if (isResponse(cmd)) {
      this.options.logger.debug({ remote: this.remoteAddress, opaque: cmd.opaque }, 'ignoring a response sent to the server');
      return;
    }
    let result: ReturnType<RequestHandler>;
    try {
      result = this.options.handler(cmd, this);
    } catch (err) {
      this.fail(cmd, err);
      return;
    }
    if (result instanceof Promise) {
      // The handler may still read the request's bytes: its buffer is not reused.
      result.then(
        (response) => this.reply(cmd, response),
        (err: unknown) => this.fail(cmd, err),
      );
    } else {
      this.reply(cmd, result);
      this.decoder.recycleGathered();
    }
  }

  private reply(request: RemotingCommand, response: RemotingCommand | null): void {
    if (response && !isOneway(request)) this.send(response);
  }

  private fail(request: RemotingCommand, err: unknown): void {
    this.options.logger.error({ err, code: request.code, remote: this.remoteAddress }, 'request handler failed');
    const remark = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.reply(request, createResponse(request, { code: SYSTEM_ERROR, remark }, this.options.serverVersion));
  }
}
