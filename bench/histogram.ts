/**
 * A latency histogram in the manner of HdrHistogram: values in microseconds, log-linear buckets
 * (128 sub-buckets per power of two, so any recorded value is known to within 1 %), mergeable
 * across processes by adding counts.
 */

const SUB_BUCKET_BITS = 7;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
const HALF = SUB_BUCKETS >> 1;
/** Enough buckets for values up to 2^31 µs (about 35 minutes). */
const BUCKET_COUNT = (31 - SUB_BUCKET_BITS + 2) * HALF + SUB_BUCKETS;

export interface HistogramSnapshot {
  counts: number[];
  count: number;
  maxUs: number;
  sumUs: number;
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  count = 0;
  maxUs = 0;
  sumUs = 0;

  /** Records a latency given in milliseconds (fractions kept down to 1 µs). */
  recordMs(ms: number): void {
    this.recordUs(Math.round(ms * 1000));
  }

  recordUs(us: number): void {
    const v = us < 0 ? 0 : us > 0x7fffffff ? 0x7fffffff : us | 0;
    this.counts[bucketOf(v)]++;
    this.count++;
    this.sumUs += v;
    if (v > this.maxUs) this.maxUs = v;
  }

  add(other: HistogramSnapshot): void {
    for (let i = 0; i < other.counts.length; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sumUs += other.sumUs;
    if (other.maxUs > this.maxUs) this.maxUs = other.maxUs;
  }

  snapshot(): HistogramSnapshot {
    let last = this.counts.length - 1;
    while (last >= 0 && this.counts[last] === 0) last--;
    return { counts: Array.from(this.counts.subarray(0, last + 1)), count: this.count, maxUs: this.maxUs, sumUs: this.sumUs };
  }

  /** The value at or below which `fraction` of the recordings lie (upper edge of its bucket, capped at max). */
  percentileUs(fraction: number): number {
    if (this.count === 0) return 0;
    const wanted = Math.max(1, Math.ceil(fraction * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= wanted) return Math.min(upperEdgeOf(i), this.maxUs);
    }
    return this.maxUs;
  }

  summary(): LatencySummary {
    const ms = (us: number) => Math.round(us) / 1000;
    return {
      count: this.count,
      meanMs: this.count ? ms(this.sumUs / this.count) : 0,
      p50Ms: ms(this.percentileUs(0.5)),
      p99Ms: ms(this.percentileUs(0.99)),
      p999Ms: ms(this.percentileUs(0.999)),
      maxMs: ms(this.maxUs),
    };
  }

  static merge(snapshots: Iterable<HistogramSnapshot>): Histogram {
    const h = new Histogram();
    for (const s of snapshots) h.add(s);
    return h;
  }
}

function bucketOf(v: number): number {
  if (v < SUB_BUCKETS) return v;
  const shift = 31 - Math.clz32(v) - (SUB_BUCKET_BITS - 1);
  return shift * HALF + (v >>> shift);
}

function upperEdgeOf(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const shift = Math.floor(index / HALF) - 1;
  const mantissa = index - shift * HALF;
  return ((mantissa + 1) << shift) - 1;
}
