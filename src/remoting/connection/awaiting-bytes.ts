/** A connection that stopped reading until the server's requests awaiting answers are back under the bound. */
export interface AwaitingReader {
  resumeIfCaughtUp(): void;
}

/**
 * Bytes of requests the whole server holds while their answers are worked out (a register body
 * being decoded, a request forwarded to the primary), bounded. Each connection already stops
 * reading past its own pending bytes; without a bound on the sum, many connections each sending
 * one large body could hold far more than any limit says. Past the bound, connections stop
 * reading after what they have read, and start again as answers bring the sum back under.
 *
 * Pausing is safe here, unlike for incomplete frames (ByteBudget closes instead): these bytes are
 * given back when the server answers, whatever the peers do.
 */
export class AwaitingBytes {
  private used = 0;
  private readonly paused = new Set<AwaitingReader>();

  constructor(readonly limit: number) {}

  get held(): number {
    return this.used;
  }

  get over(): boolean {
    return this.used > this.limit;
  }

  add(n: number): void {
    this.used += n;
  }

  /** Gives `n` bytes back; once the sum is under the bound, every connection waiting reads again. */
  release(n: number): void {
    this.used -= n;
    if (this.over || this.paused.size === 0) return;
    const waiting = [...this.paused];
    this.paused.clear();
    for (const reader of waiting) reader.resumeIfCaughtUp();
  }

  /** `reader` stopped reading for the server's sum: it is resumed by `release`. */
  waitFor(reader: AwaitingReader): void {
    this.paused.add(reader);
  }

  forget(reader: AwaitingReader): void {
    this.paused.delete(reader);
  }
}
