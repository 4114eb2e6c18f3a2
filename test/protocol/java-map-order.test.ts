import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashMapOrder, javaStringHash } from '../../src/json/java-hash-order.js';
import { concurrentHashMapOrder, concurrentHashMapTableSize, concurrentHashSetOrder } from '../../src/protocol/bodies/java-map-order.js';

/** The order stated plainly: by bucket of a table of `size`, then as given. */
function byBucket(keys: readonly string[], size: number): string[] {
  const bucket = (key: string) => {
    const h = javaStringHash(key);
    return (h ^ (h >>> 16)) & (size - 1);
  };
  return keys
    .map((key, index) => ({ key, index, bucket: bucket(key) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((e) => e.key);
}

/** 2^n distinct strings with one Java hash code: "Aa" and "BB" hash alike. */
function colliding(n: number): string[] {
  let out = [''];
  for (let i = 0; i < n; i++) out = out.flatMap((s) => [`${s}Aa`, `${s}BB`]);
  return out;
}

describe('Java map and set orders', () => {
  it('orders keys by bucket, then as given, for tables of every size', () => {
    for (const count of [0, 1, 2, 11, 12, 13, 100, 5_000]) {
      const keys = Array.from({ length: count }, (_, i) => `Topic-${(i * 7919) % 100_003}`);
      assert.deepEqual(hashMapOrder(keys), byBucket(keys, hashMapTable(count)), `${count} keys`);
      assert.deepEqual(concurrentHashMapOrder(keys), byBucket(keys, concurrentHashMapTableSize(count)), `${count} keys`);
    }
  });

  it('a set keeps the first of equal keys, in the order of the distinct keys', () => {
    const keys = ['b', 'a', 'c', 'a', 'b', 'd'];
    assert.deepEqual(concurrentHashSetOrder(keys), concurrentHashMapOrder(['b', 'a', 'c', 'd']));
    const many = Array.from({ length: 3_000 }, (_, i) => `T-${i % 1_000}`);
    assert.deepEqual(concurrentHashSetOrder(many), concurrentHashMapOrder(Array.from({ length: 1_000 }, (_, i) => `T-${i}`)));
    assert.deepEqual(concurrentHashSetOrder([]), []);
    assert.deepEqual(concurrentHashSetOrder(['only']), ['only']);
  });

  it('finds a repeated key among many that share one bucket, and orders those as given', () => {
    const same = colliding(6); // 64 names, one bucket
    assert.equal(new Set(same.map(javaStringHash)).size, 1);
    assert.deepEqual(concurrentHashSetOrder(same), byBucket(same, concurrentHashMapTableSize(same.length)));
    const repeated = [...same, same[40]!];
    assert.deepEqual(concurrentHashSetOrder(repeated), concurrentHashMapOrder(same));
  });
});

/** HashMap's table for `count` keys from its default capacity. */
function hashMapTable(count: number): number {
  let size = 16;
  while (count > size * 0.75) size *= 2;
  return size;
}
