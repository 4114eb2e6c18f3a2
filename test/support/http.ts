import { createRequire } from 'node:module';

/** A sample as parse-prometheus-text-format gives it (values are strings). */
export interface PromSample {
  labels?: Record<string, string>;
  value?: string;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}

export interface PromFamily {
  name: string;
  help: string;
  type: string;
  metrics: PromSample[];
}

const require = createRequire(import.meta.url);
const parsePrometheusText = require('parse-prometheus-text-format') as (text: string) => PromFamily[];

export interface HttpAnswer {
  status: number;
  contentType: string | null;
  text: string;
}

export async function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

export async function getJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  const answer = await httpGet(port, path);
  return { status: answer.status, body: JSON.parse(answer.text) };
}

/**
 * A parsed /metrics exposition, with lookups by name and labels. The parser merges the series of a
 * labelled histogram into one and drops their sums and counts, so histograms are also read with
 * their TYPE lines removed: `_bucket`, `_sum` and `_count` then come out as families of their own.
 */
export class Exposition {
  readonly families: Map<string, PromFamily>;
  private readonly histogramParts: Map<string, PromFamily>;

  constructor(readonly text: string) {
    this.families = new Map(parsePrometheusText(text).map((f) => [f.name, f]));
    const untyped = text.replace(/^# TYPE \S+ histogram$/gm, '');
    // Series of one histogram interleave their parts, so a part's family comes in several pieces.
    this.histogramParts = new Map();
    for (const piece of parsePrometheusText(untyped)) {
      const family = this.histogramParts.get(piece.name);
      if (family) family.metrics.push(...piece.metrics);
      else this.histogramParts.set(piece.name, piece);
    }
  }

  /** The samples of a family whose labels include `labels`. */
  samples(name: string, labels: Record<string, string> = {}): PromSample[] {
    return matching(this.families.get(name), labels);
  }

  /** The value of the one sample matching, 0 when there is none. */
  value(name: string, labels: Record<string, string> = {}): number {
    const found = this.samples(name, labels);
    if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
    return found.length === 0 ? 0 : Number(found[0]!.value);
  }

  /** A histogram's observation count for the matching series, 0 when there is none. */
  count(name: string, labels: Record<string, string> = {}): number {
    return this.histogramPart(`${name}_count`, labels);
  }

  sum(name: string, labels: Record<string, string> = {}): number {
    return this.histogramPart(`${name}_sum`, labels);
  }

  /** A histogram series' cumulative bucket counts by upper bound (`le`). */
  buckets(name: string, labels: Record<string, string> = {}): Map<string, number> {
    return new Map(matching(this.histogramParts.get(`${name}_bucket`), labels).map((m) => [m.labels!.le!, Number(m.value)]));
  }

  private histogramPart(name: string, labels: Record<string, string>): number {
    const found = matching(this.histogramParts.get(name), labels);
    if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
    return found.length === 0 ? 0 : Number(found[0]!.value);
  }

  /** Every label value of every sample. */
  labelValues(): string[] {
    const values: string[] = [];
    for (const family of this.families.values()) for (const m of family.metrics) values.push(...Object.values(m.labels ?? {}));
    return values;
  }
}

function matching(family: PromFamily | undefined, labels: Record<string, string>): PromSample[] {
  if (!family) return [];
  return family.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

export async function scrapeMetrics(port: number): Promise<Exposition> {
  const answer = await httpGet(port, '/metrics');
  if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}`);
  return new Exposition(answer.text);
}
