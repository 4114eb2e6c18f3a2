import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Configuration, type ConfigurationInit } from '../../src/namesrv/config/configuration.js';
import { NameServer } from '../../src/namesrv/nameserver.js';
import { createRequest, SerializeType, type ExtFields, type RemotingCommand } from '../../src/remoting/remoting-command.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger, type Logger } from '../../src/util/logger.js';

export interface RunningNameServer {
  server: NameServer;
  port: number;
  /** The HTTP port; null when `httpEnable=false`. */
  httpPort: number | null;
  home: string;
  clock: ManualClock;
  configuration: Configuration;
  /** Opens a client connection to the server; closed by stop(). */
  connect(): Promise<ClientConnection>;
  stop(): Promise<void>;
}

export function tempDir(prefix = 'namesrv-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Starts a NameServer on 127.0.0.1 and free ports (remoting and HTTP), with its files in a fresh temp home. */
export async function startNameServer(init: ConfigurationInit = {}, logger: Logger = silentLogger()): Promise<RunningNameServer> {
  const home = init.homeDir ?? tempDir();
  const configuration = new Configuration({
    ...init,
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
  // An empty environment: TLS_* variables of the machine must not change what tests see.
  const server = new NameServer({ configuration, logger, clock, env: {} });
  const address = await server.start();
  const clients: ClientConnection[] = [];
  return {
    server,
    port: address.port,
    httpPort: server.httpEndpoint?.port ?? null,
    home,
    clock,
    configuration,
    async connect() {
      const client = await ClientConnection.connect({ host: '127.0.0.1', port: address.port });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const c of clients) c.close();
      await server.shutdown();
    },
  };
}

export interface CallOptions {
  extFields?: ExtFields | null;
  body?: Buffer | string | null;
  version?: number;
  rocketmq?: boolean;
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
  );
}

export function bodyJson(cmd: RemotingCommand): unknown {
  return JSON.parse(cmd.body?.toString('utf8') ?? 'null');
}
