import type tls from 'node:tls';
import type { ControllerReport } from '../controller/controller-report.js';
import type { AccountCheck, Endpoint, HttpContext } from '../http/http-context.js';
import type { HttpsIdentity } from '../http/https-identity.js';
import { HttpListener } from '../http/http-listener.js';
import type { Registry } from 'prom-client';
import type { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import type { NameServer } from '../namesrv/nameserver.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/** The HTTP listener beside a NameServer. */
export interface HttpSide {
  readonly endpoint: Endpoint;
  /** True when it serves HTTPS (the remoting side has a certificate). */
  readonly https: boolean;
  /** The Prometheus export; null until the routes are loaded (the first HTTP request loads them). */
  readonly prometheus: PrometheusMetrics | null;
  readonly identity: HttpsIdentity | null;
  /** Adds series to the Prometheus export, now if it exists or when it is made. */
  addMetrics(register: (registry: Registry) => void): void;
  /** Loads the routes now (they load at the first request otherwise). */
  load(): Promise<void>;
  close(): Promise<void>;
}

export interface HttpSideOptions {
  logger: Logger;
  clock: Clock;
  /** Quiet time after the certificate files change before they are read again. */
  tlsWatchDebounceMs?: number;
  /** The embedded controller's report, once it runs (null before, or when there is none). */
  controller?: () => ControllerReport | null;
}

/**
 * Opens the HTTP port of a started NameServer: metrics, health, the JSON API, the address server and
 * the console. HTTPS when the remoting side has certificate files. The port listens at once, but
 * fastify, prom-client and the routes are loaded only at the first request: a NameServer that
 * nobody browses or scrapes stays small, and brokers never wait for them.
 */
export async function startHttpSide(nameServer: NameServer, options: HttpSideOptions): Promise<HttpSide> {
  const { http, netty } = nameServer.configuration;
  const files = certificateFiles(nameServer);
  const identity = files ? await (await import('../http/https-identity.js')).HttpsIdentity.start(files, options.logger, options.tlsWatchDebounceMs) : null;
  let endpoint: Endpoint | null = null;
  let prometheus: PrometheusMetrics | null = null;
  const metricExtensions: Array<(registry: Registry) => void> = [];
  const listener = new HttpListener({
    logger: options.logger,
    https: identity?.contextOptions,
    loadRouter: async () => {
      const [{ createHttpServer }, { PrometheusMetrics }] = await Promise.all([import('../http/http-server.js'), import('../metrics/prometheus-metrics.js')]);
      const metrics = new PrometheusMetrics(nameServer.counters, nameServer.metricSources());
      for (const register of metricExtensions) register(metrics.registry);
      const app = createHttpServer(httpContext(nameServer, metrics, () => endpoint, options));
      await app.ready();
      prometheus = metrics;
      return { route: (request, response) => app.routing(request, response), close: () => app.close() };
    },
  });
  try {
    endpoint = await listener.listen(http.httpPort, http.httpBindAddress || netty.bindAddress);
  } catch (err) {
    await identity?.close();
    throw err;
  }
  // An HTTPS listener is a tls.Server whose certificate a reload replaces.
  if (identity) identity.serve(listener.server as tls.Server);
  const listening = endpoint;
  return {
    endpoint: listening,
    https: identity !== null,
    get prometheus() {
      return prometheus;
    },
    identity,
    addMetrics: (register) => {
      metricExtensions.push(register);
      if (prometheus) register(prometheus.registry);
    },
    load: async () => {
      await listener.load();
    },
    close: async () => {
      await Promise.all([listener.close(), identity?.close()]);
    },
  };
}

/** The remoting side's certificate files, when it has them and TLS is on. */
function certificateFiles(nameServer: NameServer) {
  const server = nameServer.serverTls?.settings.server;
  if (!server?.certPath || !server.keyPath) return null;
  return { certPath: server.certPath, keyPath: server.keyPath, keyPassword: server.keyPassword };
}

/** What the routes read of the NameServer: narrow and read-only. */
function httpContext(nameServer: NameServer, prometheus: PrometheusMetrics, httpEndpoint: () => Endpoint | null, options: HttpSideOptions): HttpContext {
  const configuration = nameServer.configuration;
  const access = nameServer.accessControl;
  const accounts: AccountCheck | null = access
    ? { check: (accessKey, secretKey, origin, admin) => access.checkAccount(accessKey, secretKey, origin, admin) }
    : null;
  return {
    logger: options.logger,
    now: () => options.clock.now(),
    // Counts of lookups the serving processes answered are collected first, so that every
    // request answered before the scrape is in it.
    metrics: {
      scrape: async (openMetrics) => {
        await nameServer.servingCluster?.collectReports();
        return prometheus.scrape(openMetrics);
      },
      totals: async () => {
        await nameServer.servingCluster?.collectReports();
        return { ...nameServer.counters.requests.totals(), connectionsOpen: nameServer.connectionCount };
      },
    },
    readiness: () => nameServer.readiness(),
    accounts,
    registry: nameServer.registryView,
    kv: nameServer.kv,
    settings: () => configuration.entries(),
    server: {
      startedAt: nameServer.startTime,
      tlsMode: nameServer.serverTls?.mode ?? 'disabled',
      remoting: () => {
        const address = nameServer.address;
        return address ? { address: address.address, port: address.port } : null;
      },
      http: httpEndpoint,
    },
    console: {
      nameServers: () => configuration.http.consoleNameServers,
      compareAnyAddress: () => configuration.http.consoleCompareAnyAddress,
    },
    controller: () => options.controller?.() ?? null,
    addressServer: {
      namesrvList: () => configuration.http.addressServerNamesrvList,
      subgroups: () => configuration.http.addressServerSubgroups,
    },
  };
}
