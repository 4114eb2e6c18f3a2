import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PendingTopics } from '../../src/namesrv/route/pending-topics.js';
import { TOPIC_ROW_FIELDS, packNames, type TopicRows } from '../../src/namesrv/route/topic-rows.js';

/** Rows whose numbers are (readQueueNums = writeQueueNums = `queues`, perm 6, flag 0, not ordered). */
function rows(names: string[], queues: number): TopicRows {
  const numbers = new Int32Array(names.length * TOPIC_ROW_FIELDS);
  for (let i = 0; i < names.length; i++) numbers.set([queues, queues, 6, 0, 0], i * TOPIC_ROW_FIELDS);
  return { size: names.length, names: packNames(names), numbers, keys: null };
}

function queuesOf(pending: PendingTopics, topic: string): number | null {
  const row = pending.find(topic);
  return row ? row.numbers[row.at]! : null;
}

describe('the rows of a registration being applied, by name', () => {
  it('finds each name of every part as it arrives, and nothing else', () => {
    const pending = new PendingTopics('broker-a', -1);
    const first = Array.from({ length: 1000 }, (_, i) => `Topic-${i}`);
    pending.add(rows(first, 4));
    assert.equal(queuesOf(pending, 'Topic-1500'), null);
    pending.add(rows(Array.from({ length: 1000 }, (_, i) => `Topic-${1000 + i}`), 8));
    assert.equal(queuesOf(pending, 'Topic-0'), 4);
    assert.equal(queuesOf(pending, 'Topic-999'), 4);
    assert.equal(queuesOf(pending, 'Topic-1500'), 8);
    for (const missing of ['Topic-2000', 'Topic-', 'topic-1', 'Topic-00', '']) assert.equal(queuesOf(pending, missing), null, missing);
  });

  it('a name sent again takes its new row; names that are not ASCII are found too', () => {
    const pending = new PendingTopics('broker-a', -1);
    pending.add(rows(['A', 'B', 'Café'], 1));
    assert.ok(!Array.isArray(rows(['A'], 1).names) && Array.isArray(rows(['Café'], 1).names), 'ASCII names packed, others kept as strings');
    pending.add(rows(['B', 'C'], 2));
    assert.deepEqual(['A', 'B', 'C', 'Café', 'Cafe'].map((t) => queuesOf(pending, t)), [1, 2, 2, 1, null]);
    assert.deepEqual([...pending.topics()].sort(), ['A', 'B', 'B', 'C', 'Café']);
  });
});
