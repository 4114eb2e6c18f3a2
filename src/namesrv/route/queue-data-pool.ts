import type { QueueData } from '../../protocol/route-types.js';

/**
 * One frozen QueueData per distinct value and broker name: a broker's topics mostly share their
 * queue counts and permission, so a registry of millions of (topic, broker) pairs holds a handful
 * of objects. Values of a broker name that is gone are dropped with it.
 */
export class QueueDataPool {
  private readonly byBrokerName = new Map<string, Map<string, QueueData>>();
  private last: QueueData | null = null;

  intern(q: QueueData): QueueData {
    // A registration's topics mostly share one value: the last one answers without building a key.
    const last = this.last;
    if (last && sameQueueData(last, q)) return last;
    let values = this.byBrokerName.get(q.brokerName);
    if (!values) this.byBrokerName.set(q.brokerName, (values = new Map()));
    const key = `${q.readQueueNums}\u0000${q.writeQueueNums}\u0000${q.perm}\u0000${q.topicSysFlag}`;
    let shared = values.get(key);
    if (!shared) {
      shared = Object.freeze({
        brokerName: q.brokerName,
        readQueueNums: q.readQueueNums,
        writeQueueNums: q.writeQueueNums,
        perm: q.perm,
        topicSysFlag: q.topicSysFlag,
      });
      values.set(key, shared);
    }
    this.last = shared;
    return shared;
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

export function sameQueueData(a: QueueData, b: QueueData): boolean {
  return (
    a.brokerName === b.brokerName &&
    a.readQueueNums === b.readQueueNums &&
    a.writeQueueNums === b.writeQueueNums &&
    a.perm === b.perm &&
    a.topicSysFlag === b.topicSysFlag
  );
}
