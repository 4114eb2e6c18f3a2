import { Counter, Gauge, type Registry } from 'prom-client';

/** Adds `n` to the series with these labels. */
export type AddToSeries = (labels: Record<string, string>, n: number) => void;

/**
 * Prometheus series whose values are counted elsewhere as plain numbers (off the request path's
 * way) and read only when scraped: counters re-filled from their totals, gauges set from a reading.
 */
export function readAtScrape(registry: Registry, prefix: string) {
  const registers = [registry];
  return {
    counter(name: string, help: string, labelNames: string[], read: (add: AddToSeries) => void): Counter {
      return new Counter({
        name: `${prefix}${name}`,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          read((labels, n) => this.inc(labels, n));
        },
      });
    },
    gauge(name: string, help: string, read: () => number): Gauge {
      return new Gauge({
        name: `${prefix}${name}`,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    },
  };
}
