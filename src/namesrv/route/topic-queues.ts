import type { QueueData } from '../../protocol/route-types.js';
import type { TopicGeneration } from './route-generations.js';

/** Above this many brokers, a topic also keeps an index by broker name. */
const INDEX_FROM = 16;

/**
 * One topic's queues, per broker name. Most topics live on a handful of brokers, many on one, and
 * a registry may hold hundreds of thousands of topics: the first broker's queues are held in a
 * field (a topic on one broker is this object alone, which a 20,000-topic registration makes
 * 20,000 of at a time), the others in a short array, and a name index is added only for topics
 * served by many brokers.
 */
export class TopicQueues implements TopicGeneration {
  /** Set by the registry's change method only (see RouteGenerations). */
  generation = 0;
  derived: unknown = null;
  derivedAt = -1;
  /** The first broker's queues; null when there are none. */
  private head: QueueData | null;
  /** The other brokers' queues, in the order they came; null while there are none. */
  private rest: QueueData[] | null = null;
  /** Position by broker name (0 is `head`, i is `rest[i - 1]`), above INDEX_FROM brokers. */
  private index: Map<string, number> | null = null;

  constructor(
    /** The topic's name: the registry's key for these queues. */
    readonly topic: string,
    first?: QueueData,
  ) {
    this.head = first ?? null;
  }

  get size(): number {
    return this.head === null ? 0 : 1 + (this.rest?.length ?? 0);
  }

  get(brokerName: string): QueueData | undefined {
    const at = this.indexOf(brokerName);
    return at < 0 ? undefined : this.at(at);
  }

  has(brokerName: string): boolean {
    return this.indexOf(brokerName) >= 0;
  }

  /** Adds or replaces the queues of `queueData.brokerName`. */
  set(queueData: QueueData): void {
    const at = this.indexOf(queueData.brokerName);
    if (at === 0 || this.head === null) {
      this.head = queueData;
      return;
    }
    if (at > 0) {
      this.rest![at - 1] = queueData;
      return;
    }
    (this.rest ??= []).push(queueData);
    if (this.index) this.index.set(queueData.brokerName, this.size - 1);
    else if (this.size > INDEX_FROM) this.buildIndex();
  }

  delete(brokerName: string): boolean {
    const at = this.indexOf(brokerName);
    if (at < 0) return false;
    const rest = this.rest;
    if (at === 0) this.head = rest ? rest.shift()! : null;
    else rest!.splice(at - 1, 1);
    if (rest?.length === 0) this.rest = null;
    if (this.index) this.buildIndex();
    return true;
  }

  /** The queues, in the order their brokers came; the array is the caller's. */
  values(): QueueData[] {
    const out = new Array<QueueData>(this.size);
    for (let i = 0; i < out.length; i++) out[i] = this.at(i);
    return out;
  }

  /** The broker name of the `index`th queues (0 ≤ index < size). */
  brokerNameAt(index: number): string {
    return this.at(index).brokerName;
  }

  brokerNames(): string[] {
    const out = new Array<string>(this.size);
    for (let i = 0; i < out.length; i++) out[i] = this.at(i).brokerName;
    return out;
  }

  first(): QueueData | undefined {
    return this.head ?? undefined;
  }

  /** The `index`th queues (0 ≤ index < size), in the order their brokers came. */
  at(index: number): QueueData {
    return index === 0 ? this.head! : this.rest![index - 1]!;
  }

  private indexOf(brokerName: string): number {
    if (this.index) return this.index.get(brokerName) ?? -1;
    if (this.head === null) return -1;
    if (this.head.brokerName === brokerName) return 0;
    const rest = this.rest;
    if (rest) for (let i = 0; i < rest.length; i++) if (rest[i]!.brokerName === brokerName) return i + 1;
    return -1;
  }

  private buildIndex(): void {
    this.index = this.size > INDEX_FROM ? new Map(this.values().map((q, i) => [q.brokerName, i])) : null;
  }
}
