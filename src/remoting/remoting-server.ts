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
}

const SYSTEM_ERROR = 1;
const DEFAULT_MAX_PENDING_WRITE_BYTES = 16 * 1024 * 1024;

/** Accepts connections, splits them into commands, and answers each request with its handler's response. */
export class RemotingServer {
  private readonly server: net.Server;
  private readonly connections = new Map<number, ServerConnection>();
  private nextConnectionId = 1;

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

  /** Closes one connection (a broker that expired, say); false when it is already gone. */
  closeConnection(id: number, reason: CloseReason): boolean {
    const connection = this.connections.get(id);
    connection?.close(reason);
    return Boolean(connection);
  }

  /** Stops accepting, closes every connection, and resolves when the listener is closed. */
  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections.values()) connection.close('server-shutdown');
    return closed;
  }

  private accept(raw: net.Socket): void {
    raw.setNoDelay(true);
    if (!this.options.prepareSocket) {
      this.attach(raw);
      return;
    }
    raw.on('error', () => raw.destroy());
    this.options.prepareSocket(raw).then(
      (socket) => (socket ? this.attach(socket) : raw.destroy()),
      (err: unknown) => {
        this.options.logger.warn({ err, remote: `${raw.remoteAddress}:${raw.remotePort}` }, 'connection rejected');
        raw.destroy();
      },
    );
  }

  private attach(socket: net.Socket): void {
    const connection = new ServerConnection(this.nextConnectionId++, socket, this.options);
    this.connections.set(connection.id, connection);
    socket.once('close', () => {
      this.connections.delete(connection.id);
      this.options.logger.debug({ remote: connection.remoteAddress, reason: connection.closeReason }, 'connection closed');
      this.options.listener?.onClose?.(connection, connection.closeReason);
    });
    this.options.listener?.onConnect?.(connection);
  }
}

class ServerConnection implements Connection {
  readonly remoteAddress: string;
  closeReason: CloseReason = 'closed';
  private readonly decoder: FrameDecoder;

  constructor(
    readonly id: number,
    private readonly socket: net.Socket,
    private readonly options: RemotingServerOptions,
  ) {
    this.remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
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
