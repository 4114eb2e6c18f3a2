import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRegisterBrokerBody, encodeRegisterBrokerBody } from '../../src/protocol/bodies/index.js';
import type { TopicConfig } from '../../src/protocol/route-types.js';
import { bodyCrc32 } from '../../src/protocol/body-crc.js';
import { scanRegisterBody, scanRegisterBodyInParts } from '../../src/namesrv/processors/register-body-scanner.js';
import { PART_TOPICS, answerJob, type DecodeJob, type DecodeReply } from '../../src/namesrv/processors/register-body-job.js';
import { RegisterBodyDecoder } from '../../src/namesrv/processors/register-body-decoder.js';
import { TopicTableParts, decodedRegistrationOf, topicNamesOf, type TopicRows } from '../../src/namesrv/route/topic-rows.js';
import { silentLogger } from '../../src/util/logger.js';
import { partCollector, wholeBody } from '../support/registration-body.js';

const VERSION = { stateVersion: 2, timestamp: 1_700_000_000_000, counter: 41 };

function config(topicName: string, readQueueNums = 8): TopicConfig {
  return { topicName, readQueueNums, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false };
}

function topics(count: number): TopicConfig[] {
  return Array.from({ length: count }, (_, i) => config(`Topic-${i}`, 1 + (i % 16)));
}

function body(list: TopicConfig[]): Buffer {
  const topicConfigTable = new Map(list.map((t) => [t.topicName, t]));
  return encodeRegisterBrokerBody({ topicConfigSerializeWrapper: { dataVersion: VERSION, topicConfigTable }, filterServerList: ['10.0.0.1:1'] }, false);
}

/** Rows as plain arrays, to compare. */
function plain(rows: TopicRows) {
  return { names: topicNamesOf(rows), numbers: [...rows.numbers.subarray(0, rows.size * 5)] };
}

function joined(parts: TopicRows[]) {
  const all = parts.map(plain);
  return { names: all.flatMap((p) => p.names), numbers: all.flatMap((p) => p.numbers) };
}

function run(job: DecodeJob): { posted: DecodeReply[]; reply: DecodeReply } {
  const posted: DecodeReply[] = [];
  const { reply } = answerJob(job, (part) => posted.push(part));
  return { posted, reply };
}

describe('a large register body read in parts', () => {
  it('gives the table in parts of the size asked, which with the rest are the rows read in one go', () => {
    const bytes = body(topics(5_000));
    const { parts, sink } = partCollector(VERSION, 1_000);
    const scanned = scanRegisterBodyInParts(bytes, sink);
    assert.ok(scanned);
    assert.deepEqual(parts.map((p) => p.size), [1_000, 1_000, 1_000, 1_000]);
    assert.equal(scanned.inParts, 4_000);
    assert.equal(scanned.body.topics.size, 1_000);
    assert.deepEqual(joined([...parts, scanned.body.topics]), plain(scanRegisterBody(bytes)!.topics));
    assert.deepEqual(scanned.body.filterServerList, ['10.0.0.1:1']);
  });

  it('gives no part when the data version comes after the table', () => {
    const json = body(topics(3_000)).toString('utf8');
    const version = json.match(/"dataVersion":\{[^}]*\},/)![0];
    const moved = json.replace(version, '').replace(/\}\}\}$/, `},${version.slice(0, -1)}}}`);
    assert.notEqual(moved, json);
    const { parts, sink } = partCollector(VERSION, 1_000);
    const scanned = scanRegisterBodyInParts(Buffer.from(moved), sink);
    assert.ok(scanned, 'still read by the scanner');
    assert.equal(parts.length, 0);
    assert.equal(scanned.body.topics.size, 3_000);
  });

  it('the worker\'s job ends the parts with the rest; the table put together is the full decoder\'s', () => {
    const list = topics(PART_TOPICS * 2 + 10);
    const bytes = body(list);
    const { posted, reply } = run({ id: 7, bytes: new Uint8Array(bytes), form: 'json', crc32: bodyCrc32(bytes) });
    assert.equal(posted.length, 2);
    assert.ok('end' in reply);
    assert.equal(reply.end.size, list.length);
    const parts = posted.map((p) => ('part' in p ? p.part : assert.fail('a part')));
    const full = decodeRegisterBrokerBody(bytes, false);
    const expected = decodedRegistrationOf(full.topicConfigSerializeWrapper, full.filterServerList).topics;
    assert.deepEqual(joined([...parts, reply.end.rest]), plain(expected));
  });

  it('checks the checksum before any part is sent', () => {
    const bytes = body(topics(PART_TOPICS * 2));
    const { posted, reply } = run({ id: 1, bytes: new Uint8Array(bytes), form: 'json', crc32: bodyCrc32(bytes) ^ 1 });
    assert.equal(posted.length, 0);
    assert.ok('kind' in reply && reply.kind === 'crc');
  });

  it('reads the body afresh when the scanner gives up after parts: the end holds every row, as the full decoder reads them', () => {
    const list = topics(PART_TOPICS + 100);
    const json = body(list).toString('utf8');
    // The last topic named as the first one: JSON.parse keeps one, the last one's values in the first one's place.
    const last = list.length - 1;
    const twice = json.replace(`"Topic-${last}":{"order":false,"perm":6,"readQueueNums":${1 + (last % 16)},"topicFilterType":"SINGLE_TAG","topicName":"Topic-${last}"`, `"Topic-0":{"order":false,"perm":6,"readQueueNums":16,"topicFilterType":"SINGLE_TAG","topicName":"Topic-0"`);
    assert.notEqual(twice, json);
    const bytes = Buffer.from(twice);
    const { posted, reply } = run({ id: 2, bytes: new Uint8Array(bytes), form: 'json', crc32: null });
    assert.equal(posted.length, 1, 'a part went before the name came again');
    assert.ok('end' in reply);
    assert.equal(reply.end.size, list.length - 1);
    assert.equal(reply.end.rest.size, reply.end.size, 'every row again');
    const full = decodeRegisterBrokerBody(bytes, false);
    assert.deepEqual(plain(reply.end.rest), plain(decodedRegistrationOf(full.topicConfigSerializeWrapper, full.filterServerList).topics));
    assert.equal(reply.end.rest.numbers[0], 16);
  });

  it('refuses a body whose data version is given again after the table, once parts were sent', () => {
    const json = body(topics(PART_TOPICS + 10)).toString('utf8');
    const twice = json.replace(/\}\}\}\}$/, '}},"dataVersion":{"counter":42,"stateVersion":2,"timestamp":1700000000000}}}');
    assert.notEqual(twice, json);
    const { posted, reply } = run({ id: 3, bytes: new Uint8Array(Buffer.from(twice)), form: 'json', crc32: null });
    assert.equal(posted.length, 1);
    assert.ok('kind' in reply && reply.kind === 'body' && /dataVersion is given more than once/.test(reply.error), JSON.stringify(reply));
  });

  it('arrives in parts through the decoder\'s worker, and fails them when the worker goes', async () => {
    const list = topics(PART_TOPICS * 3);
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1 });
    try {
      assert.equal(await decoder.ready(), true);
      const decoded = await wholeBody(decoder.decode(body(list), 'json'));
      assert.ok(decoded.parts >= 1, `arrived in parts (${decoded.parts})`);
      assert.deepEqual(topicNamesOf(decoded.topics), list.map((t) => t.topicName));
      assert.deepEqual(decoded.dataVersion, VERSION);
      assert.deepEqual(decoded.filterServerList, ['10.0.0.1:1']);
    } finally {
      await decoder.close();
    }
  });

  it('a table whose parts failed throws once the parts before the failure are taken', () => {
    const parts = new TopicTableParts();
    const rows: TopicRows = { size: 0, names: [], numbers: new Int32Array(0), keys: null };
    parts.push(rows);
    parts.fail(new Error('worker gone'));
    parts.finish({ rest: rows, size: 0, mappings: null, filterServerList: null });
    assert.equal(parts.next(), rows);
    assert.throws(() => parts.next(), /worker gone/);
  });
});
