import { Registry, type RegistryContentType } from 'prom-client';

export interface Scrape {
  contentType: string;
  body: string;
}

/** OpenMetrics when the scraper lists it in Accept (Prometheus does, first), else the text format 0.0.4. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('application/openmetrics-text');
}

/**
 * Writes a registry out in the format asked for. A registry has one content type at a time, and
 * prom-client renames counters (drops `_total`) when it writes OpenMetrics: scrapes take turns, and
 * the names are put back afterwards, so that the next text-format scrape still says `_total`.
 */
export class Exposition {
  private queue: Promise<unknown> = Promise.resolve();

  private readonly registry: Registry<RegistryContentType>;

  constructor(registry: Registry) {
    this.registry = registry as Registry<RegistryContentType>;
  }

  scrape(openMetrics: boolean): Promise<Scrape> {
    const run = this.queue.then(() => this.write(openMetrics));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(openMetrics: boolean): Promise<Scrape> {
    const registry = this.registry;
    const contentType = openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE;
    if (!openMetrics) return { contentType, body: await registry.metrics() };
    const names = new Map(registry.getMetricsAsArray().map((metric) => [metric, metric.name]));
    registry.setContentType(contentType);
    try {
      return { contentType, body: await registry.metrics() };
    } finally {
      registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
      for (const [metric, name] of names) (metric as { name: string }).name = name;
    }
  }
}
