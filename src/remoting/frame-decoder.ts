import { FrameError } from './errors.js';
import type { GatherBufferPool } from './gather-buffer-pool.js';

/** Java's NettyDecoder limit: a frame, its 4-byte length prefix included, is at most 16 MiB. */
export const DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;

/** The smallest frame content: the 4-byte header-length word. */
const MIN_FRAME_CONTENT = 4;
const LENGTH_PREFIX = 4;

/**
 * Splits a byte stream into frames (`int32 length` + that many bytes) and hands each frame's content,
 * without the prefix, to a callback.
 *
 * Frames handed out are views of buffers this decoder never writes again, so a handler may keep
 * them. A frame that spans chunks is gathered into one buffer sized for it when its length is known,
 * so a large body arriving in many chunks is copied once. With a pool, that buffer comes from the
 * pool, and `recycleGathered()` gives it back once the caller is done with the frame (until then
 * it is never reused).
 */
export class FrameDecoder {
  /** Bytes of an incomplete length prefix (fewer than 4). */
  private prefix: Buffer | null = null;
  /** The frame being gathered across chunks, prefix included. */
  private pending: Buffer | null = null;
  private pendingFilled = 0;
  /** The pooled buffer of the last gathered frame handed out, until recycled. */
  private lastGathered: Buffer | null = null;

  constructor(
    private readonly maxFrameLength: number = DEFAULT_MAX_FRAME_LENGTH,
    private readonly pool: GatherBufferPool | null = null,
  ) {}

  /** The last frame handed out is no longer read by anyone: its gathering buffer may be reused. */
  recycleGathered(): void {
    if (this.lastGathered && this.pool) this.pool.release(this.lastGathered);
    this.lastGathered = null;
  }

  /** Feeds a chunk. Throws FrameError on a length outside the allowed range; the stream is then unusable. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let data = chunk;
    let offset = 0;

    if (this.pending) {
      const want = this.pending.length - this.pendingFilled;
      const take = Math.min(want, data.length);
      data.copy(this.pending, this.pendingFilled, 0, take);
      this.pendingFilled += take;
      if (take < want) return;
      const frame = this.pending;
      this.pending = null;
      this.pendingFilled = 0;
      offset = take;
      this.lastGathered = this.pool ? frame : null;
      onFrame(frame.subarray(LENGTH_PREFIX));
      this.lastGathered = null;
    } else if (this.prefix) {
      data = Buffer.concat([this.prefix, data]);
      this.prefix = null;
    }

    while (data.length - offset >= LENGTH_PREFIX) {
      const contentLength = data.readInt32BE(offset);
      this.checkLength(contentLength);
      const total = LENGTH_PREFIX + contentLength;
      if (data.length - offset < total) {
        this.pending = this.pool ? this.pool.acquire(total) : Buffer.allocUnsafe(total);
        this.pendingFilled = data.copy(this.pending, 0, offset);
        return;
      }
      onFrame(data.subarray(offset + LENGTH_PREFIX, offset + total));
      offset += total;
    }
    if (offset < data.length) this.prefix = Buffer.from(data.subarray(offset));
  }

  /** Bytes held back waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return (this.prefix?.length ?? 0) + this.pendingFilled;
  }

  private checkLength(contentLength: number): void {
    if (contentLength < MIN_FRAME_CONTENT) {
      throw new FrameError(`frame length ${contentLength} is below the minimum of ${MIN_FRAME_CONTENT}`);
    }
    if (contentLength + LENGTH_PREFIX > this.maxFrameLength) {
      throw new FrameError(`frame length ${contentLength} exceeds the maximum of ${this.maxFrameLength} bytes`);
    }
  }
}
