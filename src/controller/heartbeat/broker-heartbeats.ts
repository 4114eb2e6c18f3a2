import type { Clock } from '../../util/clock.js';
import type { CandidateInfo, Liveness } from '../rules/elect-policy.js';

export interface BrokerIdentity {
  readonly clusterName: string;
  readonly brokerName: string;
  readonly brokerId: number;
}

export interface Heartbeat extends BrokerIdentity {
  readonly brokerAddr: string;
  /** The broker's own timeout (`heartbeatTimeoutMills`); the configured default when absent. */
  readonly timeoutMillis?: number;
  readonly connectionId: number;
  readonly epoch?: number;
  readonly maxOffset?: bigint;
  readonly confirmOffset?: bigint;
  readonly electionPriority?: number;
}

/** A broker forgotten for silence, and the connection its heartbeats came on. */
export interface ExpiredBroker extends BrokerIdentity {
  readonly connectionId: number;
}

/** What the controller last heard from a broker that heartbeats it. */
export interface HeartbeatSnapshot extends BrokerIdentity {
  readonly brokerAddr: string;
  readonly alive: boolean;
  readonly epoch: number;
  readonly maxOffset: bigint;
  /** When the last heartbeat came, by the controller's clock. */
  readonly lastUpdate: number;
  readonly timeoutMillis: number;
}

interface LiveBroker extends BrokerIdentity {
  brokerAddr: string;
  lastUpdate: number;
  timeoutMillis: number;
  connectionId: number;
  epoch: number;
  maxOffset: bigint;
  confirmOffset: bigint;
  electionPriority: number;
  /** False once forgotten (expired, connection closed): a cached reference then no longer counts. */
  listed: boolean;
}

const NO_PRIORITY = 2147483647;

/** One key per broker of a broker set. */
export function identityKey(clusterName: string, brokerName: string, brokerId: number): string {
  return `${clusterName}\u0000${brokerName}\u0000${brokerId}`;
}

/**
 * Which brokers heartbeat the controller, and what they last reported (Java's
 * DefaultBrokerHeartbeatManager). Time comes from the injected clock; nothing here runs by itself.
 */
export class BrokerHeartbeats implements Liveness {
  private readonly live = new Map<string, LiveBroker>();
  /**
   * The broker that last heartbeat on each connection: a broker beats on its own connection every
   * second, so its entry is found by comparing three fields rather than building and hashing its key.
   */
  private readonly lastOnConnection = new Map<number, LiveBroker>();

  constructor(
    private readonly clock: Clock,
    private readonly defaultTimeoutMillis: () => number,
  ) {}

  get size(): number {
    return this.live.size;
  }

  onHeartbeat(beat: Heartbeat): void {
    const now = this.clock.now();
    const epoch = beat.epoch ?? -1;
    const maxOffset = beat.maxOffset ?? -1n;
    const timeoutMillis = beat.timeoutMillis ?? this.defaultTimeoutMillis();
    const electionPriority = beat.electionPriority ?? NO_PRIORITY;
    let prev = this.lastOnConnection.get(beat.connectionId);
    if (prev === undefined || !prev.listed || prev.brokerId !== beat.brokerId || prev.brokerName !== beat.brokerName || prev.clusterName !== beat.clusterName) {
      const key = identityKey(beat.clusterName, beat.brokerName, beat.brokerId);
      prev = this.live.get(key);
      if (!prev) {
        const added: LiveBroker = {
          clusterName: beat.clusterName, brokerName: beat.brokerName, brokerId: beat.brokerId, brokerAddr: beat.brokerAddr,
          lastUpdate: now, timeoutMillis, connectionId: beat.connectionId, epoch, maxOffset,
          confirmOffset: beat.confirmOffset ?? -1n, electionPriority, listed: true,
        };
        this.live.set(key, added);
        this.lastOnConnection.set(beat.connectionId, added);
        return;
      }
      this.lastOnConnection.set(beat.connectionId, prev);
    }
    prev.lastUpdate = now;
    prev.timeoutMillis = timeoutMillis;
    prev.electionPriority = electionPriority;
    prev.connectionId = beat.connectionId;
    prev.brokerAddr = beat.brokerAddr;
    // As Java: a replica's log position only moves forward.
    if (epoch > prev.epoch || (epoch === prev.epoch && maxOffset > prev.maxOffset)) {
      prev.epoch = epoch;
      prev.maxOffset = maxOffset;
      prev.confirmOffset = beat.confirmOffset ?? -1n;
    }
  }

  isAlive(clusterName: string, brokerName: string, brokerId: number): boolean {
    const info = this.live.get(identityKey(clusterName, brokerName, brokerId));
    return info !== undefined && info.lastUpdate + info.timeoutMillis >= this.clock.now();
  }

  candidateInfo(clusterName: string, brokerName: string, brokerId: number): CandidateInfo | undefined {
    const info = this.live.get(identityKey(clusterName, brokerName, brokerId));
    return info && { epoch: info.epoch, maxOffset: info.maxOffset, electionPriority: info.electionPriority };
  }

  /** Forgets brokers silent past their timeout and returns them, each with the connection it last heartbeat on. */
  expire(): ExpiredBroker[] {
    const now = this.clock.now();
    const expired: ExpiredBroker[] = [];
    for (const [key, info] of this.live) {
      if (now - info.lastUpdate > info.timeoutMillis) {
        this.live.delete(key);
        info.listed = false;
        expired.push({ ...identityOf(info), connectionId: info.connectionId });
      }
    }
    return expired;
  }

  /** Forgets the brokers that heartbeat on a connection that closed, and returns them. */
  onConnectionClosed(connectionId: number): BrokerIdentity[] {
    this.lastOnConnection.delete(connectionId);
    const gone: BrokerIdentity[] = [];
    for (const [key, info] of this.live) {
      if (info.connectionId === connectionId) {
        this.live.delete(key);
        info.listed = false;
        gone.push(identityOf(info));
      }
    }
    return gone;
  }

  /** Clusters of the brokers named `brokerName` that heartbeat on this connection. */
  clustersOnConnection(connectionId: number, brokerName: string): string[] {
    const clusters = new Set<string>();
    for (const info of this.live.values()) if (info.connectionId === connectionId && info.brokerName === brokerName) clusters.add(info.clusterName);
    return [...clusters];
  }

  /** Live brokers, for metrics and the console. */
  snapshot(): HeartbeatSnapshot[] {
    return [...this.live.values()].map((i) => ({
      ...identityOf(i), brokerAddr: i.brokerAddr, alive: this.isAlive(i.clusterName, i.brokerName, i.brokerId), epoch: i.epoch, maxOffset: i.maxOffset,
      lastUpdate: i.lastUpdate, timeoutMillis: i.timeoutMillis,
    }));
  }
}

function identityOf(info: BrokerIdentity): BrokerIdentity {
  return { clusterName: info.clusterName, brokerName: info.brokerName, brokerId: info.brokerId };
}
