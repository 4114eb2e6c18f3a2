import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { encodeRegisterBrokerBody } from '../../src/protocol/bodies/index.js';
import { MQVersion } from '../../src/protocol/mq-version.js';
import { scanRegisterBody } from '../../src/namesrv/processors/register-body-scanner.js';
import { scanRegisterRecords } from '../../src/namesrv/processors/register-records-scanner.js';
import { PendingTopics } from '../../src/namesrv/route/pending-topics.js';
import { TOPIC_ROW_FIELDS, packNames, topicNamesOf, type PackedNames, type TopicRows } from '../../src/namesrv/route/topic-rows.js';
import { fnv1aString } from '../../src/util/fnv1a.js';

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

  it("takes each name's hash from the scanners that read it, which is the name's FNV-1a", () => {
    const names = Array.from({ length: 3000 }, (_, i) => `Scanned-${i}%RETRY%group_${i % 7}`);
    const register = (compressed: boolean) =>
      encodeRegisterBrokerBody(
        {
          topicConfigSerializeWrapper: {
            dataVersion: { stateVersion: 0, timestamp: 1, counter: 1 },
            topicConfigTable: new Map(names.map((topicName) => [topicName, { topicName, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false }])),
          },
          filterServerList: [],
        },
        compressed,
        MQVersion.V5_3_3,
      );
    for (const [form, scanned] of [['JSON', scanRegisterBody(register(false))], ['records', scanRegisterRecords(inflateSync(register(true)))]] as const) {
      const topics = scanned!.topics;
      const { hashes } = topics.names as PackedNames;
      assert.ok(hashes, `${form}: hashed as scanned`);
      assert.deepEqual([...hashes], topicNamesOf(topics).map(fnv1aString), form);
      const pending = new PendingTopics('broker-a', -1);
      pending.add(topics);
      assert.ok(names.every((name) => queuesOf(pending, name) === 4), form);
      assert.equal(queuesOf(pending, 'Scanned-3000%RETRY%group_4'), null);
    }
  });
});
