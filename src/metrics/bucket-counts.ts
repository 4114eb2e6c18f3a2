/** Upper bounds (seconds) of the request latency buckets: route lookups take microseconds, registrations milliseconds. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

/**
 * A histogram's counts kept as plain numbers: observing is a short scan and two additions, no
 * label hashing. prom-client reads them at scrape time (see precounted-histogram.ts).
 */
export class BucketCounts {
  /** Per bucket, not cumulative; the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  /** Adds counts kept elsewhere with the same bounds (a serving process's). */
  add(counts: ArrayLike<number>, sum: number, count: number): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += counts[i] ?? 0;
    this.sum += sum;
    this.count += count;
  }
}
