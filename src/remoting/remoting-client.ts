import net from 'node:net';
import tls from 'node:tls';
import { decodeCommand, encodeCommand } from './command-codec.js';
import { RemotingConnectionError, RemotingTimeoutError } from './errors.js';
import { DEFAULT_MAX_FRAME_LENGTH, FrameDecoder } from './frame-decoder.js';
import { isResponse, ONEWAY_FLAG, type RemotingCommand } from './remoting-command.js';

export interface ClientConnectionOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  maxFrameLength?: number;
  /** Connect over TLS with these options (servername, ca, cert, key, rejectUnauthorized...). */
  tls?: tls.ConnectionOptions;
  /** Bytes written before anything else, TLS included: a PROXY protocol header, as a load balancer sends. */
  preamble?: Buffer;
  /** Requests the peer sends us (a NameServer notifying a broker, say). */
  onRequest?: (request: RemotingCommand) => void;
}

interface Pending {
  resolve(cmd: RemotingCommand): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One connection to a remoting peer: sends requests with fresh opaques and matches responses to them.
 */
export class ClientConnection {
  private readonly pending = new Map<number, Pending>();
  private readonly decoder: FrameDecoder;
  private nextOpaque = 0;
  private closedError: Error | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly options: ClientConnectionOptions,
  ) {
    this.decoder = new FrameDecoder(options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk, (frame) => this.onFrame(decodeCommand(frame)));
      } catch (err) {
        this.destroy(err as Error);
      }
    });
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy(new RemotingConnectionError(`connection to ${this.address} closed`)));
  }

  static connect(options: ClientConnectionOptions): Promise<ClientConnection> {
    return new Promise((resolve, reject) => {
      const timeoutMs = options.connectTimeoutMs ?? 3000;
      let socket: net.Socket = net.connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RemotingConnectionError(`connect to ${options.host}:${options.port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(new RemotingConnectionError(`connect to ${options.host}:${options.port} failed: ${err.message}`));
      };
      const ready = () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.setNoDelay(true);
        resolve(new ClientConnection(socket, options));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        if (options.preamble) socket.write(options.preamble);
        if (!options.tls) {
          ready();
          return;
        }
        socket.off('error', onError);
        socket = tls.connect({ ...options.tls, host: options.host, socket });
        socket.once('error', onError);
        socket.once('secureConnect', ready);
      });
    });
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  get isOpen(): boolean {
    return this.closedError === null;
  }

  /** The underlying socket (to inspect a TLS peer certificate, say). */
  get rawSocket(): net.Socket {
    return this.socket;
  }

  /** Sends a request and resolves with its response. The request's opaque is assigned here. */
  invoke(request: RemotingCommand, timeoutMs = 3000): Promise<RemotingCommand> {
    if (this.closedError) return Promise.reject(this.closedError);
    const opaque = this.takeOpaque();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(opaque);
        reject(new RemotingTimeoutError(`no response from ${this.address} within ${timeoutMs} ms (code ${request.code})`));
      }, timeoutMs);
      this.pending.set(opaque, { resolve, reject, timer });
      this.socket.write(encodeCommand({ ...request, opaque }));
    });
  }

  /** Sends a request that expects no response. */
  invokeOneway(request: RemotingCommand): void {
    if (this.closedError) throw this.closedError;
    this.socket.write(encodeCommand({ ...request, opaque: this.takeOpaque(), flag: request.flag | ONEWAY_FLAG }));
  }

  /** Writes raw bytes (for tests of malformed input). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
    this.destroy(new RemotingConnectionError(`connection to ${this.address} closed`));
  }

  /** Resolves when the connection has closed, for whatever reason. */
  closed(): Promise<void> {
    if (this.socket.destroyed && this.socket.closed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  private takeOpaque(): number {
    const opaque = this.nextOpaque;
    this.nextOpaque = (this.nextOpaque + 1) | 0;
    return opaque;
  }

  private onFrame(cmd: RemotingCommand): void {
    if (!isResponse(cmd)) {
      this.options.onRequest?.(cmd);
      return;
    }
    const pending = this.pending.get(cmd.opaque);
    if (!pending) return;
    this.pending.delete(cmd.opaque);
    clearTimeout(pending.timer);
    pending.resolve(cmd);
  }

  private destroy(err: Error): void {
    if (!this.closedError) this.closedError = err;
    if (!this.socket.destroyed) this.socket.destroy();
    for (const [opaque, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(this.closedError);
      this.pending.delete(opaque);
    }
  }
}
