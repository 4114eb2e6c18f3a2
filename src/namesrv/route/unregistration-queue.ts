/** A broker to unregister: which process (cluster, address) and which slot (name, id) it held. */
export interface UnregisterRequest {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
}

/**
 * Unregistrations wait in a bounded queue and are applied in one batch after the current
 * I/O turn, as Java's BatchUnregistrationService does: a burst of brokers going away (a rack
 * losing power) is one change for the caches and serving processes instead of one per broker.
 */
export class UnregistrationQueue {
  private queue: UnregisterRequest[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly capacity: () => number,
    private readonly apply: (batch: UnregisterRequest[]) => void,
  ) {}

  /** False when the queue is full (the request is dropped, as Java's offer() does). */
  submit(request: UnregisterRequest): boolean {
    if (this.queue.length >= this.capacity()) return false;
    this.queue.push(request);
    this.scheduled ??= setImmediate(() => this.flush());
    return true;
  }

  get length(): number {
    return this.queue.length;
  }

  /** Applies everything queued now. */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const batch = this.queue;
    this.queue = [];
    if (batch.length > 0) this.apply(dedupe(batch));
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves once everything submitted so far has been applied. */
  drained(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops pending work (at shutdown). */
  stop(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.queue = [];
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/** Java batches into a HashSet, so identical requests count once. */
function dedupe(batch: UnregisterRequest[]): UnregisterRequest[] {
  const seen = new Map<string, UnregisterRequest>();
  for (const r of batch) seen.set(`${r.clusterName}\u0000${r.brokerAddr}\u0000${r.brokerName}\u0000${r.brokerId}`, r);
  return [...seen.values()];
}
