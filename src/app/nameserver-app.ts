import type net from 'node:net';
import type { ControllerReport } from '../controller/controller-report.js';
import type { Endpoint } from '../http/http-context.js';
import type { HttpsIdentity } from '../http/https-identity.js';
import type { PrometheusMetrics } from '../metrics/prometheus-metrics.js';
import type { Registry } from 'prom-client';
import { NameServer, type NameServerOptions, type StartEvents } from '../namesrv/nameserver.js';
import { systemClock } from '../util/clock.js';
import { startHttpSide, type HttpSide } from './http-side.js';

export interface NameServerAppOptions extends NameServerOptions {
  /** Quiet time after the HTTPS certificate files change before they are read again. */
  httpsWatchDebounceMs?: number;
}

/**
 * The composition root: a NameServer and, with `httpEnable=true`, the HTTP listener beside it,
 * started once the remoting port listens (brokers never wait for HTTP) and stopped after the
 * NameServer (a draining server still answers its readiness probe).
 */
export class NameServerApp {
  readonly nameServer: NameServer;
  private http: HttpSide | null = null;
  private controller: { report(): ControllerReport } | null = null;
  private stopping: Promise<void> | null = null;

  constructor(private readonly options: NameServerAppOptions) {
    this.nameServer = new NameServer(options);
  }

  /** Starts the NameServer, then HTTP. Resolves with the remoting address once both listen; a failure leaves nothing running. */
  async start(events: StartEvents = {}): Promise<net.AddressInfo> {
    const address = await this.nameServer.start(events);
    if (!this.options.configuration.http.httpEnable) return address;
    try {
      this.http = await startHttpSide(this.nameServer, {
        logger: this.options.logger,
        clock: this.options.clock ?? systemClock,
        tlsWatchDebounceMs: this.options.httpsWatchDebounceMs,
        controller: () => this.controller?.report() ?? null,
      });
    } catch (err) {
      await this.shutdown();
      throw err;
    }
    return address;
  }

  /** The controller embedded in this NameServer (`enableControllerInNamesrv=true`), shown by the HTTP API and the console. */
  attachController(controller: { report(): ControllerReport }): void {
    this.controller = controller;
  }

  /** Where HTTP listens; null when it is off or not started. */
  get httpEndpoint(): Endpoint | null {
    return this.http?.endpoint ?? null;
  }

  /** True when the HTTP listener serves HTTPS. */
  get https(): boolean {
    return this.http?.https ?? false;
  }

  /** The HTTPS certificate (null without HTTPS). */
  get httpsIdentity(): HttpsIdentity | null {
    return this.http?.identity ?? null;
  }

  /** The Prometheus export; null until the first HTTP request has loaded it (it is only read over HTTP). */
  get prometheusMetrics(): PrometheusMetrics | null {
    return this.http?.prometheus ?? null;
  }

  /** Adds series to the Prometheus export (a no-op without HTTP): now if it exists, or when it is made. */
  addMetrics(register: (registry: Registry) => void): void {
    this.http?.addMetrics(register);
  }

  /** Loads the HTTP routes now instead of at the first request (a no-op without HTTP). */
  async loadHttpRoutes(): Promise<void> {
    await this.http?.load();
  }

  /** Stops the NameServer (draining first when configured), then HTTP. Once; later calls wait for the same stop. */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    await this.nameServer.shutdown();
    const http = this.http;
    this.http = null;
    await http?.close();
  }
}
