import { createInflate } from 'node:zlib';
import { doesNotInflate } from '../../protocol/bodies/index.js';
import { BodyDecodeError } from '../../protocol/request-error.js';
import { InflatedBodyFingerprint, type RegisterBodyFingerprint } from './register-body-fingerprint.js';

import type { RegisterBodyLimits } from '../config/server-extras-config.js';

/** Bodies inflating to no more than this are never refused for their ratio: small ones can be all repetition. */
export const RATIO_FREE_SIZE = 1024 * 1024;

/**
 * Inflates a zlib stream, yielding its output in chunks; stopping the iteration stops the
 * inflation. The default runs zlib on libuv's thread pool. A seam for tests (to count or gate).
 */
export type InflateChunks = (compressed: Buffer) => AsyncIterable<Buffer>;

/**
 * Output chunks of 1 MiB: a 20,000-topic body (~850 KB of records) inflates in one job on the
 * thread pool. Each chunk costs a turn of the event loop, several ms under lookup load: in 256 KiB
 * chunks a compressed re-registration took 32-35 ms (median, storm scenario), in 1 MiB 18-21 ms.
 */
const CHUNK_SIZE = 1024 * 1024;

export const zlibInflateChunks: InflateChunks = (compressed) => {
  const inflate = createInflate({ chunkSize: CHUNK_SIZE });
  inflate.end(compressed);
  return inflate;
};

export interface InflatedBody {
  records: Buffer;
  fingerprint: RegisterBodyFingerprint;
}

/**
 * One body inflates at a time: a real one takes a few ms, and on a busy machine every further
 * zlib thread at work would take CPU from the event loop. It also bounds the memory that bodies
 * being inflated hold to one `registerBodyMaxInflatedSize`.
 */
const CONCURRENT_INFLATIONS = 1;

/**
 * Inflates compressed register bodies once each, off the event loop (on libuv's thread pool),
 * fingerprinting them as they come; refuses one (BodyDecodeError, which names the limit) as soon
 * as it outgrows the limits. Bodies wait their turn in arrival order, except that a body from a
 * source (a connection) whose compressed bodies all inflated within the limits so far goes ahead of
 * the others: a broker re-registering on its connection does not queue behind bodies from
 * connections that never sent a good one (a flood of zlib bombs, each inflating up to its limit).
 * A source with one refused body is not let ahead again: sending good bodies between bombs gets a
 * connection one bomb ahead, not one per good body.
 */
export class RegisterBodyInflater {
  private running = 0;
  private readonly waitingTrusted: Array<() => void> = [];
  private readonly waitingOthers: Array<() => void> = [];
  /** Sources whose compressed bodies all inflated within the limits, at least one of them. */
  private readonly trusted = new WeakSet<object>();
  /** Sources with a compressed body refused: never trusted again. */
  private readonly refused = new WeakSet<object>();

  constructor(private readonly inflateChunks: InflateChunks = zlibInflateChunks) {}

  async inflate(compressed: Buffer, limits: RegisterBodyLimits, source?: object): Promise<InflatedBody> {
    if (this.running >= CONCURRENT_INFLATIONS) {
      const queue = source && this.trusted.has(source) ? this.waitingTrusted : this.waitingOthers;
      await new Promise<void>((resolve) => queue.push(resolve));
    } else this.running++;
    try {
      const inflated = await inflateRegisterBody(compressed, limits, this.inflateChunks);
      if (source && !this.refused.has(source)) this.trusted.add(source);
      return inflated;
    } catch (err) {
      if (source) {
        this.trusted.delete(source);
        this.refused.add(source);
      }
      throw err;
    } finally {
      const next = this.waitingTrusted.shift() ?? this.waitingOthers.shift();
      if (next) next(); // the slot passes on
      else this.running--;
    }
  }
}

async function inflateRegisterBody(compressed: Buffer, limits: RegisterBodyLimits, inflateChunks: InflateChunks): Promise<InflatedBody> {
  if (compressed.length === 0) throw new BodyDecodeError('compressed RegisterBrokerBody: empty body');
  const byRatio = Math.max(RATIO_FREE_SIZE, compressed.length * limits.maxInflateRatio);
  const limit = Math.min(limits.maxInflatedSize, byRatio);
  const fingerprint = new InflatedBodyFingerprint();
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of inflateChunks(compressed)) {
      total += chunk.length;
      if (total > limit) throw tooLarge(compressed.length, limit, limit < limits.maxInflatedSize ? limits : null);
      chunks.push(chunk);
      fingerprint.update(chunk);
    }
  } catch (err) {
    throw err instanceof BodyDecodeError ? err : doesNotInflate(err);
  }
  return { records: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total), fingerprint: fingerprint.finish() };
}

function tooLarge(compressedLength: number, limit: number, byRatio: RegisterBodyLimits | null): BodyDecodeError {
  const setting = byRatio
    ? `registerBodyMaxInflateRatio=${byRatio.maxInflateRatio} for its ${compressedLength} bytes`
    : `registerBodyMaxInflatedSize=${limit}`;
  return new BodyDecodeError(`compressed RegisterBrokerBody: inflates to more than ${limit} bytes (${setting}); refused`);
}
