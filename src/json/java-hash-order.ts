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
  const mask = tableSize(keys.length, initialCapacity) - 1;
  return keys
    .map((key, index) => {
      const h = javaStringHash(key);
      return { key, index, bucket: (h ^ (h >>> 16)) & mask };
    })
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((e) => e.key);
}
