import { createRequire } from 'node:module';
import { collectDefaultMetrics, type Registry } from 'prom-client';

const require = createRequire(import.meta.url);

type Collector = (registry: Registry, config: { eventLoopMonitoringPrecision: number }) => void;

/** prom-client gauges named like counters (promtool flags them); its per-type gauges carry the same counts. */
const GAUGES_NAMED_AS_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * prom-client's default process metrics (CPU, RSS, heap, event-loop lag, handles...) without its GC
 * duration histogram: that one observes every garbage collection (a PerformanceObserver on `gc`),
 * which cost ~15 MB of RSS under the bench's route load (107 MB against 90 MB, measured). Each
 * default metric is its own module, named in `metricsList`; should a prom-client release move
 * them, every default metric is collected instead.
 */
export function collectProcessMetrics(registry: Registry): void {
  let collectors: Collector[];
  try {
    collectors = collectDefaultMetrics.metricsList
      .filter((name) => name !== 'gc')
      .map((name) => require(`prom-client/lib/metrics/${name}.js`) as Collector);
  } catch {
    collectDefaultMetrics({ register: registry });
    collectors = [];
  }
  for (const collect of collectors) collect(registry, { eventLoopMonitoringPrecision: 10 });
  for (const name of GAUGES_NAMED_AS_COUNTERS) registry.removeSingleMetric(name);
}
