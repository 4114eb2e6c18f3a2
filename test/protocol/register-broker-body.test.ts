import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import {
  decodeRegisterBrokerBody,
  decodeTopicConfigSerializeWrapper,
  encodeRegisterBrokerBody,
} from '../../src/protocol/bodies/index.js';
import { MQVersion } from '../../src/protocol/mq-version.js';
import { BodyDecodeError } from '../../src/protocol/request-error.js';
import type { RegisterBrokerBody, TopicConfig } from '../../src/protocol/route-types.js';
import { capturedBody, with5xAdditions } from './capture-bodies.js';

// 5.x DataVersion has a stateVersion property, written between counter and timestamp.
const STATE_VERSION = [['"dataVersion":{"counter":0', ',"stateVersion":0']] as const;

describe('register body against Java 4.9.8 captures', () => {
  for (const file of ['01-broker-register-json.jsonl', '02-broker-register-rocketmq.jsonl']) {
    it(`decodes the REGISTER_BROKER body of ${file} seq 1 and writes it back byte for byte (plus stateVersion)`, () => {
      const java = capturedBody(file, 1);
      const body = decodeRegisterBrokerBody(java, false);
      const table = body.topicConfigSerializeWrapper.topicConfigTable;
      assert.equal(table.size, 8);
      assert.deepEqual(table.get('TBW102'), {
        topicName: 'TBW102', readQueueNums: 8, writeQueueNums: 8, perm: 7, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false,
      });
      assert.equal(body.topicConfigSerializeWrapper.dataVersion.counter, 0);
      assert.deepEqual(body.filterServerList, []);
      const expected = with5xAdditions(java.toString('utf8'), STATE_VERSION);
      assert.equal(encodeRegisterBrokerBody(body, false).toString('utf8'), expected);
    });
  }

  it('keeps order=true from the forceRegister=false broker (05-misc-queries.jsonl seq 1)', () => {
    const java = capturedBody('05-misc-queries.jsonl', 1);
    const body = decodeRegisterBrokerBody(java, false);
    assert.equal(body.topicConfigSerializeWrapper.topicConfigTable.get('CapRouteTopic')?.order, true);
    const expected = with5xAdditions(java.toString('utf8'), [['"dataVersion":{"counter":5', ',"stateVersion":0']]);
    assert.equal(encodeRegisterBrokerBody(body, false).toString('utf8'), expected);
  });

  it('reads the wrapper-only body of pre-3.0.11 brokers', () => {
    const java = capturedBody('01-broker-register-json.jsonl', 1).toString('utf8');
    const wrapperText = java.slice('{"filterServerList":[],"topicConfigSerializeWrapper":'.length, -1);
    const wrapper = decodeTopicConfigSerializeWrapper(Buffer.from(wrapperText));
    assert.equal(wrapper.topicConfigTable.size, 8);
    assert.equal(wrapper.dataVersion.timestamp, 1795639716197);
  });
});

function topic(name: string, extra: Partial<TopicConfig> = {}): TopicConfig {
  return { topicName: name, readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'SINGLE_TAG', topicSysFlag: 0, order: false, ...extra };
}

const body5x: RegisterBrokerBody = {
  filterServerList: ['10.0.0.1:40001'],
  topicConfigSerializeWrapper: {
    dataVersion: { stateVersion: 3, timestamp: 1700000000000, counter: 12 },
    topicConfigTable: new Map([
      ['TopicA', topic('TopicA', { attributes: { '+message.type': 'FIFO' } })],
      ['StaticTopic', topic('StaticTopic', { attributes: {} })],
    ]),
    topicQueueMappingInfoMap: new Map([
      ['StaticTopic', { bname: 'broker-a', currIdMap: { '0': 0, '1': 1 }, dirty: false, epoch: 1700000000000, scope: '__global__', topic: 'StaticTopic', totalQueues: 2 }],
    ]),
  },
};

describe('register body of a 5.x broker (derived from Java 5.3.3 RegisterBrokerBody/TopicConfig/TopicQueueMappingInfo)', () => {
  const json5x =
    '{"filterServerList":["10.0.0.1:40001"],"topicConfigSerializeWrapper":{' +
    '"dataVersion":{"counter":12,"stateVersion":3,"timestamp":1700000000000},' +
    '"mappingDataVersion":{"counter":0,"stateVersion":0,"timestamp":1700000000000},' +
    '"topicConfigTable":{' +
    '"TopicA":{"attributes":{"+message.type":"FIFO"},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicA","topicSysFlag":0,"writeQueueNums":4},' +
    '"StaticTopic":{"attributes":{},"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"StaticTopic","topicSysFlag":0,"writeQueueNums":4}},' +
    '"topicQueueMappingDetailMap":{},' +
    '"topicQueueMappingInfoMap":{"StaticTopic":{"bname":"broker-a","currIdMap":{0:0,1:1},"dirty":false,"epoch":1700000000000,"scope":"__global__","topic":"StaticTopic","totalQueues":2}}}}';

  it('decodes the JSON a 5.x broker sends, bare Integer keys included', () => {
    assert.deepEqual(decodeRegisterBrokerBody(Buffer.from(json5x), false), body5x);
  });

  it('writes the JSON form with the fields the wrapper type carries', () => {
    const expected = json5x
      .replace('"mappingDataVersion":{"counter":0,"stateVersion":0,"timestamp":1700000000000},', '')
      .replace('"topicQueueMappingDetailMap":{},', '');
    assert.equal(encodeRegisterBrokerBody(body5x, false).toString('utf8'), expected);
  });

  it('round-trips the compressed form', () => {
    const compressed = encodeRegisterBrokerBody(body5x, true);
    assert.equal(compressed[0], 0x78, 'a zlib stream, as java.util.zip.Deflater writes');
    const decoded = decodeRegisterBrokerBody(compressed, true);
    assert.deepEqual(decoded.filterServerList, body5x.filterServerList);
    assert.deepEqual(decoded.topicConfigSerializeWrapper.dataVersion, body5x.topicConfigSerializeWrapper.dataVersion);
    assert.deepEqual(decoded.topicConfigSerializeWrapper.topicConfigTable, body5x.topicConfigSerializeWrapper.topicConfigTable);
    assert.deepEqual(decoded.topicConfigSerializeWrapper.topicQueueMappingInfoMap, body5x.topicConfigSerializeWrapper.topicQueueMappingInfoMap);
  });

  it('lays the compressed form out as Java RegisterBrokerBody.decode reads it', () => {
    const records = compressedRecords([
      '{"counter":12,"stateVersion":3,"timestamp":1700000000000}',
      2,
      'TopicA 4 4 6 SINGLE_TAG {"+message.type":"FIFO"}',
      'StaticTopic 4 4 6 SINGLE_TAG {}',
      '["10.0.0.1:40001"]',
      1,
      '{"bname":"broker-a","currIdMap":{0:0,1:1},"dirty":false,"epoch":1700000000000,"scope":"__global__","topic":"StaticTopic","totalQueues":2}',
    ]);
    const ours = encodeRegisterBrokerBody(body5x, true);
    assert.deepEqual(inflateSync(ours), records);
    assert.deepEqual(decodeRegisterBrokerBody(deflateSync(records), true), decodeRegisterBrokerBody(ours, true));
  });

  it('is written as a 4.9.x broker writes it for a broker below 5.0.0: five fields a topic, nothing after the filter servers', () => {
    const records = compressedRecords([
      '{"counter":12,"stateVersion":3,"timestamp":1700000000000}',
      2,
      'TopicA 4 4 6 SINGLE_TAG',
      'StaticTopic 4 4 6 SINGLE_TAG',
      '["10.0.0.1:40001"]',
    ]);
    assert.deepEqual(inflateSync(encodeRegisterBrokerBody(body5x, true, MQVersion.V4_9_8)), records);
    assert.deepEqual(inflateSync(encodeRegisterBrokerBody(body5x, true, MQVersion.V5_0_0)), inflateSync(encodeRegisterBrokerBody(body5x, true)), 'from 5.0.0 on, the 5.x form');
  });

  it('reads a 4.9.x compressed body, which ends after the filter server list', () => {
    const records = compressedRecords(['{"counter":1,"timestamp":5}', 1, 'TopicA 8 8 6 SINGLE_TAG', '[]']);
    const body = decodeRegisterBrokerBody(deflateSync(records), true);
    assert.deepEqual(body.topicConfigSerializeWrapper.topicConfigTable.get('TopicA'), topic('TopicA', { readQueueNums: 8, writeQueueNums: 8, attributes: {} }));
    assert.equal(body.topicConfigSerializeWrapper.topicQueueMappingInfoMap, undefined);
    assert.deepEqual(body.topicConfigSerializeWrapper.dataVersion, { stateVersion: 0, timestamp: 5, counter: 1 });
  });

  it('decodes a 20,000-topic body (about 3.2 MB) whole, in both forms (its speed is measured by the bench)', () => {
    const table = new Map<string, TopicConfig>();
    for (let i = 0; i < 20000; i++) {
      const name = `benchmark_topic_with_a_longish_name_${i}`;
      table.set(name, topic(name, { writeQueueNums: 1 + (i % 16), perm: i % 3 === 0 ? 4 : 6, attributes: {} }));
    }
    const big: RegisterBrokerBody = {
      filterServerList: [],
      topicConfigSerializeWrapper: { dataVersion: { stateVersion: 0, timestamp: 1, counter: 1 }, topicConfigTable: table, topicQueueMappingInfoMap: new Map() },
    };
    const bytes = encodeRegisterBrokerBody(big, false);
    assert.ok(bytes.length > 3_000_000, `body is ${bytes.length} bytes`);
    for (const compressed of [false, true]) {
      const decoded = decodeRegisterBrokerBody(compressed ? encodeRegisterBrokerBody(big, true) : bytes, compressed);
      assert.deepEqual([...decoded.topicConfigSerializeWrapper.topicConfigTable], [...table], compressed ? 'compressed' : 'JSON');
    }
  });
});

/** Java's layout: every string record is an int32 big-endian length then UTF-8; numbers are bare int32s. */
function compressedRecords(items: Array<string | number>): Buffer {
  const chunks: Buffer[] = [];
  for (const item of items) {
    const int = Buffer.alloc(4);
    if (typeof item === 'number') {
      int.writeInt32BE(item);
      chunks.push(int);
    } else {
      const text = Buffer.from(item, 'utf8');
      int.writeInt32BE(text.length);
      chunks.push(int, text);
    }
  }
  return Buffer.concat(chunks);
}

describe('decodeRegisterBrokerBody rejects malformed bodies', () => {
  const badJson: Array<[string, string]> = [
    ['empty', ''],
    ['not JSON', '\u0000\u0001garbage'],
    ['truncated JSON', '{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{'],
    ['no wrapper', '{"filterServerList":[]}'],
    ['wrapper not an object', '{"topicConfigSerializeWrapper":[]}'],
    ['table entry not an object', '{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":5}}}'],
    ['queue count not an integer', '{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"readQueueNums":1.5}}}}'],
    ['counter not a number', '{"topicConfigSerializeWrapper":{"dataVersion":{"counter":"many"}}}'],
    ['filter servers not strings', '{"filterServerList":[1],"topicConfigSerializeWrapper":{}}'],
    ['attributes not strings', '{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"attributes":{"a":[]}}}}}'],
  ];
  for (const [label, text] of badJson) {
    it(`JSON form: ${label}`, () => {
      assert.throws(() => decodeRegisterBrokerBody(Buffer.from(text, 'utf8'), false), BodyDecodeError);
    });
  }

  const good = compressedRecords(['{"counter":1,"timestamp":5}', 1, 'TopicA 8 8 6 SINGLE_TAG {}', '[]', 0]);
  const badCompressed: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['not zlib', Buffer.from('{"filterServerList":[]}')],
    ['truncated zlib stream', deflateSync(good).subarray(0, 20)],
    ['records cut short', deflateSync(good.subarray(0, good.length - 10))],
    ['absurd record length', deflateSync(compressedRecords([0x7fffffff]))],
    ['negative record length', deflateSync(compressedRecords([-1]))],
    ['absurd topic count', deflateSync(compressedRecords(['{"counter":1}', 0x7fffffff]))],
    ['topic line with too few fields', deflateSync(compressedRecords(['{}', 1, 'TopicA 8 8', '[]']))],
    ['topic line with a bad number', deflateSync(compressedRecords(['{}', 1, 'TopicA x 8 6 SINGLE_TAG', '[]']))],
    ['topic line with an unknown filter type', deflateSync(compressedRecords(['{}', 1, 'TopicA 8 8 6 NO_TAG', '[]']))],
    ['data version not JSON', deflateSync(compressedRecords(['nope', 0, '[]']))],
    ['mapping without topic', deflateSync(compressedRecords(['{}', 0, '[]', 1, '{"bname":"b"}']))],
    ['mapping count cut short', deflateSync(Buffer.concat([compressedRecords(['{}', 0, '[]']), Buffer.from([0, 0])]))],
  ];
  for (const [label, bytes] of badCompressed) {
    it(`compressed form: ${label}`, () => {
      assert.throws(() => decodeRegisterBrokerBody(bytes, true), BodyDecodeError);
    });
  }

  it('JSON form: a topic number beyond Java int is refused, naming the field, not wrapped', () => {
    // "order":0 is no boolean literal: the entry leaves the short way and takes the field-by-field one.
    const entry = (fields: string) =>
      `{"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"order":0,"perm":6,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8,${fields}}}}}`;
    const cases: Array<[string, string]> = [
      ['perm', '"perm":2147483648'],
      ['readQueueNums', '"readQueueNums":4294967312'],
      ['writeQueueNums', '"writeQueueNums":-2147483649'],
      ['topicSysFlag', '"topicSysFlag":1e20'],
      ['readQueueNums', '"readQueueNums":"4294967312"'],
    ];
    for (const [field, fields] of cases) {
      assert.throws(
        () => decodeRegisterBrokerBody(Buffer.from(entry(fields), 'utf8'), false),
        (err: Error) => err instanceof BodyDecodeError && err.message.includes(`.${field} is not an int`),
        fields,
      );
    }
    // Both ends of int are kept.
    const edges = decodeRegisterBrokerBody(Buffer.from(entry('"perm":2147483647,"readQueueNums":-2147483648'), 'utf8'), false);
    const t = edges.topicConfigSerializeWrapper.topicConfigTable.get('T')!;
    assert.equal(t.perm, 2147483647);
    assert.equal(t.readQueueNums, -2147483648);
  });

  it('compressed form: a filter server list that does not parse is dropped, as Java does', () => {
    const records = compressedRecords(['{"counter":1}', 0, 'not json']);
    assert.deepEqual(decodeRegisterBrokerBody(deflateSync(records), true).filterServerList, []);
  });
});
