import type tls from 'node:tls';
import { RemotingConnectionError } from '../../remoting/errors.js';
import { ClientConnection } from '../../remoting/remoting-client.js';
import type { RemotingCommand } from '../../remoting/remoting-command.js';
import { parseHostPort } from './address-list.js';

export interface ConnectionPoolOptions {
  tls?: tls.ConnectionOptions | null;
  connectTimeoutMs?: number;
  /** Requests a peer sends on its own (NOTIFY_MIN_BROKER_ID_CHANGE from a NameServer, say). */
  onRequest?: (address: string, request: RemotingCommand) => void;
}

/** At most one open connection per address, opened on first use and reopened after it drops. */
export class ConnectionPool {
  private readonly connections = new Map<string, Promise<ClientConnection>>();
  private isClosed = false;

  constructor(private readonly options: ConnectionPoolOptions = {}) {}

  async get(address: string): Promise<ClientConnection> {
    const pending = this.connections.get(address);
    if (pending) {
      const connection = await pending;
      if (connection.isOpen) return connection;
      this.forget(address, pending);
    }
    return this.open(address);
  }

  /** Closes the connection to one address (one removed from the list, say). */
  async drop(address: string): Promise<void> {
    const pending = this.connections.get(address);
    if (!pending) return;
    this.connections.delete(address);
    await closeWhenSettled(pending);
  }

  /** Closes every connection, waiting for those still connecting, and refuses new ones. */
  async close(): Promise<void> {
    this.isClosed = true;
    const all = Array.from(this.connections.values());
    this.connections.clear();
    await Promise.all(all.map(closeWhenSettled));
  }

  private open(address: string): Promise<ClientConnection> {
    if (this.isClosed) return Promise.reject(new RemotingConnectionError('the client is closed'));
    const { host, port } = parseHostPort(address);
    const onRequest = this.options.onRequest;
    const pending = ClientConnection.connect({
      host,
      port,
      tls: this.options.tls ?? undefined,
      connectTimeoutMs: this.options.connectTimeoutMs ?? 3000,
      onRequest: onRequest ? (request) => onRequest(address, request) : undefined,
    }).then((connection) => {
      if (this.isClosed) {
        connection.close();
        throw new RemotingConnectionError('the client is closed');
      }
      void connection.closed().then(() => this.forget(address, pending));
      return connection;
    });
    this.connections.set(address, pending);
    pending.catch(() => this.forget(address, pending));
    return pending;
  }

  private forget(address: string, pending: Promise<ClientConnection>): void {
    if (this.connections.get(address) === pending) this.connections.delete(address);
  }
}

async function closeWhenSettled(pending: Promise<ClientConnection>): Promise<void> {
  const connection = await pending.catch(() => null);
  if (!connection) return;
  connection.close();
  await connection.closed();
}
