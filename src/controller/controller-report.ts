import { identityKey, type HeartbeatSnapshot } from './heartbeat/broker-heartbeats.js';
import type { ControllerService } from './service/controller-service.js';
import { masterAddressOf } from './state/broker-set.js';
import type { Leadership } from './store/controller-store.js';

/** One replica of a broker set, as the controller sees it right now. */
export interface ReplicaReport {
  readonly brokerId: number;
  /** The address the replica registered with. */
  readonly address: string;
  readonly inSync: boolean;
  /** Its heartbeats are within their timeout. */
  readonly alive: boolean;
  /** When its last heartbeat came (ms since the epoch); null when the controller has none (never, or forgotten after its timeout). */
  readonly lastHeartbeatTimestamp: number | null;
  readonly heartbeatAgeMs: number | null;
  readonly heartbeatTimeoutMs: number | null;
  /** The log position its last heartbeat reported (decimal: a Java long), or null. */
  readonly maxOffset: string | null;
}

export interface BrokerSetReport {
  readonly cluster: string;
  readonly brokerName: string;
  readonly masterBrokerId: number | null;
  readonly masterAddress: string | null;
  readonly masterEpoch: number;
  readonly syncStateSetEpoch: number;
  /** In-sync replica ids, ascending. */
  readonly syncStateSet: number[];
  /** Every replica, by id. */
  readonly replicas: ReplicaReport[];
}

export interface ControllerReport {
  /** `host:port` brokers reach this controller at. */
  readonly address: string;
  readonly role: Leadership['role'];
  /** Why no controller can be shown to lead (role `unavailable`); null otherwise. */
  readonly reason: string | null;
  readonly leaderAddress: string | null;
  /** True once this node leads and has read the durable state: only then are broker sets reported. */
  readonly deciding: boolean;
  readonly store: string;
  /** The controller's clock when the report was made. */
  readonly timestamp: number;
  /** Sorted by cluster and broker name; null when this node does not decide (a follower's copy would be stale). */
  readonly brokerSets: BrokerSetReport[] | null;
}

export interface ReportSources {
  readonly service: ControllerService;
  readonly leadership: () => Leadership;
  readonly selfAddress: string;
  readonly store: string;
  readonly now: () => number;
}

/**
 * A read-only report of the controller's in-memory state for the console and the HTTP API: who
 * leads, and each broker set with its replicas' heartbeats. Made only when asked, from memory.
 */
export function controllerReport(sources: ReportSources): ControllerReport {
  const { service } = sources;
  const leadership = sources.leadership();
  const now = sources.now();
  const deciding = service.isLeading;
  return {
    address: sources.selfAddress,
    role: leadership.role,
    reason: leadership.role === 'unavailable' ? leadership.reason : null,
    leaderAddress: leadership.role === 'leader' ? sources.selfAddress : leadership.role === 'follower' ? leadership.leaderAddress : null,
    deciding,
    store: sources.store,
    timestamp: now,
    brokerSets: deciding ? brokerSets(service, now) : null,
  };
}

function brokerSets(service: ControllerService, now: number): BrokerSetReport[] {
  const beats = new Map<string, HeartbeatSnapshot>();
  for (const beat of service.heartbeats.snapshot()) beats.set(identityKey(beat.clusterName, beat.brokerName, beat.brokerId), beat);
  const sets: BrokerSetReport[] = [];
  for (const set of service.replicas.all()) {
    const replicas = [...set.replicas.values()]
      .sort((a, b) => a.id - b.id)
      .map((replica): ReplicaReport => {
        const beat = beats.get(identityKey(set.clusterName, set.brokerName, replica.id));
        return {
          brokerId: replica.id,
          address: replica.address,
          inSync: set.syncStateSet.has(replica.id),
          alive: beat?.alive ?? false,
          lastHeartbeatTimestamp: beat?.lastUpdate ?? null,
          heartbeatAgeMs: beat ? Math.max(0, now - beat.lastUpdate) : null,
          heartbeatTimeoutMs: beat?.timeoutMillis ?? null,
          maxOffset: beat && beat.maxOffset >= 0n ? String(beat.maxOffset) : null,
        };
      });
    sets.push({
      cluster: set.clusterName,
      brokerName: set.brokerName,
      masterBrokerId: set.masterBrokerId,
      masterAddress: masterAddressOf(set),
      masterEpoch: set.masterEpoch,
      syncStateSetEpoch: set.syncStateSetEpoch,
      syncStateSet: [...set.syncStateSet].sort((a, b) => a - b),
      replicas,
    });
  }
  return sets.sort((a, b) => compare(a.cluster, b.cluster) || compare(a.brokerName, b.brokerName));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
