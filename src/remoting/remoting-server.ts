import net from 'node:net';
import { debugEnabled } from '../util/debug-enabled.js';
import type { Logger } from '../util/logger.js';
import { AwaitingBytes } from './connection/awaiting-bytes.js';
import { ByteBudget } from './connection/byte-budget.js';
import type { CloseReason } from './connection/close-reason.js';
import {
  DEFAULT_MAX_AWAITING_BYTES,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_FRAME_LENGTH,
  DEFAULT_MAX_PENDING_BYTES,
  DEFAULT_STAGE_TIMEOUT_MS,
  type ConnectionLimits,
} from './connection/limits.js';
import type { ProxyProtocolOptions } from './connection/proxy-stage.js';
import { ServerConnection, type Connection, type ConnectionHost, type RequestHandler } from './connection/server-connection.js';
import type { ServerTls } from './tls/server-tls.js';

export type { CloseReason, Connection, ProxyProtocolOptions, RequestHandler };

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
  /** Largest frame, its 4-byte length included (Java's `frameMaxLength`, 16 MiB). */
  maxFrameLength?: number;
  /**
   * Stop reading a connection while this many bytes of its requests wait for answers and of its
   * answers wait to be sent (a client that pipelines requests faster than they are answered, or
   * does not read the answers, must not grow the server's memory). Default 16 MiB.
   */
  maxPendingBytes?: number;
  /**
   * Bytes all connections together may hold of requests not yet complete (and of preambles); the
   * connection whose bytes would go past it is closed. Default 256 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Bytes all connections together may hold of requests awaiting answers (register bodies being
   * decoded); past it every connection stops reading until answers bring it under. Default 256 MiB.
   */
  maxAwaitingBytes?: number;
  /** A preamble (PROXY header, TLS handshake) and every frame started must be finished within this long. Default 120 s. */
  stageTimeoutMs?: number;
  /** Close connections with no traffic either way for this long; 0 disables. */
  idleTimeoutMs?: number;
  backlog?: number;
  /** TLS on the same port: a connection whose first byte starts a TLS record is handed to it. */
  tls?: ServerTls | null;
  /** Read a PROXY protocol header (v1, v2) if a connection starts with one; believed from trusted peers only. */
  proxyProtocol?: ProxyProtocolOptions | null;
}

/** Open connections by id, and what is asked of one by id: its peer's address, a close. */
export class ConnectionsById<C extends Connection> extends Map<number, C> {
  /** `host:port` of a connection's peer, if it is open. */
  remoteAddressOf(id: number): string | undefined {
    return this.get(id)?.remoteAddress;
  }

  /** Closes one connection (a broker that expired, say); false when it is already gone. */
  closeOne(id: number, reason: CloseReason): boolean {
    const connection = this.get(id);
    connection?.close(reason);
    return Boolean(connection);
  }
}

/** Bytes moved: `closed` (by what is gone) plus every open part's. */
export function sumTraffic(closed: Traffic, open: Iterable<Traffic>): Traffic {
  let { bytesIn, bytesOut } = closed;
  for (const part of open) {
    bytesIn += part.bytesIn;
    bytesOut += part.bytesOut;
  }
  return { bytesIn, bytesOut };
}

export interface Traffic {
  bytesIn: number;
  bytesOut: number;
}

/** What the NameServer needs of whatever serves its remoting port: this server, or several processes (src/cluster/). */
export type RemotingFront = Pick<
  RemotingServer,
  'listen' | 'address' | 'connectionCount' | 'acceptedCount' | 'traffic' | 'remoteAddressOf' | 'closeConnection' | 'stopAccepting' | 'close'
>;

/**
 * Accepts connections, splits them into commands, and answers each request with its handler's
 * response. What happens on a connection, from its first byte, is in src/remoting/connection/.
 */
export class RemotingServer {
  private readonly server: net.Server;
  private readonly connections = new ConnectionsById<ServerConnection>();
  /** Accepted connections still in their preamble (PROXY header, TLS): not yet counted nor announced. */
  private readonly preparing = new Set<ServerConnection>();
  private nextConnectionId = 1;
  private idleWaiters: Array<() => void> = [];
  /** Bytes moved by connections already closed (open ones are read from their sockets). */
  private readonly closedTraffic = { bytesIn: 0, bytesOut: 0 };
  private readonly host: ConnectionHost;

  constructor(private readonly options: RemotingServerOptions) {
    const limits: ConnectionLimits = {
      maxFrameLength: options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH,
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
      stageTimeoutMs: options.stageTimeoutMs ?? DEFAULT_STAGE_TIMEOUT_MS,
      maxPendingBytes: options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES,
      maxAwaitingBytes: options.maxAwaitingBytes ?? DEFAULT_MAX_AWAITING_BYTES,
      idleTimeoutMs: options.idleTimeoutMs ?? 0,
    };
    this.host = {
      handler: options.handler,
      logger: options.logger,
      serverVersion: options.serverVersion,
      limits,
      budget: new ByteBudget(limits.maxBufferedBytes),
      awaiting: new AwaitingBytes(limits.maxAwaitingBytes),
      proxyProtocol: options.proxyProtocol ?? null,
      tls: options.tls ?? null,
      opened: (connection) => this.opened(connection),
      closed: (connection) => this.closed(connection),
    };
    // noDelay: Nagle's algorithm off from accept (as Java's TCP_NODELAY), with no call per connection.
    // allowHalfOpen: a connection whose peer ends its side is closed by the connection itself (onPeerEnd).
    this.server = net.createServer({ noDelay: true, allowHalfOpen: true }, (socket) => this.accept(socket));
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

  /** Connections accepted since start (those closed before their first frame, PROXY header or TLS handshake excluded). */
  get acceptedCount(): number {
    return this.nextConnectionId - 1;
  }

  /** Bytes all connections hold of requests not yet complete (what counts against `maxBufferedBytes`). */
  get bufferedBytes(): number {
    return this.host.budget.held;
  }

  /** Bytes read and written over every connection since start; computed when asked, nothing counted per frame. */
  traffic(): Traffic {
    const open = [...this.connections.values()].map((c) => ({ bytesIn: c.bytesRead, bytesOut: c.bytesWritten }));
    return sumTraffic(this.closedTraffic, open);
  }

  /** `host:port` of a connection's peer, if it is open. */
  remoteAddressOf(id: number): string | undefined {
    return this.connections.remoteAddressOf(id);
  }

  /** Closes one connection (a broker that expired, say); false when it is already gone. */
  closeConnection(id: number, reason: CloseReason): boolean {
    return this.connections.closeOne(id, reason);
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
    const closed = this.stopAccepting();
    for (const connection of [...this.preparing]) connection.close('server-shutdown');
    for (const connection of [...this.connections.values()]) connection.close('server-shutdown');
    return closed;
  }

  private get isIdle(): boolean {
    return this.connections.size === 0 && this.preparing.size === 0;
  }

  private accept(socket: net.Socket): void {
    const connection = new ServerConnection(socket, this.host);
    if (!connection.isEstablished && connection.isOpen) this.preparing.add(connection);
  }

  private opened(connection: ServerConnection): void {
    this.preparing.delete(connection);
    connection.id = this.nextConnectionId++;
    this.connections.set(connection.id, connection);
    // Called from socket events: nothing a listener throws may escape.
    try {
      this.options.listener?.onConnect?.(connection);
    } catch (err) {
      this.options.logger.error({ err, remote: connection.remoteAddress }, 'connection listener failed on connect');
    }
  }

  private closed(connection: ServerConnection): void {
    this.preparing.delete(connection);
    if (connection.isEstablished && this.connections.delete(connection.id)) {
      this.closedTraffic.bytesIn += connection.bytesRead;
      this.closedTraffic.bytesOut += connection.bytesWritten;
      if (debugEnabled(this.options.logger)) this.options.logger.debug({ remote: connection.remoteAddress, reason: connection.closeReason }, 'connection closed');
      try {
        this.options.listener?.onClose?.(connection, connection.closeReason);
      } catch (err) {
        this.options.logger.error({ err, remote: connection.remoteAddress }, 'connection listener failed on close');
      }
    }
    if (this.isIdle && this.idleWaiters.length > 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
