/** Gives the buffer bytes spanning chunks are gathered into. */
export interface Allocator {
  allocate(size: number): Buffer;
}

const UNPOOLED: Allocator = { allocate: (size) => Buffer.allocUnsafe(size) };

/** Chunks shorter than this are copied together rather than kept one by one. */
const COALESCE_BELOW = 4096;
const MIN_COALESCE_CAPACITY = 256;
const MAX_COALESCE_CAPACITY = 64 * 1024;

/**
 * The bytes a connection has received and not yet used: the chunks as they arrived and their count.
 * Nothing is allocated ahead of the bytes: a frame is gathered into one buffer only once all of it
 * is here (`consume`), so a peer announcing a large frame holds only what it actually sent.
 *
 * A peer writing a byte at a time would otherwise make a list entry per byte; chunks shorter than
 * 4 KiB that follow others are copied into a shared buffer sized by the small chunks copied so far
 * (its room never more than the bytes already there, 64 KiB at most).
 */
export class ChunkQueue {
  private readonly chunks: Buffer[] = [];
  /** Bytes of `chunks[0]` already consumed. */
  private headOffset = 0;
  /** Bytes held. */
  length = 0;
  /** Where small chunks are copied to; its bytes from `tailStart` to `tailUsed` are the last entry. */
  private tail: Buffer | null = null;
  private tailStart = 0;
  private tailUsed = 0;
  /** Bytes copied into coalescing buffers since the queue was last empty. */
  private coalesced = 0;

  /** Bytes of memory held: the bytes themselves plus the unused room of the coalescing buffer. */
  get reservedBytes(): number {
    return this.length + (this.tail ? this.tail.length - this.tailUsed : 0);
  }

  append(chunk: Buffer): void {
    const size = chunk.length;
    if (size === 0) return;
    this.length += size;
    if (this.chunks.length === 0 || size >= COALESCE_BELOW) {
      this.chunks.push(chunk);
      this.tail = null;
      return;
    }
    let tail = this.tail;
    if (tail === null || tail.length - this.tailUsed < size) {
      const capacity = Math.min(MAX_COALESCE_CAPACITY, Math.max(MIN_COALESCE_CAPACITY, size, this.coalesced));
      tail = this.tail = Buffer.allocUnsafe(capacity);
      this.tailStart = this.tailUsed = 0;
      this.chunks.push(tail.subarray(0, 0));
    }
    chunk.copy(tail, this.tailUsed);
    this.tailUsed += size;
    this.coalesced += size;
    this.chunks[this.chunks.length - 1] = tail.subarray(this.tailStart, this.tailUsed);
  }

  /** The byte at `index` (< length) from the start. */
  byteAt(index: number): number {
    let at = index + this.headOffset;
    for (const chunk of this.chunks) {
      if (at < chunk.length) return chunk[at]!;
      at -= chunk.length;
    }
    throw new RangeError(`byte ${index} of ${this.length}`);
  }

  /** The signed 32-bit big-endian integer at the start (length >= 4). */
  readInt32BE(): number {
    const head = this.chunks[0]!;
    if (head.length - this.headOffset >= 4) return head.readInt32BE(this.headOffset);
    return this.peek(4).readInt32BE(0);
  }

  /** The first `n` (<= length) bytes, left in place: a view when they are in one chunk, else a copy. */
  peek(n: number): Buffer {
    const head = this.chunks[0]!;
    if (head.length - this.headOffset >= n) return head.subarray(this.headOffset, this.headOffset + n);
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let offset = this.headOffset;
    for (const chunk of this.chunks) {
      filled += chunk.copy(out, filled, offset, Math.min(chunk.length, offset + n - filled));
      offset = 0;
      if (filled === n) break;
    }
    return out;
  }

  /**
   * Removes and returns the first `n` (<= length - skip) bytes after discarding `skip`: a view of
   * the chunk when they are in one, else gathered into a buffer from `allocator`. The bytes
   * returned are never written again.
   */
  consume(n: number, allocator: Allocator = UNPOOLED, skip = 0): Buffer {
    const head = this.chunks[0]!;
    const available = head.length - this.headOffset;
    if (available >= skip + n) {
      const start = this.headOffset + skip;
      this.dropFromHead(skip + n, available);
      this.length -= skip + n;
      return head.subarray(start, start + n);
    }
    if (skip > 0) this.skip(skip);
    let out: Buffer;
    if (this.chunks[0]!.length - this.headOffset >= n) {
      const first = this.chunks[0]!;
      out = first.subarray(this.headOffset, this.headOffset + n);
      this.dropFromHead(n, first.length - this.headOffset);
    } else {
      out = allocator.allocate(n);
      let filled = 0;
      while (filled < n) {
        const chunk = this.chunks[0]!;
        const take = Math.min(chunk.length - this.headOffset, n - filled);
        chunk.copy(out, filled, this.headOffset, this.headOffset + take);
        filled += take;
        this.dropFromHead(take, chunk.length - this.headOffset);
      }
    }
    this.length -= n;
    return out;
  }

  /** Discards the first `n` (<= length) bytes. */
  skip(n: number): void {
    let left = n;
    while (left > 0) {
      const available = this.chunks[0]!.length - this.headOffset;
      const take = Math.min(available, left);
      this.dropFromHead(take, available);
      left -= take;
    }
    this.length -= n;
  }

  /**
   * Gives every chunk that is a view of `buffer` (a read buffer about to be reused) bytes of its
   * own. Only chunks appended by reference can be such views: at most the few of the last read.
   */
  copyOut(buffer: ArrayBufferLike): void {
    const chunks = this.chunks;
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i]!;
      if (chunk.buffer !== buffer) continue;
      if (i === 0 && this.headOffset > 0) {
        chunks[0] = Buffer.from(chunk.subarray(this.headOffset));
        this.headOffset = 0;
      } else {
        chunks[i] = Buffer.from(chunk);
      }
    }
  }

  /** Removes and returns every byte held, as chunks. */
  takeAll(): Buffer[] {
    const all = this.chunks.splice(0);
    if (all.length > 0 && this.headOffset > 0) all[0] = all[0]!.subarray(this.headOffset);
    this.headOffset = 0;
    this.length = 0;
    this.tail = null;
    this.coalesced = 0;
    return all;
  }

  private dropFromHead(n: number, available: number): void {
    if (n < available) {
      this.headOffset += n;
      return;
    }
    this.chunks.shift();
    this.headOffset = 0;
    // Bytes handed out may be views of the coalescing buffer: it is never written again.
    if (this.chunks.length === 0) {
      this.tail = null;
      this.coalesced = 0;
    }
  }
}
