import { requestCodeName, RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import { BucketCounts, LATENCY_BUCKETS } from './bucket-counts.js';
import { isKnownRequestCode, requestClass, type RequestClass } from './request-class.js';

/** Label value for request codes the NameServer does not know (any number a client sends). */
export const UNKNOWN_CODE = 'UNKNOWN';

const RESPONSE_NAMES = new Map<number, string>(Object.entries(ResponseCode).map(([name, code]) => [code, name]));

/** Label value of a response code; codes outside ResponseCode share one value. */
export function resultName(responseCode: number): string {
  return RESPONSE_NAMES.get(responseCode) ?? 'OTHER';
}

/** Counts and latency of one request code. */
export class CodeStats {
  readonly latency = new BucketCounts(LATENCY_BUCKETS);
  succeeded = 0;
  /** Response code → count, for answers other than SUCCESS. */
  readonly failed = new Map<number, number>();

  constructor(
    readonly code: string,
    readonly requestClass: RequestClass,
  ) {}
}

/**
 * Requests by code, response and latency, in plain numbers: recording one is a map lookup and a
 * few additions. Codes outside RequestCode are counted together, so a client sending random codes
 * cannot grow the number of series.
 */
export class RequestStats {
  private readonly byCode = new Map<number, CodeStats>();
  private readonly unknown = new CodeStats(UNKNOWN_CODE, 'other');
  /** REGISTER_BROKER answers other than SUCCESS. */
  registrationsRefused = 0;

  record(requestCode: number, responseCode: number, durationMs: number): void {
    const stats = this.byCode.get(requestCode) ?? this.statsFor(requestCode);
    stats.latency.observe(durationMs / 1000);
    if (responseCode === ResponseCode.SUCCESS) {
      stats.succeeded++;
      return;
    }
    stats.failed.set(responseCode, (stats.failed.get(responseCode) ?? 0) + 1);
    if (requestCode === RequestCode.REGISTER_BROKER) this.registrationsRefused++;
  }

  /** Successful requests counted elsewhere (a serving process), with their latencies' bucket counts. */
  recordSucceeded(requestCode: number, latency: { buckets: ArrayLike<number>; sum: number; count: number }): void {
    if (latency.count === 0) return;
    const stats = this.byCode.get(requestCode) ?? this.statsFor(requestCode);
    stats.latency.add(latency.buckets, latency.sum, latency.count);
    stats.succeeded += latency.count;
  }

  /** Requests answered with `responseCode` elsewhere (a serving process), with their latencies' bucket counts. */
  recordFailed(requestCode: number, responseCode: number, latency: { buckets: ArrayLike<number>; sum: number; count: number }): void {
    if (latency.count === 0) return;
    const stats = this.byCode.get(requestCode) ?? this.statsFor(requestCode);
    stats.latency.add(latency.buckets, latency.sum, latency.count);
    stats.failed.set(responseCode, (stats.failed.get(responseCode) ?? 0) + latency.count);
  }

  /** Every code seen so far. */
  *codes(): IterableIterator<CodeStats> {
    yield* this.byCode.values();
    if (this.unknown.latency.count > 0) yield this.unknown;
  }

  /** All requests, and route lookups: count and seconds spent. */
  totals(): { requests: number; routeLookups: number; routeLookupSeconds: number } {
    let requests = 0;
    for (const stats of this.codes()) requests += stats.latency.count;
    const route = this.byCode.get(RequestCode.GET_ROUTEINFO_BY_TOPIC)?.latency;
    return { requests, routeLookups: route?.count ?? 0, routeLookupSeconds: route?.sum ?? 0 };
  }

  private statsFor(requestCode: number): CodeStats {
    if (!isKnownRequestCode(requestCode)) return this.unknown;
    const stats = new CodeStats(requestCodeName(requestCode), requestClass(requestCode));
    this.byCode.set(requestCode, stats);
    return stats;
  }
}
