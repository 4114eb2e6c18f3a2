import { systemClock, type Clock } from '../../util/clock.js';
import type { MessageQueue } from './message-queue.js';
import type { TopicPublishInfo } from './publish-info.js';

export interface LatencyFaultStrategyOptions {
  /** When false, only the last failed broker is avoided on a retry (Java's default); default true. */
  enabled?: boolean;
  /** Send latencies (ms) ... */
  latencyMax?: readonly number[];
  /** ... and how long a broker that showed that latency is avoided (ms); Java's tables by default. */
  notAvailableDuration?: readonly number[];
  clock?: Clock;
}

/** Java 5.x's tables: a send taking 550 ms or more keeps the broker out for 2 s, ... 15 s or more for 30 s. */
export const DEFAULT_LATENCY_MAX = [50, 100, 550, 1000, 2000, 3000, 15000] as const;
export const DEFAULT_NOT_AVAILABLE_DURATION = [0, 0, 2000, 5000, 6000, 10000, 30000] as const;
/** A failed send counts as this latency (Java: 10 s, so the broker is avoided for 10 s). */
export const ISOLATION_LATENCY_MS = 10_000;

interface FaultItem {
  latencyMs: number;
  availableFrom: number;
  reachable: boolean;
}

/** A round-robin position, one per topic (Java's `sendWhichQueue`). */
export class QueueIndex {
  constructor(private value = Math.floor(Math.random() * 1024)) {}

  next(): number {
    this.value = (this.value + 1) & 0x7fffffff;
    return this.value;
  }

  reset(): void {
    this.value = Math.floor(Math.random() * 1024);
  }
}

/**
 * Queue choice with latency and fault avoidance, in the spirit of Java's `MQFaultStrategy`: a
 * broker whose send failed or was slow is passed over for a while, so producers stop choosing it
 * before the next route refresh would tell them anything.
 */
export class LatencyFaultStrategy {
  readonly enabled: boolean;
  private readonly faults = new Map<string, FaultItem>();
  private readonly latencyMax: readonly number[];
  private readonly notAvailableDuration: readonly number[];
  private readonly clock: Clock;

  constructor(options: LatencyFaultStrategyOptions = {}) {
    this.enabled = options.enabled ?? true;
    this.latencyMax = options.latencyMax ?? DEFAULT_LATENCY_MAX;
    this.notAvailableDuration = options.notAvailableDuration ?? DEFAULT_NOT_AVAILABLE_DURATION;
    if (this.latencyMax.length !== this.notAvailableDuration.length) {
      throw new RangeError('latencyMax and notAvailableDuration must have the same length');
    }
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Picks the next queue round-robin: first among available brokers other than `lastBrokerName`,
   * then among reachable ones, then any. Null when the topic has no queue.
   */
  selectQueue(info: TopicPublishInfo, index: QueueIndex, lastBrokerName?: string | null): MessageQueue | null {
    const queues = info.messageQueues;
    if (queues.length === 0) return null;
    const notLast = (mq: MessageQueue) => lastBrokerName == null || mq.brokerName !== lastBrokerName;
    if (this.enabled) {
      return (
        pick(queues, index, (mq) => notLast(mq) && this.isAvailable(mq.brokerName)) ??
        pick(queues, index, (mq) => notLast(mq) && this.isReachable(mq.brokerName)) ??
        queues[index.next() % queues.length]!
      );
    }
    return pick(queues, index, notLast) ?? queues[index.next() % queues.length]!;
  }

  /**
   * Records how a send to a broker went. `isolation` (a failed send) counts as a 10 s latency;
   * `reachable: false` (the broker could not be reached) puts it behind every reachable broker
   * until a later send succeeds.
   */
  updateFaultItem(brokerName: string, latencyMs: number, isolation = false, reachable = true): void {
    if (!this.enabled) return;
    const duration = this.notAvailableFor(isolation ? ISOLATION_LATENCY_MS : latencyMs);
    const now = this.clock.now();
    const item = this.faults.get(brokerName) ?? { latencyMs, availableFrom: 0, reachable };
    item.latencyMs = latencyMs;
    item.reachable = reachable;
    if (duration > 0 && now + duration > item.availableFrom) item.availableFrom = now + duration;
    this.faults.set(brokerName, item);
  }

  isAvailable(brokerName: string): boolean {
    const item = this.faults.get(brokerName);
    return !item || this.clock.now() >= item.availableFrom;
  }

  isReachable(brokerName: string): boolean {
    return this.faults.get(brokerName)?.reachable ?? true;
  }

  /** Forgets a broker (one no longer in any route). */
  remove(brokerName: string): void {
    this.faults.delete(brokerName);
  }

  private notAvailableFor(latencyMs: number): number {
    for (let i = this.latencyMax.length - 1; i >= 0; i--) {
      if (latencyMs >= this.latencyMax[i]!) return this.notAvailableDuration[i]!;
    }
    return 0;
  }
}

function pick(queues: readonly MessageQueue[], index: QueueIndex, accept: (mq: MessageQueue) => boolean): MessageQueue | null {
  for (let i = 0; i < queues.length; i++) {
    const mq = queues[index.next() % queues.length]!;
    if (accept(mq)) return mq;
  }
  return null;
}
