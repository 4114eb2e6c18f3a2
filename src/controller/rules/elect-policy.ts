/** What the controller knows of a live replica from its heartbeats. */
export interface CandidateInfo {
  /** The epoch of the replica's last log entry. */
  readonly epoch: number;
  /** A Java long: compared exactly, never as a double. */
  readonly maxOffset: bigint;
  /** Lower is preferred. */
  readonly electionPriority: number;
}

export interface Liveness {
  isAlive(clusterName: string, brokerName: string, brokerId: number): boolean;
  candidateInfo(clusterName: string, brokerName: string, brokerId: number): CandidateInfo | undefined;
}

export interface ElectInput {
  readonly clusterName: string;
  readonly brokerName: string;
  readonly syncStateSet: ReadonlySet<number>;
  /** Every replica, when electing outside the sync state set is allowed; null otherwise. */
  readonly allReplicas: ReadonlySet<number> | null;
  readonly oldMaster: number | null;
  /** The replica an administrator designated, if any. */
  readonly preferred: number | null;
}

/**
 * Picks a master: first among the live in-sync replicas, then (only when unclean elections are
 * enabled) among every live replica. A live old master keeps its place unless another replica is
 * designated; a designated replica is taken only if it is eligible. Otherwise the best candidate
 * wins: highest epoch, then highest max offset, then lowest election priority, then lowest id, so
 * ties never drop a replica and offsets never overflow (Java orders them with an int cast of a
 * long difference in a TreeSet, which loses tied replicas).
 */
export function electMaster(input: ElectInput, liveness: Liveness): number | null {
  return (
    tryElect(input, input.syncStateSet, liveness) ??
    (input.allReplicas ? tryElect(input, input.allReplicas, liveness) : null)
  );
}

function tryElect(input: ElectInput, ids: ReadonlySet<number>, liveness: Liveness): number | null {
  const alive = [...ids].filter((id) => liveness.isAlive(input.clusterName, input.brokerName, id));
  if (alive.length === 0) return null;
  const { oldMaster, preferred } = input;
  if (oldMaster !== null && alive.includes(oldMaster) && (preferred === null || preferred === oldMaster)) return oldMaster;
  if (preferred !== null) return alive.includes(preferred) ? preferred : null;
  const ranked = alive.map((id) => ({ id, info: liveness.candidateInfo(input.clusterName, input.brokerName, id) }));
  ranked.sort((a, b) => compareCandidates(a.id, a.info, b.id, b.info));
  return ranked[0]!.id;
}

export function compareCandidates(aId: number, a: CandidateInfo | undefined, bId: number, b: CandidateInfo | undefined): number {
  if (a && b) {
    if (a.epoch !== b.epoch) return b.epoch - a.epoch;
    if (a.maxOffset !== b.maxOffset) return a.maxOffset > b.maxOffset ? -1 : 1;
    if (a.electionPriority !== b.electionPriority) return a.electionPriority < b.electionPriority ? -1 : 1;
  } else if (a || b) {
    return a ? -1 : 1; // a replica we know something about first
  }
  return aId - bId;
}
