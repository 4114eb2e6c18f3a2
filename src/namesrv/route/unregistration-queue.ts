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
 *
 * A batch applied after the turn may go on in slices (`apply` returns a promise: a broker with
 * many topics takes them away between lookups); `drained` waits for that too.
 */
export class UnregistrationQueue {
  private queue: UnregisterRequest[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private idleWaiters: Array<() => void> = [];
  /** A batch still being applied in slices. */
  private applying: Promise<void> | null = null;

  constructor(
    private readonly capacity: () => number,
    /** Applies a batch: at once when `mayPause` is false, otherwise possibly in slices (then it returns their promise, which never rejects). */
    private readonly apply: (batch: UnregisterRequest[], mayPause: boolean) => void | Promise<void>,
  ) {}

  /** False when the queue is full (the request is dropped, as Java's offer() does). */
  submit(request: UnregisterRequest): boolean {
    if (this.queue.length >= this.capacity()) return false;
    this.queue.push(request);
    this.scheduled ??= setImmediate(() => this.applyQueued(true));
    return true;
  }

  get length(): number {
    return this.queue.length;
  }

  /** Applies everything queued now, in one go (the caller finishes a batch still in slices first). */
  flush(): void {
    this.applyQueued(false);
  }

  private applyQueued(mayPause: boolean): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    const batch = this.queue;
    this.queue = [];
    const applied = batch.length > 0 ? this.apply(dedupe(batch), mayPause) : undefined;
    if (applied) {
      const slices = applied.then(() => {
        if (this.applying === slices) this.applying = null;
        this.wakeIfDrained();
      });
      this.applying = slices;
    } else if (!mayPause) {
      this.applying = null;
    }
    this.wakeIfDrained();
  }

  private wakeIfDrained(): void {
    if (this.queue.length > 0 || this.applying) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** Resolves once everything submitted so far has been applied. */
  drained(): Promise<void> {
    if (this.queue.length === 0 && !this.applying) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops pending work (at shutdown). */
  stop(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = null;
    this.queue = [];
    this.applying = null;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

/** Java batches into a HashSet, so identical requests count once. */
function dedupe(batch: UnregisterRequest[]): UnregisterRequest[] {
  const seen = new Map<string, UnregisterRequest>();
  for (const r of batch) seen.set(`${r.clusterName}\u0000${r.brokerAddr}\u0000${r.brokerName}\u0000${r.brokerId}`, r);
  return [...seen.values()];
}
