import { bucketOrderSteps, hashMapOrder } from '../../json/java-hash-order.js';
import { NEVER_PAUSE, runToEnd, type PauseCheck } from '../../util/slices.js';

/**
 * Iteration orders of the Java collections RocketMQ serializes, so our bodies list entries as a
 * Java NameServer would. Only order is at stake here, never meaning.
 */

function powerOfTwoAtLeast(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

/**
 * The table size of a `new ConcurrentHashMap<>(initialCapacity)` (JDK 11+ sizing) holding `entries`
 * keys. Unlike HashMap it grows as soon as the count reaches three quarters of the table.
 */
export function concurrentHashMapTableSize(entries: number, initialCapacity = 16): number {
  let size = initialCapacity === 16 ? 16 : powerOfTwoAtLeast(Math.floor(1 + initialCapacity / 0.75));
  while (entries >= size * 0.75) size *= 2;
  return size;
}

/** Keys in the order a `new ConcurrentHashMap<>(initialCapacity)` (or its key set) iterates them. */
export function concurrentHashMapOrder(keys: readonly string[], initialCapacity = 16): string[] {
  // Below three quarters of the given table, hashMapOrder keeps that table size.
  return hashMapOrder(keys, concurrentHashMapTableSize(keys.length, initialCapacity));
}

/**
 * The distinct keys (the first of equal ones) in the order a `ConcurrentHashMap.newKeySet()`
 * holding them iterates. Keys are most often distinct already (a registry's topic names): then one
 * ordering pass finds that out and is the answer.
 */
export function concurrentHashSetOrder(keys: readonly string[]): string[] {
  return runToEnd(concurrentHashSetOrderSteps(keys, NEVER_PAUSE));
}

/** `concurrentHashSetOrder` as steps that yield when `pause` says (keys with repeats, a rare case, are ordered again in one go). */
export function* concurrentHashSetOrderSteps(keys: readonly string[], pause: PauseCheck): Generator<void, string[]> {
  const { ordered, repeats } = yield* bucketOrderSteps(keys, concurrentHashMapTableSize(keys.length), pause);
  return repeats ? concurrentHashMapOrder([...new Set(keys)]) : ordered;
}

/** Keys in the order a default `new HashMap<>()` / `new HashSet<>()` iterates them. */
export function defaultHashMapOrder(keys: readonly string[]): string[] {
  return hashMapOrder(keys);
}

/**
 * Broker ids (Java `HashMap<Long, String>`) in ascending order: a Long's hash is its value, so a
 * HashMap iterates ids smaller than its table size in ascending order, which covers the usual 0..n ids.
 */
export function brokerIdOrder(ids: Iterable<number>): number[] {
  return Array.from(ids).sort((a, b) => a - b);
}
