import type { DataVersion } from '../../protocol/route-types.js';

/** Java's default broker channel expiry: a broker silent for 2 minutes is dropped. */
export const DEFAULT_BROKER_TIMEOUT_MS = 120_000;

/** What the NameServer knows of one registered broker process, keyed by (cluster, address). */
export interface BrokerLiveInfo {
  readonly clusterName: string;
  readonly brokerAddr: string;
  lastUpdateTimestamp: number;
  heartbeatTimeoutMillis: number;
  dataVersion: DataVersion;
  /** The connection the broker registered over; closing it unregisters the broker. */
  connectionId: number | null;
  haServerAddr: string;
}

export function liveKey(clusterName: string, brokerAddr: string): string {
  return `${clusterName}\u0000${brokerAddr}`;
}

/** Registered broker processes, findable by (cluster, address) and by connection. */
export class BrokerLiveTable {
  private readonly byKey = new Map<string, BrokerLiveInfo>();
  private readonly byConnection = new Map<number, Set<string>>();

  get size(): number {
    return this.byKey.size;
  }

  /** Connections with a broker registered over them. */
  get connectionCount(): number {
    return this.byConnection.size;
  }

  get(clusterName: string, brokerAddr: string): BrokerLiveInfo | undefined {
    return this.byKey.get(liveKey(clusterName, brokerAddr));
  }

  /** Stores `info`, replacing any earlier entry for the same (cluster, address). Returns the earlier one. */
  put(info: BrokerLiveInfo): BrokerLiveInfo | undefined {
    const key = liveKey(info.clusterName, info.brokerAddr);
    const previous = this.byKey.get(key);
    if (previous) this.unindex(key, previous);
    this.byKey.set(key, info);
    if (info.connectionId !== null) {
      let keys = this.byConnection.get(info.connectionId);
      if (!keys) this.byConnection.set(info.connectionId, (keys = new Set()));
      keys.add(key);
    }
    return previous;
  }

  remove(clusterName: string, brokerAddr: string): BrokerLiveInfo | undefined {
    const key = liveKey(clusterName, brokerAddr);
    const info = this.byKey.get(key);
    if (!info) return undefined;
    this.byKey.delete(key);
    this.unindex(key, info);
    return info;
  }

  /** The brokers registered over a connection (normally one). */
  onConnection(connectionId: number): BrokerLiveInfo[] {
    const keys = this.byConnection.get(connectionId);
    if (!keys) return [];
    return [...keys].map((k) => this.byKey.get(k)!).filter(Boolean);
  }

  /** Brokers whose last sign of life is older than their heartbeat timeout. */
  expired(now: number): BrokerLiveInfo[] {
    const out: BrokerLiveInfo[] = [];
    for (const info of this.byKey.values()) {
      if (info.lastUpdateTimestamp + info.heartbeatTimeoutMillis < now) out.push(info);
    }
    return out;
  }

  values(): IterableIterator<BrokerLiveInfo> {
    return this.byKey.values();
  }

  private unindex(key: string, info: BrokerLiveInfo): void {
    if (info.connectionId === null) return;
    const keys = this.byConnection.get(info.connectionId);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.byConnection.delete(info.connectionId);
  }
}
