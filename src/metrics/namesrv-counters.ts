import type { NamesrvObserver } from '../namesrv/observer.js';
import { BucketCounts } from './bucket-counts.js';
import { RequestStats } from './request-stats.js';

/** Upper bounds (seconds) of the KV write latency buckets: an atomic write with fsync. */
export const KV_PERSIST_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * What the NameServer reports, counted in plain numbers: recording is a few additions, with no
 * metrics library on the request path. The Prometheus export (prometheus-metrics.ts) reads them
 * when scraped; without HTTP they are only counted.
 */
export class NamesrvCounters implements NamesrvObserver {
  readonly requests = new RequestStats();
  readonly registrations = { applied: 0, unchanged: 0, ignored: 0 };
  readonly routeCache = { hit: 0, miss: 0 };
  readonly tlsHandshakes = { success: 0, failure: 0 };
  readonly kvPersist = new BucketCounts(KV_PERSIST_BUCKETS);
  kvPersistFailures = 0;
  brokerExpiries = 0;
  connectionCloseRemovals = 0;

  requestHandled(requestCode: number, responseCode: number, durationMs: number): void {
    this.requests.record(requestCode, responseCode, durationMs);
  }

  registrationAccepted(outcome: 'applied' | 'unchanged' | 'ignored'): void {
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
    if (!ok) this.kvPersistFailures++;
  }

  tlsHandshake(ok: boolean): void {
    if (ok) this.tlsHandshakes.success++;
    else this.tlsHandshakes.failure++;
  }
}
