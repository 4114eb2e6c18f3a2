import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { NamesrvObserver } from '../namesrv/observer.js';
import { PACKAGE_VERSION, ROCKETMQ_VERSION_NAME } from '../version.js';
import { Exposition, type Scrape } from './exposition.js';
import { PrecountedHistogram } from './precounted-histogram.js';
import { RequestStats, resultName } from './request-stats.js';

const PREFIX = 'rocketmq_namesrv_';

const GAUGES_NAMED_AS_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** What the metrics read when scraped, so that gauges cost nothing between scrapes. */
export interface MetricSources {
  registry(): { liveBrokers: number; brokerGroups: number; clusters: number; topics: number };
  pendingUnregistrations(): number;
  connections(): { open: number; accepted: number; bytesIn: number; bytesOut: number };
}

/** Nothing to read yet (before the server starts). */
export const NO_SOURCES: MetricSources = {
  registry: () => ({ liveBrokers: 0, brokerGroups: 0, clusters: 0, topics: 0 }),
  pendingUnregistrations: () => 0,
  connections: () => ({ open: 0, accepted: 0, bytesIn: 0, bytesOut: 0 }),
};

/**
 * The NameServer's Prometheus metrics, in a registry of its own (several servers in one process do
 * not share series). The request path only bumps plain numbers (NamesrvObserver); prom-client reads
 * them, and the gauges' sources, when scraped. Labels come from fixed sets: request code name,
 * request class, response code name, outcome; never a topic, a broker or a client address.
 */
export class NamesrvMetrics implements NamesrvObserver {
  readonly registry = new Registry();
  private readonly requests = new RequestStats();
  private readonly registrations = { applied: 0, unchanged: 0 };
  private readonly routeCache = { hit: 0, miss: 0 };
  private brokerExpiries = 0;
  private connectionCloseRemovals = 0;
  private readonly exposition = new Exposition(this.registry);
  private sources: MetricSources = NO_SOURCES;
  private readonly kvPersist: Histogram;
  private readonly kvPersistFailures: Counter;
  private readonly tlsHandshakes: Counter<'result'>;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters (promtool flags them); the per-type gauges of the same name carry the same counts.
    for (const name of GAUGES_NAMED_AS_COUNTERS) this.registry.removeSingleMetric(name);
    new Gauge({
      name: `${PREFIX}build_info`,
      help: 'Always 1; the labels tell the version of this server and the RocketMQ version it answers as.',
      labelNames: ['version', 'rocketmq_version'],
      registers,
    }).set({ version: PACKAGE_VERSION, rocketmq_version: ROCKETMQ_VERSION_NAME }, 1);

    this.defineRequestMetrics();
    const counter = (name: string, help: string, read: () => number) =>
      new Counter({
        name: `${PREFIX}${name}`,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name: `${PREFIX}${name}`, help, registers, collect() { this.set(read()); } });

    new Counter({
      name: `${PREFIX}broker_registrations_total`,
      help: 'REGISTER_BROKER requests by outcome: applied (topics read), unchanged (same body as last time), rejected.',
      labelNames: ['outcome'],
      registers,
      collect: (() => {
        const registrations = this.registrations;
        const requests = this.requests;
        return function (this: Counter<'outcome'>) {
          this.reset();
          this.inc({ outcome: 'applied' }, registrations.applied);
          this.inc({ outcome: 'unchanged' }, registrations.unchanged);
          this.inc({ outcome: 'rejected' }, requests.registrationsRefused);
        };
      })(),
    });
    const routeCache = this.routeCache;
    new Counter({
      name: `${PREFIX}route_cache_lookups_total`,
      help: 'Route lookups answered from the cache of encoded routes (hit) or built afresh (miss).',
      labelNames: ['result'],
      registers,
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, routeCache.hit);
        this.inc({ result: 'miss' }, routeCache.miss);
      },
    });
    counter('broker_expiries_total', 'Brokers dropped for no heartbeat within their timeout.', () => this.brokerExpiries);
    counter('broker_connection_close_removals_total', 'Brokers unregistered because their connection closed.', () => this.connectionCloseRemovals);

    gauge('live_brokers', 'Registered broker processes (cluster, address) alive.', () => this.sources.registry().liveBrokers);
    gauge('broker_groups', 'Broker names (master and slaves) with at least one address.', () => this.sources.registry().brokerGroups);
    gauge('clusters', 'Clusters with at least one broker.', () => this.sources.registry().clusters);
    gauge('topics', 'Topics with a route.', () => this.sources.registry().topics);
    gauge('unregistration_queue_depth', 'Unregistrations waiting for the next batch.', () => this.sources.pendingUnregistrations());
    gauge('connections_open', 'Remoting connections open now.', () => this.sources.connections().open);
    counter('connections_accepted_total', 'Remoting connections accepted.', () => this.sources.connections().accepted);
    counter('received_bytes_total', 'Bytes read from remoting connections.', () => this.sources.connections().bytesIn);
    counter('sent_bytes_total', 'Bytes written to remoting connections.', () => this.sources.connections().bytesOut);

    this.kvPersist = new Histogram({
      name: `${PREFIX}kv_persist_duration_seconds`,
      help: 'Time to write kvConfig.json after a KV change (atomic write with fsync).',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.kvPersistFailures = new Counter({ name: `${PREFIX}kv_persist_failures_total`, help: 'KV changes refused because kvConfig.json could not be written.', registers });
    this.tlsHandshakes = new Counter({
      name: `${PREFIX}tls_handshakes_total`,
      help: 'TLS handshakes on the remoting port, by result (a refused client certificate is a failure).',
      labelNames: ['result'],
      registers,
    });
    this.tlsHandshakes.inc({ result: 'success' }, 0);
    this.tlsHandshakes.inc({ result: 'failure' }, 0);
  }

  /** Where the gauges read from; set once the server's parts exist. */
  readFrom(sources: MetricSources): void {
    this.sources = sources;
  }

  /** The exposition in Prometheus text format, or OpenMetrics. */
  scrape(openMetrics: boolean): Promise<Scrape> {
    return this.exposition.scrape(openMetrics);
  }

  /** Totals for the console's live charts. */
  totals(): { requests: number; routeLookups: number; routeLookupSeconds: number; connectionsOpen: number } {
    return { ...this.requests.totals(), connectionsOpen: this.sources.connections().open };
  }

  // ---- NamesrvObserver ----------------------------------------------------------------------

  requestHandled(requestCode: number, responseCode: number, durationMs: number): void {
    this.requests.record(requestCode, responseCode, durationMs);
  }

  registrationAccepted(outcome: 'applied' | 'unchanged'): void {
    this.registrations[outcome]++;
  }

  routeCacheLookup(hit: boolean): void {
    if (hit) this.routeCache.hit++;
    else this.routeCache.miss++;
  }

  brokersExpired(count: number): void {
    this.brokerExpiries += count;
  }

  brokersRemovedWithConnection(count: number): void {
    this.connectionCloseRemovals += count;
  }

  kvPersisted(durationMs: number, ok: boolean): void {
    this.kvPersist.observe(durationMs / 1000);
    if (!ok) this.kvPersistFailures.inc();
  }

  tlsHandshake(ok: boolean): void {
    this.tlsHandshakes.inc({ result: ok ? 'success' : 'failure' });
  }

  private defineRequestMetrics(): void {
    const requests = this.requests;
    new Counter({
      name: `${PREFIX}requests_total`,
      help: 'Remoting requests answered, by request code, request class and response code.',
      labelNames: ['code', 'class', 'result'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const stats of requests.codes()) {
          const labels = { code: stats.code, class: stats.requestClass };
          if (stats.succeeded > 0) this.inc({ ...labels, result: 'SUCCESS' }, stats.succeeded);
          for (const [responseCode, count] of stats.failed) this.inc({ ...labels, result: resultName(responseCode) }, count);
        }
      },
    });
    new PrecountedHistogram(`${PREFIX}request_duration_seconds`, 'Time from a request decoded to its answer ready, by request code.', function* () {
      for (const stats of requests.codes()) yield { labels: { code: stats.code, class: stats.requestClass }, counts: stats.latency };
    }).registerIn(this.registry);
  }
}
