import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { decodeRegisterBrokerRecords, encodeRegisterBrokerBody } from '../../src/protocol/bodies/index.js';
import { MQVersion } from '../../src/protocol/mq-version.js';
import type { TopicConfig, TopicQueueMappingInfo } from '../../src/protocol/route-types.js';
import { PART_TOPICS, answerJob, type DecodeReply } from '../../src/namesrv/processors/register-body-job.js';
import { RegisterBodyDecoder } from '../../src/namesrv/processors/register-body-decoder.js';
import { scanRegisterRecords, scanRegisterRecordsInParts } from '../../src/namesrv/processors/register-records-scanner.js';
import { decodedRegistrationOf, topicNamesOf, type DecodedRegistration, type TopicRows } from '../../src/namesrv/route/topic-rows.js';
import { silentLogger } from '../../src/util/logger.js';
import { partCollector, wholeBody } from '../support/registration-body.js';

const VERSION = { stateVersion: 2, timestamp: 1_700_000_000_000, counter: 41 };

function config(topicName: string, overrides: Partial<TopicConfig> = {}): TopicConfig {
  return { topicName, readQueueNums: 8, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, ...overrides };
}

/** The records a broker of `brokerVersion` compresses: what the server decodes once the body is inflated. */
function records(topics: TopicConfig[], options: { brokerVersion?: number; filterServerList?: string[]; mappings?: Map<string, TopicQueueMappingInfo> } = {}): Buffer {
  const body = encodeRegisterBrokerBody(
    {
      topicConfigSerializeWrapper: {
        dataVersion: VERSION,
        topicConfigTable: new Map(topics.map((t) => [t.topicName, t])),
        ...(options.mappings ? { topicQueueMappingInfoMap: options.mappings } : {}),
      },
      filterServerList: options.filterServerList ?? [],
    },
    true,
    options.brokerVersion ?? MQVersion.V5_3_3,
  );
  return inflateSync(body);
}

/** Records laid out item by item: a number is a count, a string a length-prefixed record. */
function laidOut(items: Array<string | number>): Buffer {
  return Buffer.concat(
    items.flatMap((item) => {
      const int = Buffer.alloc(4);
      if (typeof item === 'number') {
        int.writeInt32BE(item);
        return [int];
      }
      const text = Buffer.from(item, 'utf8');
      int.writeInt32BE(text.length);
      return [int, text];
    }),
  );
}

const DATA_VERSION = '{"counter":41,"stateVersion":2,"timestamp":1700000000000}';

/** A 5.x body's records with these topic lines (a 4.9.x broker's end after the filter server list). */
function withLines(lines: string[], v5 = true): Buffer {
  return laidOut([DATA_VERSION, lines.length, ...lines, '[]', ...(v5 ? [0] : [])]);
}

/** What the full decoder makes of the records, as the registry takes it. */
function full(bytes: Buffer): DecodedRegistration {
  const decoded = decodeRegisterBrokerRecords(bytes);
  return decodedRegistrationOf(decoded.topicConfigSerializeWrapper, decoded.filterServerList);
}

function plainRows(rows: TopicRows) {
  return { names: topicNamesOf(rows), numbers: [...rows.numbers.subarray(0, rows.size * 5)] };
}

function plain(d: DecodedRegistration) {
  return { ...d, topics: { ...plainRows(d.topics), keys: d.topics.keys, size: d.topics.size } };
}

function assertScansAsFull(bytes: Buffer): DecodedRegistration {
  const scanned = scanRegisterRecords(bytes);
  assert.ok(scanned, 'read by the scanner');
  assert.deepEqual(plain(scanned), plain(full(bytes)));
  return scanned;
}

function joined(parts: TopicRows[]) {
  const all = parts.map(plainRows);
  return { names: all.flatMap((p) => p.names), numbers: all.flatMap((p) => p.numbers) };
}

function manyTopics(count: number): TopicConfig[] {
  return Array.from({ length: count }, (_, i) => config(`Topic-${i}`, { readQueueNums: 1 + (i % 16), perm: i % 2 ? 6 : 4 }));
}

describe('reading the records of compressed register bodies in the form Java brokers write', () => {
  it('reads what 5.x and 4.9.x brokers write as the full decoder does: numbers, filter types, attributes, filter servers', () => {
    const topics = [
      config('A'),
      config('B', { perm: 2, readQueueNums: 0, writeQueueNums: 2147483647 }),
      config('C', { topicFilterType: 'MULTI_TAG', readQueueNums: -5 }),
      config('%RETRY%group-1', { attributes: { '+message.type': 'FIFO', 'queue.type': 'BatchCQ' } }),
    ];
    for (const brokerVersion of [MQVersion.V5_3_3, MQVersion.V4_9_8]) {
      assertScansAsFull(records(topics, { brokerVersion, filterServerList: ['10.0.0.9:10911', 'with "quotes" and \\ in it'] }));
      assertScansAsFull(records([], { brokerVersion }));
      assertScansAsFull(records(manyTopics(5000), { brokerVersion }));
    }
  });

  it('reads static-topic mappings with the rest of the body', () => {
    const mappings = new Map<string, TopicQueueMappingInfo>([['A', { topic: 'A', bname: 'broker-a', epoch: 3, totalQueues: 4, dirty: false }]]);
    const scanned = assertScansAsFull(records([config('A'), config('B')], { mappings }));
    assert.equal(scanned.mappings?.get('A')?.bname, 'broker-a');
  });

  it('takes what Java\'s Integer.parseInt and String.split take, as the full decoder does', () => {
    for (const line of ['A 08 +4 -0 SINGLE_TAG', 'A 8 4 6 SINGLE_TAG   ', 'A 8 4 6 MULTI_TAG not json at all', 'A 8 4 6 SINGLE_TAG  {"k":"v"}', 'A\u0001b 8 4 6 SINGLE_TAG {}']) {
      assertScansAsFull(withLines([line, 'B 1 1 6 SINGLE_TAG {}']));
    }
  });

  it('leaves every other form to the full decoder', () => {
    const variants: Record<string, Buffer> = {
      'two spaces between fields': withLines(['A  8 4 6 SINGLE_TAG']),
      'a tab': withLines(['A\t8 4 6 SINGLE_TAG']),
      'a non-ASCII name': withLines(['Aé 8 4 6 SINGLE_TAG']),
      'an empty name': withLines([' 8 4 6 SINGLE_TAG']),
      'four fields': withLines(['A 8 4 6']),
      'four fields and a space': withLines(['A 8 4 6 ']),
      'a name alone': withLines(['A']),
      'an unknown filter type': withLines(['A 8 4 6 SINGLE_TAGS']),
      'a filter type cut short': withLines(['A 8 4 6 MULTI_TA']),
      'a number beyond int': withLines(['A 2147483648 4 6 SINGLE_TAG']),
      'eleven digits': withLines(['A 00000000008 4 6 SINGLE_TAG']),
      'a fraction': withLines(['A 8.0 4 6 SINGLE_TAG']),
      'a sign alone': withLines(['A - 4 6 SINGLE_TAG']),
      'a name twice': withLines(['A 8 4 6 SINGLE_TAG', 'A 1 1 6 SINGLE_TAG']),
      'a line longer than the body': Buffer.concat([laidOut([DATA_VERSION, 1, 100]), Buffer.from('A 8 4 6 SINGLE_TAG')]),
      'a negative line length': laidOut([DATA_VERSION, 1, -1]),
      'an impossible count': laidOut([DATA_VERSION, 1000, 'A 8 4 6 SINGLE_TAG', '[]']),
      'a negative count': laidOut([DATA_VERSION, -1, '[]']),
      'nothing but the data version': laidOut([DATA_VERSION]),
      'an empty body': Buffer.alloc(0),
    };
    for (const [what, bytes] of Object.entries(variants)) assert.equal(scanRegisterRecords(bytes), null, what);
    // Where the scanner stops, the full decoder names what is wrong (or reads it its own way: a name twice).
    assert.throws(() => full(variants['four fields']!), /4 fields/);
    assert.throws(() => full(variants['an unknown filter type']!), /unknown topicFilterType/);
    assert.throws(() => full(variants['a number beyond int']!), /is not an int/);
    assert.equal(full(variants['a name twice']!).topics.size, 1);
  });

  it('refuses a body whose filter server list is cut short, as the full decoder does', () => {
    const cut = laidOut([DATA_VERSION, 1, 'A 8 4 6 SINGLE_TAG']);
    assert.throws(() => scanRegisterRecords(cut), /ends before the length of filterServerList/);
    assert.throws(() => full(cut), /ends before the length of filterServerList/);
  });
});

describe('the records of a large compressed register body read in parts', () => {
  function run(bytes: Buffer): { posted: DecodeReply[]; reply: DecodeReply } {
    const posted: DecodeReply[] = [];
    const { reply } = answerJob({ id: 5, bytes: new Uint8Array(bytes), form: 'records', crc32: null }, (part) => posted.push(part));
    return { posted, reply };
  }

  it('gives the table in parts of the size asked, which with the rest are the rows read in one go', () => {
    const bytes = records(manyTopics(5_000), { filterServerList: ['10.0.0.1:1'] });
    const { parts, sink } = partCollector(VERSION, 1_000);
    const scanned = scanRegisterRecordsInParts(bytes, sink);
    assert.ok(scanned);
    assert.deepEqual(parts.map((p) => p.size), [1_000, 1_000, 1_000, 1_000]);
    assert.equal(scanned.inParts, 4_000);
    assert.equal(scanned.body.topics.size, 1_000);
    assert.deepEqual(joined([...parts, scanned.body.topics]), plainRows(full(bytes).topics));
    assert.deepEqual(scanned.body.filterServerList, ['10.0.0.1:1']);
  });

  it('the worker\'s job ends the parts with the rest; the table put together is the full decoder\'s', () => {
    const bytes = records(manyTopics(PART_TOPICS * 2 + 10));
    const { posted, reply } = run(bytes);
    assert.equal(posted.length, 2);
    assert.ok('end' in reply, JSON.stringify(reply).slice(0, 200));
    assert.equal(reply.end.size, PART_TOPICS * 2 + 10);
    const parts = posted.map((p) => ('part' in p ? p.part : assert.fail('a part')));
    assert.deepEqual(joined([...parts, reply.end.rest]), plainRows(full(bytes).topics));
  });

  it('reads the body afresh when the scanner gives up after parts: the end holds every row, as the full decoder reads them', () => {
    const lines = manyTopics(PART_TOPICS + 100).map((t) => `${t.topicName} ${t.readQueueNums} ${t.writeQueueNums} ${t.perm} SINGLE_TAG {}`);
    lines[lines.length - 1] = 'Topic-0 16 16 6 SINGLE_TAG {}'; // the first name again: the full decoder keeps its place, with these numbers
    const bytes = withLines(lines);
    const { posted, reply } = run(bytes);
    assert.equal(posted.length, 1, 'a part went before the name came again');
    assert.ok('end' in reply);
    assert.equal(reply.end.size, lines.length - 1);
    assert.equal(reply.end.rest.size, reply.end.size, 'every row again');
    assert.deepEqual(plainRows(reply.end.rest), plainRows(full(bytes).topics));
    assert.equal(reply.end.rest.numbers[0], 16);
  });

  it('arrives in parts through the decoder\'s worker', async () => {
    const topics = manyTopics(PART_TOPICS * 3);
    const decoder = new RegisterBodyDecoder(silentLogger(), { thresholdBytes: 1 });
    try {
      assert.equal(await decoder.ready(), true);
      const decoded = await wholeBody(decoder.decode(records(topics, { filterServerList: ['10.0.0.1:1'] }), 'records'));
      assert.ok(decoded.parts >= 1, `arrived in parts (${decoded.parts})`);
      assert.deepEqual(topicNamesOf(decoded.topics), topics.map((t) => t.topicName));
      assert.deepEqual(decoded.dataVersion, VERSION);
      assert.deepEqual(decoded.filterServerList, ['10.0.0.1:1']);
    } finally {
      await decoder.close();
    }
  });
});
