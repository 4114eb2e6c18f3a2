import type net from 'node:net';
import { SERVER_VERSION } from '../protocol/mq-version.js';
import { RemotingServer, type ConnectionListener } from '../remoting/remoting-server.js';
import { createServerTls, type ServerTls } from '../remoting/tls/index.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { notifyMinBrokerIdChanged } from './broker-notifier.js';
import type { Configuration } from './config/configuration.js';
import { parseProperties } from '../util/java-properties.js';
import { KvStore } from './kv/kv-store.js';
import type { NamesrvContext } from './processors/context.js';
import { createDispatcher } from './processors/dispatcher.js';
import { namesrvProcessors } from './processors/index.js';
import { RegisterBodyDecoder, type RegisterBodyDecoderOptions } from './processors/register-body-decoder.js';
import { ResponseCache } from './processors/response-cache.js';
import { RouteRegistry } from './route/route-registry.js';

export interface NameServerOptions {
  configuration: Configuration;
  logger: Logger;
  clock?: Clock;
  /** Where TLS settings may also come from (`TLS_SERVER_MODE`...); the process environment by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where and how large register bodies are decoded off the event loop (tests stand a worker in). */
  registerBodyDecoder?: RegisterBodyDecoderOptions;
  /** Told of every connection accepted and closed; a close is reported after the registry has queued the unregistration it causes. */
  connectionListener?: ConnectionListener;
}

const KV_PRINT_INTERVAL_MS = 10 * 60 * 1000;
const KV_PRINT_INITIAL_DELAY_MS = 60 * 1000;
const SCAN_INITIAL_DELAY_MS = 5;

/**
 * The NameServer: wires the route registry, the KV store and the request handlers to the
 * remoting server, and owns the periodic tasks (expired-broker scan, KV print).
 */
export class NameServer {
  readonly registry: RouteRegistry;
  readonly kv: KvStore;
  readonly cache = new ResponseCache();
  /** Decodes large register bodies on a worker thread. */
  readonly registerBodies: RegisterBodyDecoder;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private server: RemotingServer | null = null;
  private tls: ServerTls | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: NameServerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    const { configuration } = options;
    this.registerBodies = new RegisterBodyDecoder(this.logger, options.registerBodyDecoder);
    this.kv = new KvStore({ path: configuration.namesrv.kvConfigPath, logger: this.logger });
    this.registry = new RouteRegistry(configuration.namesrv, this.clock, this.logger, {
      closeConnection: (id) => this.server?.closeConnection(id, 'expired'),
      notifyMinBrokerIdChanged: (change) => notifyMinBrokerIdChanged(change, this.logger),
      routeChanged: (topic) => this.cache.routeChanged(topic),
    });
  }

  get configuration(): Configuration {
    return this.options.configuration;
  }

  /** Loads the KV store, starts listening and the periodic tasks. Resolves with the bound address. */
  async start(): Promise<net.AddressInfo> {
    const { namesrv, netty } = this.options.configuration;
    this.kv.load();
    this.tls = await createServerTls({ properties: this.options.configuration.tls, env: this.options.env ?? process.env, logger: this.logger });
    const tls = this.tls;
    const ctx: NamesrvContext = {
      registry: this.registry,
      kv: this.kv,
      config: this.options.configuration,
      cache: this.cache,
      clock: this.clock,
      logger: this.logger,
      startedAt: this.clock.now(),
      registerBodies: this.registerBodies,
      pendingRegistrations: new Map(),
      parseProperties,
    };
    this.server = new RemotingServer({
      port: netty.listenPort,
      host: netty.bindAddress,
      backlog: netty.serverSocketBacklog > 0 ? netty.serverSocketBacklog : undefined,
      idleTimeoutMs: netty.serverChannelMaxIdleTimeSeconds * 1000,
      maxFrameLength: this.options.configuration.frameMaxLength,
      serverVersion: SERVER_VERSION,
      logger: this.logger,
      handler: createDispatcher(namesrvProcessors(), ctx, SERVER_VERSION),
      listener: {
        onConnect: (connection) => this.options.connectionListener?.onConnect?.(connection),
        onClose: (connection, reason) => {
          this.registry.onConnectionClosed(connection.id);
          this.options.connectionListener?.onClose?.(connection, reason);
        },
      },
      prepareSocket: tls ? (socket) => tls.prepareSocket(socket) : undefined,
    });
    let address: net.AddressInfo;
    try {
      address = await this.server.listen();
    } catch (err) {
      // A port in use must not leave the certificate watcher keeping the process alive.
      await this.tls?.close();
      this.tls = null;
      this.server = null;
      throw err;
    }
    this.schedule(SCAN_INITIAL_DELAY_MS, () => namesrv.scanNotActiveBrokerInterval, () => this.registry.scanNotActiveBrokers());
    this.schedule(KV_PRINT_INITIAL_DELAY_MS, () => KV_PRINT_INTERVAL_MS, () => this.kv.printAll());
    return address;
  }

  /** The TLS side of the listener (null when `tls.server.mode=disabled`). */
  get serverTls(): ServerTls | null {
    return this.tls;
  }

  get address(): net.AddressInfo | null {
    return this.server?.address ?? null;
  }

  /** Stops accepting, closes connections and timers. KV changes are already on disk. */
  async shutdown(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.registry.stop();
    // TLS first: it drops sockets still waiting for their first byte, which the server's close waits for.
    await Promise.all([this.tls?.close(), this.server?.close(), this.registerBodies.close()]);
    await this.kv.idle(); // KV changes already acknowledged are on disk; this waits for any still being written
    this.tls = null;
    this.server = null;
    this.logger.info('name server shut down');
  }

  /** A fixed-rate task whose interval is read again each time, so run-time config updates apply. */
  private schedule(initialDelayMs: number, intervalMs: () => number, task: () => void): void {
    const arm = (delayMs: number) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        try {
          task();
        } catch (err) {
          this.logger.error({ err }, 'periodic task failed');
        }
        if (this.server) arm(Math.max(1, intervalMs()));
      }, delayMs);
      this.timers.add(timer);
    };
    arm(initialDelayMs);
  }
}
