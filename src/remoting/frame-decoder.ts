import { ChunkQueue, type Allocator } from './connection/chunk-queue.js';
import { DEFAULT_MAX_FRAME_LENGTH } from './connection/limits.js';
import { FrameError } from './errors.js';
import type { GatherBufferPool } from './gather-buffer-pool.js';

export { DEFAULT_MAX_FRAME_LENGTH };

/** The smallest frame content: the 4-byte header-length word. */
const MIN_FRAME_CONTENT = 4;
const LENGTH_PREFIX = 4;

/**
 * Splits a byte stream into frames (`int32 length` + that many bytes) and hands out each frame's
 * content, without the prefix. A length is checked as soon as its 4 bytes are here; the frame's
 * bytes are held as they arrive (a `ChunkQueue`) and gathered into one buffer only once all of them
 * are, so announcing a large frame reserves nothing.
 *
 * Frames handed out are views of buffers this decoder never writes again, so a handler may keep
 * them. With a pool, a frame that spans chunks is gathered into a pooled buffer, which
 * `takeGathered()` and `recycle()` give back once the caller is done with the frame (until then it
 * is never reused).
 */
export class FrameDecoder implements Allocator {
  /** The pooled buffer of the last gathered frame handed out, until recycled or the next frame. */
  private lastGathered: Buffer | null = null;

  constructor(
    private readonly maxFrameLength: number = DEFAULT_MAX_FRAME_LENGTH,
    private readonly pool: GatherBufferPool | null = null,
    /** Where the bytes are; a connection shares its own with the stages before the frames. */
    readonly queue: ChunkQueue = new ChunkQueue(),
  ) {}

  /** Where a frame spanning chunks is gathered: a pooled buffer, remembered for `takeGathered`. */
  allocate(size: number): Buffer {
    if (!this.pool) return Buffer.allocUnsafe(size);
    this.lastGathered = this.pool.acquire(size);
    return this.lastGathered;
  }

  /**
   * Hands over the last frame's gathering buffer: the caller gives it to `recycle` once nobody
   * reads the frame, or lets it go (a frame an async handler may keep). The decoder forgets it: a
   * connection whose next frame comes minutes later must not hold a megabyte body until then.
   */
  takeGathered(): Buffer | null {
    const gathered = this.lastGathered;
    this.lastGathered = null;
    return gathered;
  }

  /** Gives back a buffer from `takeGathered` whose frame nobody reads any more. */
  recycle(gathered: Buffer | null): void {
    if (gathered && this.pool) this.pool.release(gathered);
  }

  /**
   * The next whole frame's content from the queue, null when more bytes are needed, or a FrameError
   * for a length outside the allowed range (the stream is then unusable).
   */
  next(): Buffer | null | FrameError {
    const queue = this.queue;
    if (queue.length < LENGTH_PREFIX) return null;
    const contentLength = queue.readInt32BE();
    if (contentLength < MIN_FRAME_CONTENT) {
      return new FrameError(`frame length ${contentLength} is below the minimum of ${MIN_FRAME_CONTENT}`);
    }
    if (contentLength + LENGTH_PREFIX > this.maxFrameLength) {
      return new FrameError(`frame length ${contentLength} exceeds the maximum of ${this.maxFrameLength} bytes`);
    }
    if (queue.length < LENGTH_PREFIX + contentLength) return null;
    this.lastGathered = null;
    return queue.consume(contentLength, this, LENGTH_PREFIX);
  }

  /** Feeds a chunk and hands out every frame it completes. Throws FrameError on a length outside the allowed range. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    this.queue.append(chunk);
    for (let frame = this.next(); frame !== null; frame = this.next()) {
      if (frame instanceof FrameError) throw frame;
      onFrame(frame);
    }
  }

  /** Bytes held back waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.queue.length;
  }
}
