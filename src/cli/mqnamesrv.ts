import os from 'node:os';
import { HttpListenError } from '../http/http-listen-error.js';
import { USAGE } from '../namesrv/config/command-line.js';
import { ConfigError } from '../namesrv/config/config-error.js';
import type { Configuration } from '../namesrv/config/configuration.js';
import { loadConfiguration } from '../namesrv/config/load-configuration.js';
import { KvStoreLoadError } from '../namesrv/kv/kv-store.js';
import { createLogger, type Logger } from '../util/logger.js';
import { exitWhenIdle, StopOnSignals } from './stop-on-signals.js';
import { ControllerConfigError, controllerConfigEntries, type ControllerConfig } from '../controller/config/controller-config.js';
import { controllerSettings } from '../controller/embedded.js';
import { formatProperties } from '../util/java-properties.js';

interface Startable {
  start(events: { remotingListening(address: { address: string; port: number }): void }): Promise<unknown>;
  readonly httpEndpoint: { address: string; port: number } | null;
  readonly https: boolean;
  shutdown(): Promise<void>;
}

/**
 * `mqnamesrv`: the Java NameServer's command line, config files and start-up line.
 * `earlySignal`: a SIGTERM or SIGINT that arrived while this module was loading.
 */
export async function main(argv: string[], earlySignal: NodeJS.Signals | null = null): Promise<void> {
  const signals = new StopOnSignals(earlySignal);
  if (signals.stopRequested) return;
  let loaded;
  try {
    loaded = loadConfiguration({ argv, env: process.env, homeDir: os.homedir() });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const hint = error.isUsageError ? ' (mqnamesrv -h shows the options)' : '';
    return fail(`mqnamesrv: ${error.message}${hint}`);
  }
  const { configuration, configFile } = loaded;
  if (loaded.help) {
    process.stdout.write(USAGE);
    return;
  }
  let controllerConfig: ControllerConfig | null = null;
  if (configuration.namesrv.enableControllerInNamesrv) {
    try {
      controllerConfig = controllerSettings({ homeDir: os.homedir(), rocketmqHome: configuration.namesrv.rocketmqHome, properties: loaded.controllerProperties });
    } catch (error) {
      if (!(error instanceof ControllerConfigError)) throw error;
      return fail(`mqnamesrv: ${error.message}`);
    }
  }
  if (configFile !== undefined) process.stdout.write(`load config properties file OK, ${configFile}\n`);
  if (loaded.printConfig) {
    process.stdout.write(configuration.formatAll());
    if (controllerConfig) process.stdout.write(formatProperties(controllerConfigEntries(controllerConfig)));
    return;
  }
  await run(configuration, loaded.ignored, signals, controllerConfig);
}

async function run(configuration: Configuration, ignoredProperties: string[], signals: StopOnSignals, controllerConfig: ControllerConfig | null): Promise<void> {
  let logger: Logger;
  try {
    logger = createLogger({ level: configuration.logLevel, logDir: configuration.logDir, rotation: configuration.logRotation });
  } catch (error) {
    return fail(`cannot write logs to ${configuration.logDir}: ${(error as Error).message}`);
  }
  signals.useLogger(logger);
  logger.info({ settings: Object.fromEntries(configuration.entries()) }, 'name server configuration');
  if (ignoredProperties.length > 0) {
    logger.warn({ properties: ignoredProperties }, 'config file properties for the Java NameServer\'s remoting client or controller are ignored');
  }

  // Loaded here so that -h and -p work without the server's modules.
  const { NameServerApp } = await import('../app/nameserver-app.js');
  if (signals.stopRequested) return;
  const nameServer = new NameServerApp({ configuration, logger });
  let stopController: (() => Promise<void>) | null = null;
  const server: Startable = {
    start: (events) => nameServer.start(events),
    get httpEndpoint() {
      return nameServer.httpEndpoint;
    },
    get https() {
      return nameServer.https;
    },
    shutdown: async () => {
      await stopController?.().catch((err: unknown) => logger.error({ err }, 'controller shutdown failed'));
      await nameServer.shutdown();
    },
  };
  // Announced as soon as brokers and clients can be served, as Java does; HTTP follows.
  const announce = (line: string) => {
    if (signals.stopRequested) return; // being shut down: never announced
    logger.info(line);
    process.stdout.write(`${line}\n`);
  };
  const starting = server.start({
    remotingListening: (address) => announce(`The Name Server boot success. serializeType=JSON, address ${address.address}:${address.port}`),
  });
  signals.manage(server, starting);
  try {
    await starting;
  } catch (error) {
    if (signals.stopRequested) return;
    await server.shutdown().catch(() => undefined);
    return fail(startFailure(error, configuration), logger);
  }
  const http = server.httpEndpoint;
  if (http) announce(`${server.https ? 'HTTPS' : 'HTTP'} (metrics, health, API, address server) on ${http.address}:${http.port}`);
  if (controllerConfig && !signals.stopRequested) {
    const { startEmbeddedController } = await import('../controller/embedded.js');
    const { controllerRegistry } = await import('../controller/metrics/controller-metrics.js');
    try {
      const controller = await startEmbeddedController(controllerConfig, os.homedir(), logger);
      stopController = () => controller.stop();
      // A stop that came while the controller started found nothing to stop yet.
      if (signals.stopRequested) {
        await controller.stop();
        return;
      }
      nameServer.addMetrics((registry) => controllerRegistry(controller.service, registry));
      nameServer.attachController(controller);
      announce(`The Controller Server boot success. serializeType=JSON, address ${controller.selfAddress}`);
    } catch (error) {
      await server.shutdown().catch(() => undefined);
      return fail(`controller failed to start: ${controllerStartFailure(error, controllerConfig)}`, logger);
    }
  }
}

function controllerStartFailure(error: unknown, config: ControllerConfig): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `the port of this controller's entry in controllerDLegerPeers (${config.controllerDLegerPeers}) is already in use`;
  return error instanceof Error ? error.message : String(error);
}

function startFailure(error: unknown, configuration: Configuration): string {
  if (error instanceof HttpListenError) return httpStartFailure(error);
  const { listenPort, bindAddress } = configuration.netty;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return `port ${listenPort} is already in use (bindAddress ${bindAddress})`;
  if (code === 'EACCES') return `no permission to listen on port ${listenPort} (bindAddress ${bindAddress})`;
  if (code === 'EADDRNOTAVAIL') return `bindAddress ${bindAddress} is not an address of this host`;
  if (error instanceof KvStoreLoadError) return error.message;
  return `failed to start: ${error instanceof Error ? error.message : String(error)}`;
}

function httpStartFailure({ code, port, host, message }: HttpListenError): string {
  if (code === 'EADDRINUSE') return `HTTP port ${port} is already in use (httpBindAddress ${host})`;
  if (code === 'EACCES') return `no permission to listen on HTTP port ${port} (httpBindAddress ${host})`;
  if (code === 'EADDRNOTAVAIL') return `httpBindAddress ${host} is not an address of this host`;
  return `failed to start HTTP on ${host}:${port}: ${message}`;
}

function fail(message: string, logger?: Logger): void {
  process.stderr.write(`${message}\n`);
  logger?.error(message);
  exitWhenIdle(1);
}
