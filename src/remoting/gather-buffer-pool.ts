/**
 * Buffers for gathering frames that span many reads (register bodies of megabytes), handed back
 * once their frame has been handled. Without it each such frame is a fresh multi-megabyte
 * allocation, and that much external memory a second makes V8 collect the whole heap often.
 */
export class GatherBufferPool {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;

  constructor(private readonly maxFreeBytes: number) {}

  /** A buffer of exactly `size` bytes (a view of a pooled one when one is large enough). */
  acquire(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const candidate = this.free[i]!;
      if (candidate.length >= size && (best < 0 || candidate.length < this.free[best]!.length)) best = i;
    }
    if (best < 0) return Buffer.allocUnsafeSlow(size);
    const [buffer] = this.free.splice(best, 1);
    this.freeBytes -= buffer!.length;
    return buffer!.subarray(0, size);
  }

  /** Gives back a buffer from `acquire` whose contents nobody reads any more. */
  release(view: Buffer): void {
    const whole = Buffer.from(view.buffer, 0, view.buffer.byteLength);
    if (this.freeBytes + whole.length > this.maxFreeBytes) return;
    this.free.push(whole);
    this.freeBytes += whole.length;
  }
}

/** Shared by all connections of a server: frames are handled one at a time on the event loop. */
export const sharedGatherPool = new GatherBufferPool(32 * 1024 * 1024);
