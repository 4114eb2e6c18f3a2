import { brokerSetKey, decodeBrokerSet, encodeBrokerSet, keyOf, type BrokerSet } from './broker-set.js';
import { applyEvent, type ControllerEvent } from './events.js';

export type Resolution =
  | { readonly kind: 'found'; readonly set: BrokerSet }
  | { readonly kind: 'missing' }
  /** The broker name is in several clusters and the request does not say which. */
  | { readonly kind: 'ambiguous'; readonly clusters: readonly string[] };

/** Every broker set the controller knows, as last made durable. */
export class ReplicasState {
  private readonly sets = new Map<string, BrokerSet>();

  static fromRecords(records: ReadonlyMap<string, string>): ReplicasState {
    const state = new ReplicasState();
    for (const [key, value] of records) if (key.startsWith('brokerSet/')) state.sets.set(key, decodeBrokerSet(key, value));
    return state;
  }

  get size(): number {
    return this.sets.size;
  }

  all(): IterableIterator<BrokerSet> {
    return this.sets.values();
  }

  get(clusterName: string, brokerName: string): BrokerSet | undefined {
    return this.sets.get(brokerSetKey(clusterName, brokerName));
  }

  /**
   * Finds the set a request means. With a cluster name, exactly that set. Without one, the only set
   * of that broker name; if several clusters have one, `preferClusters` (the clusters whose brokers
   * heartbeat on the requesting connection) may narrow it down to one.
   */
  resolve(clusterName: string | undefined, brokerName: string, preferClusters: readonly string[] = []): Resolution {
    if (clusterName) {
      const set = this.get(clusterName, brokerName);
      return set ? { kind: 'found', set } : { kind: 'missing' };
    }
    let matches = [...this.sets.values()].filter((s) => s.brokerName === brokerName);
    if (matches.length > 1 && preferClusters.length > 0) {
      const narrowed = matches.filter((s) => preferClusters.includes(s.clusterName));
      if (narrowed.length > 0) matches = narrowed;
    }
    if (matches.length === 1) return { kind: 'found', set: matches[0]! };
    if (matches.length === 0) return { kind: 'missing' };
    return { kind: 'ambiguous', clusters: matches.map((s) => s.clusterName).sort() };
  }

  /** The records `events` would change, as a store commits them (value null: delete). */
  changesFor(events: readonly ControllerEvent[]): Map<string, BrokerSet | null> {
    const changed = new Map<string, BrokerSet | null>();
    for (const event of events) {
      const key = brokerSetKey(event.clusterName, event.brokerName);
      const current = changed.has(key) ? changed.get(key) ?? undefined : this.sets.get(key);
      changed.set(key, applyEvent(current, event));
    }
    return changed;
  }

  /** Installs changes once they are durable. */
  install(changes: ReadonlyMap<string, BrokerSet | null>): void {
    for (const [key, set] of changes) {
      if (set) this.sets.set(key, set);
      else this.sets.delete(key);
    }
  }

  /** Applies events directly (what a follower replaying a log, or a test, does). */
  apply(events: readonly ControllerEvent[]): void {
    this.install(this.changesFor(events));
  }

  toRecords(): Map<string, string> {
    return new Map([...this.sets.values()].map((s) => [keyOf(s), encodeBrokerSet(s)]));
  }
}

export function changesToRecords(changes: ReadonlyMap<string, BrokerSet | null>): Array<{ key: string; value: string | null }> {
  return [...changes].map(([key, set]) => ({ key, value: set ? encodeBrokerSet(set) : null }));
}
