/** A topic's queues as this index sees them: its name, and whether a broker name has queues there. */
export interface TopicEntry {
  readonly topic: string;
  has(brokerName: string): boolean;
}

/**
 * What each broker name serves: how many topics, and which, so that an operation on one broker
 * (its unregistration, the topics its registration no longer lists, wiping its write permission)
 * visits that broker's topics instead of every topic of the registry. At 300 brokers x 10,000
 * topics a pass over every topic held the event loop 30–75 ms each time a broker left.
 *
 * The count is exact. The list holds the topics' own entries (the registry's objects, and through
 * them the one string of each name: a list of the names each registration brought would keep ten
 * copies of every name at that scale). It is a superset: an entry is appended when the broker name
 * gains queues there, and losing them leaves it (callers check `has`; an entry the registry
 * dropped has no queues left). A list is compacted once it holds more than twice what its broker
 * name serves, so it stays within a constant factor of the count.
 */
export class BrokerTopics<T extends TopicEntry = TopicEntry> {
  private readonly byBroker = new Map<string, { count: number; entries: T[] }>();

  count(brokerName: string): number {
    return this.byBroker.get(brokerName)?.count ?? 0;
  }

  /** The broker name gained queues in `entry`'s topic (it had none there). */
  added(brokerName: string, entry: T): void {
    let held = this.byBroker.get(brokerName);
    if (!held) this.byBroker.set(brokerName, (held = { count: 0, entries: [] }));
    held.count++;
    held.entries.push(entry);
    if (held.entries.length > 2 * held.count + COMPACT_SLACK) held.entries = current(brokerName, held.entries);
  }

  /** The broker name lost its queues of a topic. */
  removed(brokerName: string): void {
    const held = this.byBroker.get(brokerName);
    if (held) held.count--;
  }

  /** The names of the topics the broker name serves, each once. */
  topicsOf(brokerName: string): string[] {
    const held = this.byBroker.get(brokerName);
    if (!held) return [];
    held.entries = current(brokerName, held.entries);
    return held.entries.map((entry) => entry.topic);
  }

  /**
   * A superset of the topics the broker name serves, possibly with repeats, for a caller that
   * checks each and does the same to it however often it comes (removing the broker's queues);
   * cheaper than `topicsOf`. The list is the caller's: the registry may change while it is walked.
   */
  candidatesOf(brokerName: string): T[] {
    return this.byBroker.get(brokerName)?.entries.slice() ?? [];
  }

  /** Whether every broker name that has queues in some topic is one of `names`. */
  allServingAmong(names: ReadonlySet<string>): boolean {
    for (const [brokerName, held] of this.byBroker) if (held.count > 0 && !names.has(brokerName)) return false;
    return true;
  }

  /** The broker name is gone for good. */
  forget(brokerName: string): void {
    this.byBroker.delete(brokerName);
  }

  /** How many broker names have an entry (for leak checks). */
  get size(): number {
    return this.byBroker.size;
  }
}

/** The entries of `list` where the broker name still has queues, without repeats. */
function current<T extends TopicEntry>(brokerName: string, list: T[]): T[] {
  const seen = new Set<T>();
  const kept: T[] = [];
  for (const entry of list) {
    if (seen.has(entry) || !entry.has(brokerName)) continue;
    seen.add(entry);
    kept.push(entry);
  }
  return kept;
}

/** Entries a list may hold beyond twice its count before it is compacted: small lists are left alone. */
const COMPACT_SLACK = 64;
