import path from 'node:path';
import { Configuration, type ConfigurationInit } from '../../src/namesrv/config/configuration.js';
import { NameServerApp, type NameServerAppOptions } from '../../src/app/nameserver-app.js';
import type { NameServer } from '../../src/namesrv/nameserver.js';
import { createRequest, SerializeType, type ExtFields, type RemotingCommand } from '../../src/remoting/remoting-command.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import type { Connection, ConnectionListener } from '../../src/remoting/remoting-server.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger, type Logger } from '../../src/util/logger.js';
import { tempDir as madeTempDir } from './temp-dir.js';

export interface RunningNameServer {
  server: NameServer;
  /** The composition root: `server` and its HTTP listener. */
  app: NameServerApp;
  port: number;
  /** The HTTP port; null when `httpEnable=false`. */
  httpPort: number | null;
  home: string;
  clock: ManualClock;
  configuration: Configuration;
  /** Opens a client connection to the server; closed by stop(). */
  connect(): Promise<ClientConnection>;
  /**
   * Resolves once the server has seen `client`'s connection close (whoever closed it) and queued
   * the unregistration that causes. Only for connections that sent something.
   */
  closedAtServer(client: ClientConnection): Promise<void>;
  /** Closes `client` and resolves once the server has unregistered what was registered over it. */
  disconnect(client: ClientConnection): Promise<void>;
  /** Resolves once no connection is open at the server and every unregistration is applied. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** Generous: a request the server does answer never times out on a busy machine; the test runner's timeout bounds a hang. */
export const CALL_TIMEOUT_MS = 60_000;

export function tempDir(prefix = 'namesrv-test-'): string {
  return madeTempDir(prefix);
}

/** Starts a NameServer on 127.0.0.1 and free ports (remoting and HTTP), with its files in a fresh temp home. */
export async function startNameServer(
  init: ConfigurationInit = {},
  logger: Logger = silentLogger(),
  options: Pick<NameServerAppOptions, 'registerBodyDecoder' | 'httpsWatchDebounceMs' | 'aclWatchDebounceMs'> = {},
): Promise<RunningNameServer> {
  const home = init.homeDir ?? tempDir();
  const configuration = new Configuration({
    ...init,
    // One process unless a test asks for more: the default (one per core from four cores up)
    // would make every test server fork on a larger machine than this suite's usual two cores.
    servingProcesses: init.servingProcesses ?? 1,
    homeDir: home,
    namesrv: {
      kvConfigPath: path.join(home, 'namesrv', 'kvConfig.json'),
      configStorePath: path.join(home, 'namesrv', 'namesrv.properties'),
      ...init.namesrv,
    },
    netty: { listenPort: 0, bindAddress: '127.0.0.1', ...init.netty },
    http: { httpPort: 0, ...init.http },
  });
  const clock = new ManualClock(Date.now());
  const connections = new ServerConnections();
  // An empty environment: TLS_* variables of the machine must not change what tests see.
  const app = new NameServerApp({ ...options, configuration, logger, clock, env: {}, connectionListener: connections });
  const server = app.nameServer;
  const address = await app.start();
  const clients: ClientConnection[] = [];
  const closedAtServer = (client: ClientConnection) => connections.closed(localAddressOf(client));
  return {
    server,
    app,
    port: address.port,
    httpPort: app.httpEndpoint?.port ?? null,
    home,
    clock,
    configuration,
    async connect() {
      const client = await ClientConnection.connect({ host: '127.0.0.1', port: address.port, connectTimeoutMs: CALL_TIMEOUT_MS });
      clients.push(client);
      return client;
    },
    closedAtServer,
    async disconnect(client) {
      const closed = closedAtServer(client);
      client.close();
      await closed;
      await server.registry.unregistrationsDrained();
    },
    async idle() {
      await connections.none();
      await server.registry.unregistrationsDrained();
    },
    async stop() {
      for (const c of clients) c.close();
      await app.shutdown();
    },
  };
}

/** The connections the server has open, told by its connection listener; waits on their closing. */
class ServerConnections implements ConnectionListener {
  private readonly open = new Set<string>();
  /** Remote addresses (as the server sees them) whose connection closed. */
  private readonly gone = new Set<string>();
  private readonly waiters = new Set<{ ready(): boolean; resolve(): void }>();

  onConnect(connection: Connection): void {
    this.open.add(connection.remoteAddress);
    this.gone.delete(connection.remoteAddress);
  }

  onClose(connection: Connection): void {
    this.open.delete(connection.remoteAddress);
    this.gone.add(connection.remoteAddress);
    for (const waiter of this.waiters) {
      if (!waiter.ready()) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  closed(remoteAddress: string): Promise<void> {
    return this.when(() => this.gone.has(remoteAddress));
  }

  none(): Promise<void> {
    return this.when(() => this.open.size === 0);
  }

  private when(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ ready, resolve }));
  }
}

function localAddressOf(client: ClientConnection): string {
  return `${client.rawSocket.localAddress}:${client.rawSocket.localPort}`;
}

export interface CallOptions {
  extFields?: ExtFields | null;
  body?: Buffer | string | null;
  version?: number;
  rocketmq?: boolean;
  timeoutMs?: number;
}

/** Sends one request and waits for its response. */
export function call(client: ClientConnection, code: number, options: CallOptions = {}): Promise<RemotingCommand> {
  return client.invoke(
    createRequest({
      code,
      extFields: options.extFields ?? null,
      body: options.body ?? null,
      version: options.version ?? 479,
      serializeType: options.rocketmq ? SerializeType.ROCKETMQ : SerializeType.JSON,
    }),
    options.timeoutMs ?? CALL_TIMEOUT_MS,
  );
}

export function bodyJson(cmd: RemotingCommand): unknown {
  return JSON.parse(cmd.body?.toString('utf8') ?? 'null');
}
