import { liveKey } from './broker-live-table.js';

/** How a registration treats its topic table: a master's and a prime slave's are applied. */
export type TopicRole = 'master' | 'prime-slave' | 'prime-slave-read-only' | 'slave';

/** Which broker process a registration comes from, and in which role. */
export interface RegistrationSlot {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  role: TopicRole;
}

interface AppliedBody {
  fingerprint: string;
  role: TopicRole;
  /** The broker name's queue epoch right after the body was applied. */
  epoch: number;
  /** The broker name served exactly the body's topics, none besides. */
  exactTopics: boolean;
}

/**
 * Lets a broker's periodic re-registration skip decoding a topic table it has sent before.
 *
 * The one invariant that makes the skip safe: **a broker has a record only while applying the
 * recorded body in full, now, would leave the registry exactly as it is.** Then whatever Java
 * would do with that body (apply every topic on a new data version, only missing ones otherwise,
 * delete topics the body lacks) changes nothing, and only liveness and the data version move.
 * It holds because:
 * - a record is written only after a registration applied its whole body (`recordApplied`);
 *   one that applied less (same data version: only missing topics) removes it (`forget`);
 * - every change to a broker name's queues, by anyone, moves that name's epoch
 *   (`queuesChanged`), which voids every record taken before; epochs come from one counter,
 *   so a pruned and re-created name never meets an old record's number again;
 * - a record is kept per role: a slave that became the prime slave applies topics it skipped;
 * - when deleting topics missing from a registration is on, only a record whose broker name
 *   served exactly the body's topics can be used;
 * - records go with the broker's live entry (`forget`), epochs with the broker name (`brokerNameGone`).
 * The fingerprint itself (a 64-bit hash and the length of the body without its data version) is
 * made by the register-broker handler; a collision between two different bodies is ~2^-64.
 */
export class UnchangedRegistrations {
  private readonly records = new Map<string, AppliedBody>();
  private readonly epochs = new Map<string, number>();
  private lastEpoch = 0;

  /** Whether `fingerprint` names a body whose full application would change nothing now. */
  canSkip(slot: RegistrationSlot, fingerprint: string, deletesMissingTopics: boolean): boolean {
    const record = this.records.get(liveKey(slot.clusterName, slot.brokerAddr));
    return (
      record !== undefined &&
      record.fingerprint === fingerprint &&
      record.role === slot.role &&
      record.epoch === this.epochs.get(slot.brokerName) &&
      (record.exactTopics || !deletesMissingTopics)
    );
  }

  recordApplied(slot: RegistrationSlot, fingerprint: string, exactTopics: boolean): void {
    const epoch = this.currentEpoch(slot.brokerName);
    this.records.set(liveKey(slot.clusterName, slot.brokerAddr), { fingerprint, role: slot.role, epoch, exactTopics });
  }

  forget(clusterName: string, brokerAddr: string): void {
    this.records.delete(liveKey(clusterName, brokerAddr));
  }

  queuesChanged(brokerName: string): void {
    this.epochs.set(brokerName, ++this.lastEpoch);
  }

  /** The broker name's queue epoch now (undefined: no change recorded since the name came). */
  epochOf(brokerName: string): number | undefined {
    return this.epochs.get(brokerName);
  }

  brokerNameGone(brokerName: string): void {
    this.epochs.delete(brokerName);
  }

  /** Entries held, for leak checks. */
  get size(): { records: number; epochs: number } {
    return { records: this.records.size, epochs: this.epochs.size };
  }

  private currentEpoch(brokerName: string): number {
    let epoch = this.epochs.get(brokerName);
    if (epoch === undefined) this.epochs.set(brokerName, (epoch = ++this.lastEpoch));
    return epoch;
  }
}
