import { NEVER_PAUSE, runToEnd, type PauseCheck } from '../util/slices.js';

/**
 * Java's HashMap iteration order, for writing maps in the order Java peers put them on the wire.
 * Order never affects meaning; matching it keeps our frames byte-identical to a Java NameServer's.
 */

export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

function tableSize(entries: number, initialCapacity: number): number {
  let size = 1;
  while (size < initialCapacity) size *= 2;
  while (entries > size * 0.75) size *= 2;
  return size;
}

/**
 * Keys in the order a `new HashMap<>(initialCapacity)` filled with them (in the given order) iterates.
 * Buckets of 8 or more colliding keys (tree bins) are not modelled.
 */
export function hashMapOrder(keys: readonly string[], initialCapacity = 16): string[] {
  return bucketOrder(keys, tableSize(keys.length, initialCapacity)).ordered;
}

export interface BucketOrder {
  ordered: string[];
  /** Some key is there twice (equal keys share a bucket, so only keys of the same bucket are compared). */
  repeats: boolean;
}

/**
 * Keys by bucket of a table of `size` (a power of two), then in the given order: a counting sort,
 * as a topic list may hold 300,000 names.
 */
export function bucketOrder(keys: readonly string[], size: number): BucketOrder {
  return runToEnd(bucketOrderSteps(keys, size, NEVER_PAUSE));
}

/** `bucketOrder` as steps that yield when `pause` says (see util/slices). */
export function* bucketOrderSteps(keys: readonly string[], size: number, pause: PauseCheck): Generator<void, BucketOrder> {
  const count = keys.length;
  const bucketOf = new Int32Array(count);
  const starts = new Int32Array(size + 1);
  for (let i = 0; i < count; i++) {
    const h = javaStringHash(keys[i]!);
    const bucket = (h ^ (h >>> 16)) & (size - 1);
    bucketOf[i] = bucket;
    starts[bucket + 1]!++;
    if (pause()) yield;
  }
  for (let bucket = 0; bucket < size; bucket++) starts[bucket + 1]! += starts[bucket]!;
  const ordered = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    ordered[starts[bucketOf[i]!]!++] = keys[i]!;
    if (pause()) yield;
  }
  // Each bucket now ends where `starts` says, and begins where the one before it ends.
  let repeats = false;
  for (let bucket = 0, from = 0; bucket < size && !repeats; from = starts[bucket]!, bucket++) {
    repeats = hasRepeats(ordered, from, starts[bucket]!);
    if (pause()) yield;
  }
  return { ordered, repeats };
}

/** Whether `keys[from, to)` holds a key twice: pairwise for a bucket's few keys, by a set for many (colliding names can be made at will). */
function hasRepeats(keys: readonly string[], from: number, to: number): boolean {
  if (to - from > 8) return new Set(keys.slice(from, to)).size < to - from;
  for (let i = from + 1; i < to; i++) for (let j = from; j < i; j++) if (keys[i] === keys[j]) return true;
  return false;
}
