import type { QueueData } from '../../protocol/route-types.js';
import type { TopicGeneration } from './route-generations.js';

/** Above this many brokers, a topic also keeps an index by broker name. */
const INDEX_FROM = 16;

/**
 * One topic's queues, per broker name. Most topics live on a handful of brokers, and a registry
 * may hold hundreds of thousands of topics: a short array costs a fraction of a Map each, and a
 * name index is added only for topics served by many brokers.
 */
export class TopicQueues implements TopicGeneration {
  /** Set by the registry's change method only (see RouteGenerations). */
  generation = 0;
  private readonly items: QueueData[];
  private index: Map<string, number> | null = null;

  /** With its first queues: an array made with one element holds one slot, not the 17 a first push reserves. */
  constructor(first?: QueueData) {
    this.items = first ? [first] : [];
  }

  get size(): number {
    return this.items.length;
  }

  get(brokerName: string): QueueData | undefined {
    const at = this.indexOf(brokerName);
    return at < 0 ? undefined : this.items[at];
  }

  has(brokerName: string): boolean {
    return this.indexOf(brokerName) >= 0;
  }

  /** Adds or replaces the queues of `queueData.brokerName`. */
  set(queueData: QueueData): void {
    const at = this.indexOf(queueData.brokerName);
    if (at >= 0) {
      this.items[at] = queueData;
      return;
    }
    this.items.push(queueData);
    if (this.index) this.index.set(queueData.brokerName, this.items.length - 1);
    else if (this.items.length > INDEX_FROM) this.buildIndex();
  }

  delete(brokerName: string): boolean {
    const at = this.indexOf(brokerName);
    if (at < 0) return false;
    this.items.splice(at, 1);
    if (this.index) this.buildIndex();
    return true;
  }

  /** The queues, in the order their brokers came; the array is the caller's. */
  values(): QueueData[] {
    return this.items.slice();
  }

  /** The broker name of the `index`th queues (0 ≤ index < size). */
  brokerNameAt(index: number): string {
    return this.items[index]!.brokerName;
  }

  brokerNames(): string[] {
    return this.items.map((q) => q.brokerName);
  }

  first(): QueueData | undefined {
    return this.items[0];
  }

  private indexOf(brokerName: string): number {
    if (this.index) return this.index.get(brokerName) ?? -1;
    const items = this.items;
    for (let i = 0; i < items.length; i++) if (items[i]!.brokerName === brokerName) return i;
    return -1;
  }

  private buildIndex(): void {
    this.index = this.items.length > INDEX_FROM ? new Map(this.items.map((q, i) => [q.brokerName, i])) : null;
  }
}
