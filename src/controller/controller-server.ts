import type net from 'node:net';
import type { Registry } from 'prom-client';
import { controllerReport, type ControllerReport } from './controller-report.js';
import { controllerRegistry } from './metrics/controller-metrics.js';
import { ControllerResponseCode } from '../protocol/controller-codes.js';
import { SERVER_VERSION } from '../protocol/mq-version.js';
import { createResponse } from '../remoting/remoting-command.js';
import { RemotingServer } from '../remoting/remoting-server.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { resolveTopology, type ControllerConfig, type ControllerTopology, type Peer } from './config/controller-config.js';
import { ControllerService } from './service/controller-service.js';
import { connectAndSendOneway, type SendOneway } from './service/role-change-notifier.js';
import type { ControllerStore } from './store/controller-store.js';
import { createControllerStore, type CreateStoreOptions } from './store/create-store.js';

export interface StartControllerOptions {
  /** Live settings (UPDATE_CONTROLLER_CONFIG changes them). */
  readonly config: ControllerConfig;
  /** Stands for Java's `user.home`. */
  readonly homeDir: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Where to listen instead of this node's peer port (0: a free port); the reported address follows. */
  readonly listenPort?: number;
  /** Default 0.0.0.0, as Java's controller listens on every interface at its peer port. */
  readonly bindAddress?: string;
  readonly createStore?: (options: CreateStoreOptions) => ControllerStore;
  readonly sendOneway?: SendOneway;
  /** Run the heartbeat and inactive-master scans on timers (default true; tests drive them). */
  readonly timers?: boolean;
}

export interface RunningController {
  readonly address: net.AddressInfo;
  /** `host:port` brokers reach this controller at. */
  readonly selfAddress: string;
  readonly topology: ControllerTopology;
  readonly service: ControllerService;
  /** `rocketmq_controller_*` metrics, for an HTTP /metrics endpoint to merge. */
  readonly metrics: Registry;
  /** Who leads and the broker sets with their replicas, read from memory (console, HTTP API). */
  report(): ControllerReport;
  stop(): Promise<void>;
}

/**
 * Starts a controller: its own remoting server at this node's entry of controllerDLegerPeers
 * (not the NameServer's port), the store `controllerStore` names, and the scans.
 * Throws ControllerConfigError (one line) for a configuration that cannot run.
 */
export async function startController(options: StartControllerOptions): Promise<RunningController> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const configured = resolveTopology(config);
  let service: ControllerService | null = null;
  const server = new RemotingServer({
    port: options.listenPort ?? configured.self.port,
    host: options.bindAddress ?? '0.0.0.0',
    logger,
    serverVersion: SERVER_VERSION,
    handler: (request, connection) =>
      service
        ? service.handle(request, connection.id)
        : createResponse(request, { code: ControllerResponseCode.CONTROLLER_NOT_LEADER, remark: 'The controller is starting' }, SERVER_VERSION),
    listener: {
      onClose: (connection) => {
        service?.onConnectionClosed(connection.id).catch((err: unknown) => logger.error({ err }, 'controller: handling a closed connection failed'));
      },
    },
  });
  const address = await server.listen();
  const self: Peer = { ...configured.self, port: address.port, address: `${configured.self.host}:${address.port}` };
  const topology: ControllerTopology = { ...configured, self, peers: configured.peers.map((p) => (p.id === self.id ? self : p)) };
  const timers: NodeJS.Timeout[] = [];
  let store: ControllerStore;
  try {
    store = (options.createStore ?? createControllerStore)({ config, homeDir: options.homeDir, selfAddress: self.address, selfId: self.id, logger });
    const running = new ControllerService({
      config, topology, store, clock, logger, serverVersion: SERVER_VERSION, sendOneway: options.sendOneway ?? connectAndSendOneway(logger),
      closeConnection: (connectionId) => server.closeConnection(connectionId, 'expired'),
    });
    await running.start();
    service = running;
  } catch (error) {
    await server.close();
    throw error;
  }
  const started = service;
  if (options.timers !== false) {
    const every = (ms: number, scan: () => Promise<void>, what: string) => {
      const timer = setInterval(() => scan().catch((err: unknown) => logger.error({ err }, `controller: ${what} failed`)), ms);
      timer.unref();
      timers.push(timer);
    };
    every(config.scanNotActiveBrokerInterval, () => started.scanHeartbeats(), 'heartbeat scan');
    every(config.scanInactiveMasterInterval, () => started.scanInactiveMasters(), 'inactive master scan');
  }
  logger.info({ address: self.address, peers: topology.peers.map((p) => `${p.id}-${p.address}`), store: config.controllerStore }, 'controller listening');
  let stopping: Promise<void> | null = null;
  return {
    address,
    selfAddress: self.address,
    topology,
    service: started,
    metrics: controllerRegistry(started),
    report: () => controllerReport({ service: started, leadership: () => store.leadership(), selfAddress: self.address, store: config.controllerStore, now: () => clock.now() }),
    stop: () => {
      stopping ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        await server.close();
        await started.stop();
      })();
      return stopping;
    },
  };
}
