import type net from 'node:net';
import { NamesrvCounters } from '../metrics/namesrv-counters.js';
import type { MetricSources } from '../metrics/prometheus-metrics.js';
import { SERVER_VERSION } from '../protocol/mq-version.js';
import type { RemotingCommand } from '../remoting/remoting-command.js';
import { parseTrustedProxies } from '../remoting/proxy-protocol/index.js';
import { RemotingServer, type ConnectionListener, type RemotingFront } from '../remoting/remoting-server.js';
import { createServerTls, type ServerTls } from '../remoting/tls/index.js';
import { AccessControl } from '../security/access-control.js';
import type { Refusal } from '../security/access-policy.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { notifyMinBrokerIdChanged } from './broker-notifier.js';
import { cancellableDelay, goAwayReply } from './graceful-drain.js';
import type { Configuration } from './config/configuration.js';
import { servingProcessCount } from '../cluster/process-count.js';
import type { ServingCluster } from '../cluster/serving-cluster.js';
import { parseProperties } from '../util/java-properties.js';
import { KvStore } from './kv/kv-store.js';
import type { NamesrvContext } from './processors/context.js';
import { createDispatcher } from './processors/dispatcher.js';
import { namesrvProcessors } from './processors/index.js';
import { RegisterBodyDecoder, type RegisterBodyDecoderOptions } from './processors/register-body-decoder.js';
import { ResponseCache } from './processors/response-cache.js';
import { ORDER_TOPIC_CONFIG_NAMESPACE } from './processors/broker-processors.js';
import { RegistryView } from './route/registry-view.js';
import { RouteRegistry } from './route/route-registry.js';

export interface NameServerOptions {
  configuration: Configuration;
  logger: Logger;
  clock?: Clock;
  /** Where TLS settings may also come from (`TLS_SERVER_MODE`...); the process environment by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Told of every request refused by the ACL (e.g. to count them). */
  onAclRefused?: (refusal: Refusal, request: RemotingCommand) => void;
  /** Quiet time after the ACL file changes before it is read again. */
  aclWatchDebounceMs?: number;
  /** The bound of a graceful drain (`shutdownWaitTimeSeconds`) as a wait; a timer by default, injected in tests. */
  drainWait?: (ms: number) => Promise<void>;
  /** Where and how large register bodies are decoded off the event loop (tests stand a worker in). */
  registerBodyDecoder?: RegisterBodyDecoderOptions;
  /** Told of every connection accepted and closed; a close is reported after the registry has queued the unregistration it causes. */
  connectionListener?: ConnectionListener;
}

const KV_PRINT_INTERVAL_MS = 10 * 60 * 1000;
const KV_PRINT_INITIAL_DELAY_MS = 60 * 1000;
const SCAN_INITIAL_DELAY_MS = 5;
/** Java's NameServer closes connections idle this long; also how long a silent new connection may stay. */
const DEFAULT_IDLE_SECONDS = 120;

/** Why the server is not ready to serve, for readiness probes. */
export type Readiness = { ready: true } | { ready: false; reason: string };

export interface StartEvents {
  /** The remoting port listens: brokers and clients can be served. */
  remotingListening?(address: net.AddressInfo): void;
}

/**
 * The NameServer: wires the route registry, the KV store and the request handlers to the
 * remoting server, and owns the periodic tasks (expired-broker scan, KV print). The HTTP listener
 * is wired beside it by the composition root (src/app/), through the read-only accessors below.
 */
export class NameServer {
  readonly registry: RouteRegistry;
  readonly registryView: RegistryView;
  readonly kv: KvStore;
  readonly cache: ResponseCache;
  /** Decodes large register bodies on a worker thread. */
  readonly registerBodies: RegisterBodyDecoder;
  /** What the server reports (request counts, registrations...), counted whether or not HTTP is on. */
  readonly counters = new NamesrvCounters();
  private startedAt = 0;
  private kvLoaded = false;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private server: RemotingFront | null = null;
  /** Set when several processes serve the remoting port (`servingProcesses`). */
  private cluster: ServingCluster | null = null;
  private tls: ServerTls | null = null;
  private access: AccessControl | null = null;
  private isDraining = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: NameServerOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    const { configuration } = options;
    this.registerBodies = new RegisterBodyDecoder(this.logger, options.registerBodyDecoder);
    this.kv = new KvStore({
      path: configuration.namesrv.kvConfigPath,
      logger: this.logger,
      onPersist: (durationMs, ok) => this.counters.kvPersisted(durationMs, ok),
    });
    this.registry = new RouteRegistry(configuration.namesrv, this.clock, this.logger, {
      closeConnection: (id) => this.server?.closeConnection(id, 'expired'),
      notifyMinBrokerIdChanged: (change) => notifyMinBrokerIdChanged(change, this.logger),
      // Serving processes are told at once: no request's answer comes after these to carry them.
      unregistrationsApplied: () => this.cluster?.publishChanges(),
      rowsArrived: (rows) => this.cluster?.rowsArrived(rows),
    });
    this.cache = new ResponseCache(this.registry);
    this.registryView = new RegistryView(this.registry, {
      now: () => this.clock.now(),
      remoteAddressOf: (id) => this.server?.remoteAddressOf(id),
      orderTopicConf: (topic) =>
        configuration.namesrv.orderMessageEnable ? (this.kv.get(ORDER_TOPIC_CONFIG_NAMESPACE, topic) ?? null) : null,
    });
  }

  get configuration(): Configuration {
    return this.options.configuration;
  }

  /** Loads the KV store, starts listening and the periodic tasks. Resolves with the bound address. */
  async start(events: StartEvents = {}): Promise<net.AddressInfo> {
    const { namesrv, netty } = this.options.configuration;
    this.startedAt = this.clock.now();
    const trustedProxies = parseTrustedProxies(this.options.configuration.security.proxyProtocolTrustedAddresses);
    const stageTimeoutMs = (netty.serverChannelMaxIdleTimeSeconds || DEFAULT_IDLE_SECONDS) * 1000;
    const staleSettingsFiles = this.options.configuration.removeStaleTempFiles();
    if (staleSettingsFiles.length > 0) this.logger.warn({ files: staleSettingsFiles }, 'removed temporary files a crashed settings write left behind');
    this.kv.load();
    this.kvLoaded = true;
    this.tls = await createServerTls({
      properties: this.options.configuration.tls,
      env: this.options.env ?? process.env,
      logger: this.logger,
      onHandshake: (ok) => this.counters.tlsHandshake(ok),
    });
    const access = await this.startAccessControl();
    const ctx: NamesrvContext = {
      registry: this.registry,
      kv: this.kv,
      config: this.options.configuration,
      cache: this.cache,
      clock: this.clock,
      logger: this.logger,
      observer: this.counters,
      startedAt: this.startedAt,
      registerBodies: this.registerBodies,
      pendingRegistrations: new Map(),
      parseProperties,
    };
    const transport = {
      port: netty.listenPort,
      host: netty.bindAddress,
      backlog: netty.serverSocketBacklog > 0 ? netty.serverSocketBacklog : undefined,
      idleTimeoutMs: netty.serverChannelMaxIdleTimeSeconds * 1000,
      maxFrameLength: this.options.configuration.frameMaxLength,
      maxBufferedBytes: this.options.configuration.inputBufferMaxBytes,
      maxAwaitingBytes: this.options.configuration.awaitingRequestsMaxBytes,
      stageTimeoutMs,
      serverVersion: SERVER_VERSION,
    };
    const handler = createDispatcher(namesrvProcessors(), ctx, SERVER_VERSION, (request, connection) =>
      (this.isDraining ? goAwayReply(request) : null) ?? access?.check(request, connection) ?? null,
    );
    const listener: ConnectionListener = {
      onConnect: (connection) => this.options.connectionListener?.onConnect?.(connection),
      onClose: (connection, reason) => {
        this.onConnectionClosed(connection.id);
        this.options.connectionListener?.onClose?.(connection, reason);
      },
    };
    const processes = servingProcessCount(this.options.configuration.servingProcesses);
    if (processes > 1) {
      // Loaded only here: one process (one core, or servingProcesses=1) runs no cluster code.
      const { startServingCluster } = await import('../cluster/index.js');
      this.cluster = startServingCluster({
        processes,
        transport,
        handler,
        listener,
        logger: this.logger,
        configuration: this.options.configuration,
        env: this.options.env ?? process.env,
        generations: this.registry.generations,
        kvVersion: () => this.kv.namespaceVersion(ORDER_TOPIC_CONFIG_NAMESPACE),
        counters: this.counters,
        access,
        mayKeepRoutes: () => !this.isDraining && this.readiness().ready,
        topicNames: () => this.registry.topicNames(),
        shapeIdOf: (topic) => this.cache.shapeIdOf(topic),
      });
      this.server = this.cluster;
    } else {
      this.server = new RemotingServer({
        ...transport,
        logger: this.logger,
        handler,
        listener,
        tls: this.tls,
        // PROXY protocol is detected on every connection, as Java 5.3 does; only trusted peers choose their address.
        proxyProtocol: { trusted: trustedProxies },
      });
    }
    let address: net.AddressInfo;
    try {
      address = await this.server.listen();
    } catch (err) {
      // A port in use must not leave the certificate watcher keeping the process alive.
      await Promise.all([this.tls?.close(), this.access?.close()]);
      this.tls = null;
      this.access = null;
      this.server = null;
      this.cluster = null;
      throw err;
    }
    events.remotingListening?.(address);
    this.schedule(SCAN_INITIAL_DELAY_MS, () => namesrv.scanNotActiveBrokerInterval, () => this.scanNotActiveBrokers());
    this.schedule(KV_PRINT_INITIAL_DELAY_MS, () => KV_PRINT_INTERVAL_MS, () => this.kv.printAll());
    return address;
  }

  /** Signed-request checking; null unless `aclEnable=true`. */
  get accessControl(): AccessControl | null {
    return this.access;
  }

  private async startAccessControl(): Promise<AccessControl | null> {
    const { security } = this.options.configuration;
    if (!security.aclEnable) return null;
    this.access = await AccessControl.start({
      file: security.aclFile,
      switches: security,
      logger: this.logger,
      onRefused: this.options.onAclRefused,
      watchDebounceMs: this.options.aclWatchDebounceMs,
    });
    return this.access;
  }

  /** The TLS side of the listener (null when `tls.server.mode=disabled`). */
  get serverTls(): ServerTls | null {
    return this.tls;
  }

  get address(): net.AddressInfo | null {
    return this.server?.address ?? null;
  }

  /**
   * True from the start of a graceful shutdown: new connections are refused and clients newer than
   * 5.3.1 are answered GO_AWAY (for readiness checks).
   */
  get draining(): boolean {
    return this.isDraining;
  }

  /** When `start` was called, on the server's clock. */
  get startTime(): number {
    return this.startedAt;
  }

  /** Connections open at the remoting port. */
  get connectionCount(): number {
    return this.server?.connectionCount ?? 0;
  }

  /** Drops brokers silent past their heartbeat timeout (run periodically). Returns how many. */
  scanNotActiveBrokers(): number {
    const expired = this.registry.scanNotActiveBrokers();
    this.counters.brokersExpired(expired);
    return expired;
  }

  /**
   * Ready to serve: the remoting port listens, the KV store is loaded, the needWaitForService
   * window is over, and no shutdown has begun.
   */
  readiness(): Readiness {
    if (this.isDraining) return { ready: false, reason: 'shutting down: draining connections' };
    if (!this.kvLoaded) return { ready: false, reason: 'the KV store is not loaded yet' };
    if (!this.server?.address) return { ready: false, reason: 'the remoting port is not listening' };
    const { needWaitForService, waitSecondsForService } = this.options.configuration.namesrv;
    const waitLeftMs = this.startedAt + waitSecondsForService * 1000 - this.clock.now();
    if (needWaitForService && waitLeftMs > 0) {
      return { ready: false, reason: `needWaitForService: route lookups are refused for ${Math.ceil(waitLeftMs / 1000)} s more` };
    }
    return { ready: true };
  }

  /**
   * Stops accepting, closes connections and timers. KV changes are already on disk. With
   * `enableShutdownGracefully`, first drains: open connections are served (newer clients told to go
   * away) until they close or `shutdownWaitTimeSeconds` pass.
   */
  async shutdown(): Promise<void> {
    if (this.server && !this.isDraining && this.options.configuration.netty.enableShutdownGracefully) await this.drain(this.server);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.registry.stop();
    await Promise.all([this.tls?.close(), this.server?.close(), this.registerBodies.close(), this.access?.close()]);
    await this.kv.idle(); // KV changes already acknowledged are on disk; this waits for any still being written
    this.tls = null;
    this.access = null;
    this.server = null;
    this.cluster = null;
    this.logger.info('name server shut down');
  }

  /** The serving processes when several serve the remoting port; null in one process. */
  get servingCluster(): ServingCluster | null {
    return this.cluster;
  }

  private async drain(server: RemotingFront): Promise<void> {
    const waitMs = this.options.configuration.netty.shutdownWaitTimeSeconds * 1000;
    this.isDraining = true;
    this.logger.info({ waitMs, connections: server.connectionCount }, 'draining: new connections refused, clients newer than 5.3.1 told to go away');
    const bound = this.options.drainWait ? { promise: this.options.drainWait(waitMs), cancel: () => undefined } : cancellableDelay(waitMs);
    await Promise.race([server.stopAccepting(), bound.promise]);
    bound.cancel();
    this.logger.info({ connections: server.connectionCount }, 'drain over, closing the remaining connections');
  }

  /** What the Prometheus export reads of the server, at each scrape. */
  metricSources(): MetricSources {
    return {
      registry: () => {
        const counts = this.registryView.counts();
        return { liveBrokers: counts.brokers, brokerGroups: counts.brokerNames, clusters: counts.clusters, topics: counts.topics };
      },
      pendingUnregistrations: () => this.registry.pendingUnregistrations,
      connections: () => {
        const server = this.server;
        if (!server) return { open: 0, accepted: 0, bytesIn: 0, bytesOut: 0 };
        return { open: server.connectionCount, accepted: server.acceptedCount, ...server.traffic() };
      },
      servingProcesses: () => this.cluster?.connectionsByProcess() ?? new Map([[process.pid, this.connectionCount]]),
    };
  }

  private onConnectionClosed(connectionId: number): void {
    const pending = this.registry.pendingUnregistrations;
    this.registry.onConnectionClosed(connectionId);
    const removed = this.registry.pendingUnregistrations - pending;
    if (removed > 0) this.counters.brokersRemovedWithConnection(removed);
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
