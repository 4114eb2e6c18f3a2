import { Counter, Gauge, Registry } from 'prom-client';
import { readAtScrape } from './read-at-scrape.js';
import { PACKAGE_VERSION, ROCKETMQ_VERSION_NAME } from '../version.js';
import { Exposition, type Scrape } from './exposition.js';
import type { NamesrvCounters } from './namesrv-counters.js';
import { PrecountedHistogram } from './precounted-histogram.js';
import { collectProcessMetrics } from './process-metrics.js';
import { resultName } from './request-stats.js';

const PREFIX = 'rocketmq_namesrv_';

/** What the gauges read when scraped, so that they cost nothing between scrapes. */
export interface MetricSources {
  registry(): { liveBrokers: number; brokerGroups: number; clusters: number; topics: number };
  pendingUnregistrations(): number;
  connections(): { open: number; accepted: number; bytesIn: number; bytesOut: number };
  /** Open remoting connections by the process serving them (`servingProcesses`), by pid. */
  servingProcesses?(): ReadonlyMap<number, number>;
}

/**
 * The NameServer's Prometheus metrics, in a registry of its own (several servers in one process do
 * not share series). Every value is read when scraped: the counters from NamesrvCounters, the
 * gauges from their sources. Labels come from fixed sets: request code name, request class,
 * response code name, outcome; never a topic, a broker or a client address.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly exposition = new Exposition(this.registry);

  constructor(counters: NamesrvCounters, sources: MetricSources) {
    const registers = [this.registry];
    collectProcessMetrics(this.registry);

    new Gauge({
      name: `${PREFIX}build_info`,
      help: 'Always 1; the labels tell the version of this server and the RocketMQ version it answers as.',
      labelNames: ['version', 'rocketmq_version'],
      registers,
    }).set({ version: PACKAGE_VERSION, rocketmq_version: ROCKETMQ_VERSION_NAME }, 1);

    const { requests } = counters;
    new Counter({
      name: `${PREFIX}requests_total`,
      help: 'Remoting requests answered, by request code, request class and response code.',
      labelNames: ['code', 'class', 'result'],
      registers,
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

    const series = readAtScrape(this.registry, PREFIX);
    const labelled = (name: string, help: string, label: string, read: () => Record<string, number>) =>
      series.counter(name, help, [label], (add) => {
        for (const [value, count] of Object.entries(read())) add({ [label]: value }, count);
      });
    const counter = (name: string, help: string, read: () => number) => series.counter(name, help, [], (add) => add({}, read()));
    const { gauge } = series;

    labelled('broker_registrations_total', 'REGISTER_BROKER requests by outcome: applied (topics taken), unchanged (a body already applied), ignored (slot held by a newer state version), rejected.', 'outcome', () => ({
      ...counters.registrations,
      rejected: requests.registrationsRefused,
    }));
    labelled('route_cache_lookups_total', 'Route lookups answered from the cache of encoded routes (hit) or built afresh (miss).', 'result', () => counters.routeCache);
    counter('broker_expiries_total', 'Brokers dropped for no heartbeat within their timeout.', () => counters.brokerExpiries);
    counter('broker_connection_close_removals_total', 'Brokers unregistered because their connection closed.', () => counters.connectionCloseRemovals);

    gauge('live_brokers', 'Registered broker processes (cluster, address) alive.', () => sources.registry().liveBrokers);
    gauge('broker_groups', 'Broker names (master and slaves) with at least one address.', () => sources.registry().brokerGroups);
    gauge('clusters', 'Clusters with at least one broker.', () => sources.registry().clusters);
    gauge('topics', 'Topics with a route.', () => sources.registry().topics);
    gauge('unregistration_queue_depth', 'Unregistrations waiting for the next batch.', () => sources.pendingUnregistrations());
    gauge('connections_open', 'Remoting connections open now.', () => sources.connections().open);
    counter('connections_accepted_total', 'Remoting connections accepted.', () => sources.connections().accepted);
    counter('received_bytes_total', 'Bytes read from remoting connections.', () => sources.connections().bytesIn);
    counter('sent_bytes_total', 'Bytes written to remoting connections.', () => sources.connections().bytesOut);

    const serving = sources.servingProcesses;
    if (serving) {
      gauge('serving_processes', 'Processes serving the remoting port (servingProcesses).', () => serving().size);
      new Gauge({
        name: `${PREFIX}serving_process_connections`,
        help: 'Remoting connections open now, by the process (pid) serving them.',
        labelNames: ['pid'],
        registers,
        collect() {
          this.reset();
          for (const [pid, open] of serving()) this.set({ pid: String(pid) }, open);
        },
      });
    }

    new PrecountedHistogram(`${PREFIX}kv_persist_duration_seconds`, 'Time to write kvConfig.json after a KV change (atomic write with fsync).', () => [
      { labels: {}, counts: counters.kvPersist },
    ]).registerIn(this.registry);
    counter('kv_persist_failures_total', 'KV changes refused because kvConfig.json could not be written.', () => counters.kvPersistFailures);
    labelled('tls_handshakes_total', 'TLS handshakes on the remoting port, by result (a refused client certificate is a failure).', 'result', () => counters.tlsHandshakes);
  }

  /** The exposition in Prometheus text format, or OpenMetrics. */
  scrape(openMetrics: boolean): Promise<Scrape> {
    return this.exposition.scrape(openMetrics);
  }
}
