/**
 * What each broker name serves: how many topics, and which, so that an operation on one broker
 * (its unregistration, the topics its registration no longer lists, wiping its write permission)
 * visits that broker's topics instead of every topic of the registry. At 300 brokers x 10,000
 * topics a pass over every topic held the event loop 30–75 ms each time a broker left.
 *
 * The count is exact. The list is a superset: a topic is appended when the broker name gains its
 * queues, and losing them leaves the entry (callers check each topic, `serves`); a list is
 * compacted once it holds more than twice what its broker name serves, so it stays within a
 * constant factor of the count, and a topic appears in it at most once after compaction.
 */
export class BrokerTopics {
  private readonly byBroker = new Map<string, { count: number; topics: string[] }>();

  /** `serves(topic, brokerName)`: whether the topic has queues of the broker name now. */
  constructor(private readonly serves: (topic: string, brokerName: string) => boolean) {}

  count(brokerName: string): number {
    return this.byBroker.get(brokerName)?.count ?? 0;
  }

  /** The broker name gained queues of `topic` (it had none there). */
  added(brokerName: string, topic: string): void {
    let entry = this.byBroker.get(brokerName);
    if (!entry) this.byBroker.set(brokerName, (entry = { count: 0, topics: [] }));
    entry.count++;
    entry.topics.push(topic);
    if (entry.topics.length > 2 * entry.count + COMPACT_SLACK) entry.topics = this.current(brokerName, entry.topics);
  }

  /** The broker name lost its queues of a topic. */
  removed(brokerName: string): void {
    const entry = this.byBroker.get(brokerName);
    if (entry) entry.count--;
  }

  /** The topics the broker name serves, each once; the list is the caller's (the registry may change while it is walked). */
  topicsOf(brokerName: string): string[] {
    const entry = this.byBroker.get(brokerName);
    if (!entry) return [];
    entry.topics = this.current(brokerName, entry.topics);
    return entry.topics.slice();
  }

  /**
   * A superset of the topics the broker name serves, possibly with repeats, for a caller that
   * checks each and does the same to it however often it comes (removing the broker's queues);
   * cheaper than `topicsOf`. The list is the caller's.
   */
  candidatesOf(brokerName: string): string[] {
    return this.byBroker.get(brokerName)?.topics.slice() ?? [];
  }

  /** The broker name is gone for good. */
  forget(brokerName: string): void {
    this.byBroker.delete(brokerName);
  }

  /** How many broker names have an entry (for leak checks). */
  get size(): number {
    return this.byBroker.size;
  }

  /** The topics of `list` the broker name still serves, without repeats. */
  private current(brokerName: string, list: string[]): string[] {
    const seen = new Set<string>();
    const kept: string[] = [];
    for (const topic of list) {
      if (seen.has(topic) || !this.serves(topic, brokerName)) continue;
      seen.add(topic);
      kept.push(topic);
    }
    return kept;
  }
}

/** Entries a list may hold beyond twice its count before it is compacted: small lists are left alone. */
const COMPACT_SLACK = 64;
