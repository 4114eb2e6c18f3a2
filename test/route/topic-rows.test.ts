import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameReader, packNames, topicKeySet, topicNamesOf, topicRowsOf, TOPIC_ROW_FIELDS } from '../../src/namesrv/route/topic-rows.js';
import { topicConfig } from './registry-helpers.js';

describe('topic rows: a registration\'s table as numbers and names', () => {
  it('keeps each topic\'s numbers in table order, and its TopicConfig\'s name', () => {
    const rows = topicRowsOf(
      new Map([
        ['A', topicConfig('A', { readQueueNums: 1, writeQueueNums: 2, perm: 4, topicSysFlag: 8, order: true })],
        ['B', topicConfig('B', { readQueueNums: 16 })],
      ]),
    );
    assert.equal(rows.size, 2);
    assert.deepEqual(topicNamesOf(rows), ['A', 'B']);
    assert.deepEqual([...rows.numbers], [1, 2, 4, 8, 1, 16, 4, 6, 0, 0]);
    assert.equal(rows.numbers.length, 2 * TOPIC_ROW_FIELDS);
    assert.equal(rows.keys, null, 'no keys kept while they are the names');
  });

  it('keeps the table\'s keys apart when a key is not its topic\'s name', () => {
    const rows = topicRowsOf(new Map([['A', topicConfig('A')], ['key-b', topicConfig('B')]]));
    assert.deepEqual(topicNamesOf(rows), ['A', 'B']);
    assert.deepEqual([...topicKeySet(rows)], ['A', 'key-b']);
  });

  it('packs ASCII names as bytes and reads them back; other names stay strings', () => {
    const ascii = ['', 'a', '%RETRY%group', 'x'.repeat(300)];
    const packed = packNames(ascii);
    assert.ok(!Array.isArray(packed));
    const read = nameReader(packed);
    assert.deepEqual(ascii.map((_, i) => read(i)), ascii);
    const other = ['a', 'é'];
    assert.equal(packNames(other), other);
  });
});
