import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SortedTopics } from '../../src/namesrv/route/sorted-topics.js';

function registryOf(...names: string[]) {
  const topics = new Set(names);
  let passes = 0;
  const sorted = new SortedTopics(
    () => {
      passes++;
      return [...topics];
    },
    (t) => topics.has(t),
  );
  return { topics, sorted, passes: () => passes };
}

test('sorts by UTF-16 code units, as Java compares strings', () => {
  const { sorted } = registryOf('b', 'B', 'a', '%RETRY%g', 'Zed', 'é');
  assert.deepEqual(sorted.names(), ['%RETRY%g', 'B', 'Zed', 'a', 'b', 'é']);
});

test('a few changed topics are applied one by one, without a pass over every name', () => {
  const { topics, sorted, passes } = registryOf('a', 'c', 'e');
  sorted.names();
  topics.add('d');
  topics.delete('a');
  sorted.changed('d');
  sorted.changed('a');
  sorted.changed('c'); // changed but still there
  assert.deepEqual(sorted.names(), ['c', 'd', 'e']);
  assert.equal(passes(), 1);
});

test('a change of any topic (null) reconciles with one pass: the new sorted in, the gone taken out', () => {
  const { topics, sorted, passes } = registryOf('m', 'k');
  assert.deepEqual(sorted.names(), ['k', 'm']);
  topics.delete('k');
  topics.add('z');
  topics.add('a');
  sorted.changed(null);
  assert.deepEqual(sorted.names(), ['a', 'm', 'z']);
  assert.equal(passes(), 2);
  assert.deepEqual(sorted.names(), ['a', 'm', 'z']);
  assert.equal(passes(), 2, 'nothing changed: no pass');
});

test('many single changes fall back to one reconcile, with the same result', () => {
  const { topics, sorted, passes } = registryOf();
  sorted.names();
  const added = Array.from({ length: 1000 }, (_, i) => `T${String(999 - i).padStart(4, '0')}`);
  for (const t of added) {
    topics.add(t);
    sorted.changed(t);
  }
  assert.deepEqual(sorted.names(), [...added].sort());
  assert.equal(passes(), 2);
});
