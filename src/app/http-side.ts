import type tls from 'node:tls';
import type { ControllerReport } from '../controller/controller-report.js';
import type { AccountCheck, Endpoint, HttpContext } from '../http/http-context.js';
import type { HttpsIdentity } from '../http/https-identity.js';
import type { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import type { NameServer } from '../namesrv/nameserver.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/** The HTTP listener beside a NameServer. */
export interface HttpSide {
  readonly endpoint: Endpoint;
  /** True when it serves HTTPS (the remoting side has a certificate). */
  readonly https: boolean;
  readonly prometheus: PrometheusMetrics;
  readonly identity: HttpsIdentity | null;
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
 * Starts the HTTP listener of a started NameServer: metrics, health, the JSON API, the address
 * server and the console. Its modules are loaded only now: fastify and prom-client take ~200 ms to
 * load, which brokers need not wait for. HTTPS when the remoting side has certificate files.
 */
export async function startHttpSide(nameServer: NameServer, options: HttpSideOptions): Promise<HttpSide> {
  const [{ createHttpServer, listenHttp }, { PrometheusMetrics }, { HttpsIdentity }] = await Promise.all([
    import('../http/http-server.js'),
    import('../metrics/prometheus-metrics.js'),
    import('../http/https-identity.js'),
  ]);
  const { http, netty } = nameServer.configuration;
  const prometheus = new PrometheusMetrics(nameServer.counters, nameServer.metricSources());
  const files = certificateFiles(nameServer);
  const identity = files ? await HttpsIdentity.start(files, options.logger, options.tlsWatchDebounceMs) : null;
  let listening: Endpoint | null = null;
  const app = createHttpServer(httpContext(nameServer, prometheus, () => listening, options), { https: identity?.contextOptions });
  let endpoint: Endpoint;
  try {
    endpoint = listening = await listenHttp(app, http.httpPort, http.httpBindAddress || netty.bindAddress);
  } catch (err) {
    await Promise.all([app.close(), identity?.close()]);
    throw err;
  }
  // With `https` set, fastify's server is an https.Server: a tls.Server whose certificate a reload replaces.
  identity?.serve(app.server as unknown as tls.Server);
  return {
    endpoint,
    https: identity !== null,
    prometheus,
    identity,
    close: async () => {
      await Promise.all([app.close(), identity?.close()]);
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
    metrics: {
      scrape: (openMetrics) => prometheus.scrape(openMetrics),
      totals: () => ({ ...nameServer.counters.requests.totals(), connectionsOpen: nameServer.connectionCount }),
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
