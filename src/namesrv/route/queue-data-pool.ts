import type { QueueData } from '../../protocol/route-types.js';

/**
 * One frozen QueueData per distinct value and broker name: a broker's topics mostly share their
 * queue counts and permission, so a registry of millions of (topic, broker) pairs holds a handful
 * of objects. Values of a broker name that is gone are dropped with it.
 */
export class QueueDataPool {
  private readonly byBrokerName = new Map<string, Map<string, QueueData>>();
  private last: QueueData | null = null;
  /** Each pooled value's token: never given to another (a value dropped and pooled again gets a new one). */
  private readonly tokens = new WeakMap<QueueData, string>();
  private nextToken = 0;

  intern(brokerName: string, readQueueNums: number, writeQueueNums: number, perm: number, topicSysFlag: number): QueueData {
    // A registration's topics mostly share one value: the last one answers without building a key.
    const last = this.last;
    if (
      last !== null &&
      last.brokerName === brokerName &&
      last.readQueueNums === readQueueNums &&
      last.writeQueueNums === writeQueueNums &&
      last.perm === perm &&
      last.topicSysFlag === topicSysFlag
    ) {
      return last;
    }
    let values = this.byBrokerName.get(brokerName);
    if (!values) this.byBrokerName.set(brokerName, (values = new Map()));
    const key = `${readQueueNums}\u0000${writeQueueNums}\u0000${perm}\u0000${topicSysFlag}`;
    let shared = values.get(key);
    if (!shared) {
      shared = Object.freeze({ brokerName, readQueueNums, writeQueueNums, perm, topicSysFlag });
      values.set(key, shared);
      this.tokens.set(shared, `${(this.nextToken++).toString(36)},`);
    }
    this.last = shared;
    return shared;
  }

  /**
   * A short string naming a pooled value (digits and a comma): equal tokens, the same value. What
   * route shape keys are made of, much cheaper to join and compare than the values written out.
   */
  tokenOf(queueData: QueueData): string | undefined {
    return this.tokens.get(queueData);
  }

  brokerNameGone(brokerName: string): void {
    this.byBrokerName.delete(brokerName);
    if (this.last?.brokerName === brokerName) this.last = null;
  }

  /** Broker names with pooled values, for leak checks. */
  get size(): number {
    return this.byBrokerName.size;
  }
}
