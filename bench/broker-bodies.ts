/**
 * REGISTER_BROKER bodies as brokers send them, built with this project's encoders (which write
 * what Java brokers write). Each registration can carry a new data version: JSON bodies are built
 * once around a placeholder counter that is replaced per send; compressed bodies (a zlib stream)
 * are built in a small set of variants with distinct counters, taken in turn.
 */
import { encodeRegisterBrokerBody } from '../src/protocol/bodies/index.js';
import { MQVersion } from '../src/protocol/mq-version.js';
import type { TopicConfig } from '../src/protocol/route-types.js';

const PLACEHOLDER_COUNTER = 987_654_321_012_345;
const DATA_VERSION_TIMESTAMP = 1_700_000_000_000;

export function topicConfig(topicName: string): TopicConfig {
  return { topicName, readQueueNums: 8, writeQueueNums: 8, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
}

function bodyFor(topics: readonly string[], counter: number, compressed: boolean, brokerVersion: number = MQVersion.V5_0_0): Buffer {
  return encodeRegisterBrokerBody(
    {
      topicConfigSerializeWrapper: {
        dataVersion: { stateVersion: 0, timestamp: DATA_VERSION_TIMESTAMP, counter },
        topicConfigTable: new Map(topics.map((t) => [t, topicConfig(t)])),
      },
      filterServerList: [],
    },
    compressed,
    brokerVersion,
  );
}

/** A JSON body whose data-version counter can be set per send. */
export class JsonBodyTemplate {
  private readonly before: Buffer;
  private readonly after: Buffer;

  constructor(topics: readonly string[]) {
    const whole = bodyFor(topics, PLACEHOLDER_COUNTER, false);
    const at = whole.indexOf(String(PLACEHOLDER_COUNTER));
    if (at < 0) throw new Error('placeholder counter not found in the register body');
    this.before = whole.subarray(0, at);
    this.after = whole.subarray(at + String(PLACEHOLDER_COUNTER).length);
  }

  withCounter(counter: number): Buffer {
    return Buffer.concat([this.before, Buffer.from(String(counter), 'latin1'), this.after]);
  }

  get size(): number {
    return this.before.length + this.after.length + 4;
  }
}

/** Compressed bodies with distinct counters, used in turn (`variants` consecutive sends all differ). */
export class CompressedBodies {
  private readonly bodies: Buffer[];
  private next = 0;

  /** `brokerVersion`: the remoting version of the broker sending them, which decides their form. */
  constructor(topics: readonly string[], variants: number, firstCounter: number, brokerVersion: number) {
    this.bodies = Array.from({ length: Math.max(1, variants) }, (_, i) => bodyFor(topics, firstCounter + i, true, brokerVersion));
  }

  take(): Buffer {
    const body = this.bodies[this.next];
    this.next = (this.next + 1) % this.bodies.length;
    return body;
  }

  get size(): number {
    return this.bodies[0].length;
  }
}
