/**
 * What the NameServer reports as it works, for metrics. Some calls are on the route-lookup path:
 * an implementation only bumps counters.
 */
export interface NamesrvObserver {
  /** A request was answered with `responseCode` after `durationMs` in its handler. */
  requestHandled(requestCode: number, responseCode: number, durationMs: number): void;
  /**
   * A broker registration was answered SUCCESS: `applied` took its topics, `unchanged` carried a
   * body already applied, `ignored` lost to a broker holding its slot with a newer state version.
   * Refused registrations are REGISTER_BROKER answers other than SUCCESS.
   */
  registrationAccepted(outcome: 'applied' | 'unchanged' | 'ignored'): void;
  routeCacheLookup(hit: boolean): void;
  /** Brokers dropped for silence past their heartbeat timeout. */
  brokersExpired(count: number): void;
  /** Brokers unregistered because the connection they registered over closed. */
  brokersRemovedWithConnection(count: number): void;
  kvPersisted(durationMs: number, ok: boolean): void;
  tlsHandshake(ok: boolean): void;
}

export const NO_OBSERVER: NamesrvObserver = {
  requestHandled() {},
  registrationAccepted() {},
  routeCacheLookup() {},
  brokersExpired() {},
  brokersRemovedWithConnection() {},
  kvPersisted() {},
  tlsHandshake() {},
};
