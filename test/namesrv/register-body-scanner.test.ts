import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRegisterBrokerBody, encodeRegisterBrokerBody } from '../../src/protocol/bodies/index.js';
import type { TopicConfig } from '../../src/protocol/route-types.js';
import { scanRegisterBody } from '../../src/namesrv/processors/register-body-scanner.js';
import { decodedRegistrationOf, topicNamesOf, type DecodedRegistration } from '../../src/namesrv/route/topic-rows.js';
import { capturedBody } from '../protocol/capture-bodies.js';

function config(topicName: string, overrides: Partial<TopicConfig> = {}): TopicConfig {
  return { topicName, readQueueNums: 8, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, ...overrides };
}

function body(topics: TopicConfig[], filterServerList: string[] = []): Buffer {
  return encodeRegisterBrokerBody(
    {
      topicConfigSerializeWrapper: { dataVersion: { stateVersion: 2, timestamp: 1_700_000_000_000, counter: 41 }, topicConfigTable: new Map(topics.map((t) => [t.topicName, t])) },
      filterServerList,
    },
    false,
  );
}

/** What the full decoder makes of the bytes, as the registry takes it. */
function full(bytes: Buffer): DecodedRegistration {
  const decoded = decodeRegisterBrokerBody(bytes, false);
  return decodedRegistrationOf(decoded.topicConfigSerializeWrapper, decoded.filterServerList);
}

function plain(d: DecodedRegistration) {
  return { ...d, topics: { names: topicNamesOf(d.topics), numbers: [...d.topics.numbers], keys: d.topics.keys, size: d.topics.size } };
}

function assertScansAsFull(bytes: Buffer): void {
  const scanned = scanRegisterBody(bytes);
  assert.ok(scanned, 'read by the scanner');
  assert.deepEqual(plain(scanned), plain(full(bytes)));
}

describe('reading register bodies in the form Java brokers write', () => {
  it('reads the Java 4.9.8 captures as the full decoder does', () => {
    for (const [file, seq] of [['01-broker-register-json.jsonl', 1], ['02-broker-register-rocketmq.jsonl', 1], ['05-misc-queries.jsonl', 1]] as const) {
      assertScansAsFull(capturedBody(file, seq));
    }
  });

  it('reads what this project writes: every number, order, filter type, 5.x attributes, filter servers', () => {
    const topics = [
      config('A'),
      config('B', { order: true, perm: 2, topicSysFlag: 3, readQueueNums: 0, writeQueueNums: 2147483647 }),
      config('C', { topicFilterType: 'MULTI_TAG', readQueueNums: -5 }),
      config('%RETRY%group-1', { attributes: {} }),
    ];
    assertScansAsFull(body(topics, ['10.0.0.9:10911', 'with "quotes" and \\ in it']));
    assertScansAsFull(body([]));
    const many = Array.from({ length: 5000 }, (_, i) => config(`Topic-${i}`, { readQueueNums: i % 17 }));
    assertScansAsFull(body(many));
  });

  it('reads static-topic mappings with the rest of the body', () => {
    const bytes = Buffer.from(
      body([config('A')]).toString('utf8').replace(/\}\}$/, ',"topicQueueMappingInfoMap":{"A":{"bname":"broker-a","epoch":3,"totalQueues":4,"dirty":false}}}}'),
    );
    const scanned = scanRegisterBody(bytes);
    assert.ok(scanned);
    assert.deepEqual(plain(scanned), plain(full(bytes)));
    assert.equal(scanned.mappings?.get('A')?.bname, 'broker-a');
  });

  it('leaves every other form to the full decoder', () => {
    const json = body([config('A'), config('B')]).toString('utf8');
    const variants: Record<string, string> = {
      'a space': json.replace('"perm":6', '"perm": 6'),
      'fields in another order': json.replace('"order":false,"perm":6', '"perm":6,"order":false'),
      'a missing field': json.replace(',"topicSysFlag":0', ''),
      'an attribute': json.replace('"order":false', '"attributes":{"k":"v"},"order":false'),
      'a name unlike its key': json.replace('"topicName":"B"', '"topicName":"X"'),
      'a name with an escape': json.replace(/"B"/g, '"B\\u0041"'),
      'a non-ASCII name': json.replace(/"B"/g, '"Bé"'),
      'an all-digit name (JavaScript orders it first)': json.replace(/"B"/g, '"42"'),
      'a name twice': json.replace(/"B"/g, '"A"'),
      'a number beyond int': json.replace('"perm":6', '"perm":2147483648'),
      'a fraction': json.replace('"perm":6', '"perm":6.0'),
      'a leading zero': json.replace('"perm":6', '"perm":06'),
      'a numeric string': json.replace('"perm":6', '"perm":"6"'),
      'a null topic': json.replace(/"B":\{[^}]*\}/, '"B":null'),
      'fastjson bare keys elsewhere': json.replace('"counter":41', 'counter:41'),
      'a second table': json.replace(/\}\}$/, ',"topicConfigTable":{}}}'),
      'a second wrapper': json.replace(/\}$/, ',"topicConfigSerializeWrapper":{}}'),
      'trailing bytes': json + ' ',
      'cut short': json.slice(0, -3),
    };
    for (const [what, text] of Object.entries(variants)) {
      assert.notEqual(text, json, `${what}: the variant differs`);
      assert.equal(scanRegisterBody(Buffer.from(text)), null, what);
    }
  });

  it('compares long names and field names at every byte, in whole words and in the tail', () => {
    const json = body([config('TopicA'), config('LongTopicName-01')]).toString('utf8');
    assert.ok(scanRegisterBody(Buffer.from(json)), 'the plain form is read');
    const variants: Record<string, string> = {
      'a name unlike its key in its first word': json.replace('"topicName":"LongTopicName-01"', '"topicName":"XongTopicName-01"'),
      'a name unlike its key in its tail (the bytes after the last whole word)': json.replace('"topicName":"LongTopicName-01"', '"topicName":"LongTopicName-0X"'),
      'a name unlike its key in its last word': json.replace('"topicName":"TopicA"', '"topicName":"TopicX"'),
      'a name one byte longer than its key': json.replace('"topicName":"TopicA"', '"topicName":"TopicAA"'),
      'a field name changed': json.replace(',"readQueueNums":', ',"readQueueNumX":'),
      'another field name changed': json.replace(',"writeQueueNums":', ',"writeQueueNumz":'),
    };
    for (const [what, text] of Object.entries(variants)) {
      assert.notEqual(text, json, `${what}: the variant differs`);
      assert.equal(scanRegisterBody(Buffer.from(text)), null, what);
    }
  });

  it('finds a name twice among thousands, and tells apart names sharing a prefix or a length', () => {
    const topics = Array.from({ length: 5000 }, (_, i) => config(`T-${i}`));
    const json = body(topics).toString('utf8');
    assertScansAsFull(Buffer.from(json)); // T-1, T-10, T-100 … and T-12 / T-21 are all distinct
    const twice = json.replace(/"T-4999":\{"order":false,"perm":6,"readQueueNums":8,"topicFilterType":"SINGLE_TAG","topicName":"T-4999"/, '"T-17":{"order":false,"perm":6,"readQueueNums":8,"topicFilterType":"SINGLE_TAG","topicName":"T-17"');
    assert.notEqual(twice, json);
    assert.equal(scanRegisterBody(Buffer.from(twice)), null);
  });

  it('reads negative zero as the full decoder does: 0 in the rows', () => {
    const json = body([config('A'), config('B')]).toString('utf8');
    const bytes = Buffer.from(json.replace('"perm":6', '"perm":-0').replace('"topicSysFlag":0', '"topicSysFlag":-0'));
    assertScansAsFull(bytes);
  });

  it('does not take a number beyond int, which the full decoder refuses rather than wrapping', () => {
    const json = body([config('A')]).toString('utf8');
    for (const text of [json.replace('"perm":6', '"perm":2147483648'), json.replace('"readQueueNums":8', '"readQueueNums":4294967312')]) {
      assert.notEqual(text, json);
      assert.equal(scanRegisterBody(Buffer.from(text)), null);
      assert.throws(() => full(Buffer.from(text)), /is not an int/);
    }
  });

  it('does not take text inside a string for the table', () => {
    const json = body([config('A')]).toString('utf8');
    const decoy = json.replace('"filterServerList":[]', '"filterServerList":["\\",\\"topicConfigSerializeWrapper\\":{\\"topicConfigTable\\":{}"]');
    assertScansAsFull(Buffer.from(decoy));
  });
});
