/**
 * The replicated state of one broker set (a master and its slaves sharing a broker name in one
 * cluster): the ids the controller gave out, which replica is master, and the in-sync replicas.
 * Values are immutable; events make new ones.
 */
export interface Replica {
  readonly id: number;
  readonly address: string;
  /** `address;timestamp`, written by the broker when it first applied for its id. */
  readonly registerCheckCode: string;
}

export interface BrokerSet {
  readonly clusterName: string;
  readonly brokerName: string;
  /** The id `CONTROLLER_GET_NEXT_BROKER_ID` offers next. */
  readonly nextBrokerId: number;
  readonly replicas: ReadonlyMap<number, Replica>;
  readonly masterBrokerId: number | null;
  /** Bumped at every election, even one that finds no master. */
  readonly masterEpoch: number;
  readonly syncStateSet: ReadonlySet<number>;
  readonly syncStateSetEpoch: number;
}

/** Identifies a broker set: the same broker name in two clusters is two sets. */
export function brokerSetKey(clusterName: string, brokerName: string): string {
  return `brokerSet/${encodeURIComponent(clusterName)}/${encodeURIComponent(brokerName)}`;
}

export function keyOf(set: Pick<BrokerSet, 'clusterName' | 'brokerName'>): string {
  return brokerSetKey(set.clusterName, set.brokerName);
}

export function masterAddressOf(set: BrokerSet): string | null {
  return set.masterBrokerId === null ? null : set.replicas.get(set.masterBrokerId)?.address ?? null;
}

interface BrokerSetRecord {
  clusterName: string;
  brokerName: string;
  nextBrokerId: number;
  replicas: Replica[];
  masterBrokerId: number | null;
  masterEpoch: number;
  syncStateSet: number[];
  syncStateSetEpoch: number;
}

/** The record a store keeps for a broker set (JSON, one per set). */
export function encodeBrokerSet(set: BrokerSet): string {
  const record: BrokerSetRecord = {
    clusterName: set.clusterName,
    brokerName: set.brokerName,
    nextBrokerId: set.nextBrokerId,
    replicas: [...set.replicas.values()].sort((a, b) => a.id - b.id),
    masterBrokerId: set.masterBrokerId,
    masterEpoch: set.masterEpoch,
    syncStateSet: [...set.syncStateSet].sort((a, b) => a - b),
    syncStateSetEpoch: set.syncStateSetEpoch,
  };
  return JSON.stringify(record);
}

export class CorruptRecordError extends Error {
  override readonly name = 'CorruptRecordError';
}

export function decodeBrokerSet(key: string, text: string): BrokerSet {
  let record: BrokerSetRecord;
  try {
    record = JSON.parse(text) as BrokerSetRecord;
  } catch (error) {
    throw new CorruptRecordError(`controller record ${key} is not JSON: ${(error as Error).message}`);
  }
  const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
  const ok =
    typeof record === 'object' && record !== null &&
    typeof record.clusterName === 'string' && typeof record.brokerName === 'string' &&
    isInt(record.nextBrokerId) && isInt(record.masterEpoch) && isInt(record.syncStateSetEpoch) &&
    (record.masterBrokerId === null || isInt(record.masterBrokerId)) &&
    Array.isArray(record.replicas) && Array.isArray(record.syncStateSet) &&
    record.replicas.every((r) => r && isInt(r.id) && typeof r.address === 'string' && typeof r.registerCheckCode === 'string') &&
    record.syncStateSet.every(isInt);
  if (!ok) throw new CorruptRecordError(`controller record ${key} does not describe a broker set`);
  if (brokerSetKey(record.clusterName, record.brokerName) !== key) throw new CorruptRecordError(`controller record ${key} names another broker set`);
  return {
    clusterName: record.clusterName,
    brokerName: record.brokerName,
    nextBrokerId: record.nextBrokerId,
    replicas: new Map(record.replicas.map((r) => [r.id, { id: r.id, address: r.address, registerCheckCode: r.registerCheckCode }])),
    masterBrokerId: record.masterBrokerId,
    masterEpoch: record.masterEpoch,
    syncStateSet: new Set(record.syncStateSet),
    syncStateSetEpoch: record.syncStateSetEpoch,
  };
}
