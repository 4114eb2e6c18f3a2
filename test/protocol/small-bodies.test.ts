import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeBrokerMemberGroupResponse,
  decodeDataVersion,
  decodeKvTable,
  decodeTopicList,
  encodeBrokerMemberGroupResponse,
  encodeDataVersion,
  encodeKvTable,
  encodeTopicList,
} from '../../src/protocol/bodies/index.js';
import { BodyDecodeError } from '../../src/protocol/request-error.js';
import { capturedBody } from './capture-bodies.js';

describe('topic list body', () => {
  for (const [file, seq] of [['03-mqadmin.jsonl', 12], ['05-misc-queries.jsonl', 16], ['05-misc-queries.jsonl', 18], ['05-misc-queries.jsonl', 20]] as const) {
    it(`matches Java's bytes (${file} seq ${seq}), even from a sorted list`, () => {
      const java = capturedBody(file, seq);
      const list = decodeTopicList(java);
      assert.equal(encodeTopicList({ ...list, topicList: [...list.topicList].sort().reverse() }).length, java.length);
      assert.deepEqual(encodeTopicList(list), java);
    });
  }

  it('orders topics like a ConcurrentHashMap key set and drops duplicates', () => {
    assert.equal(encodeTopicList({ topicList: ['TopicA', 'TopicB', 'TopicA'] }).toString(), '{"topicList":["TopicB","TopicA"]}');
  });

  it('rejects malformed bodies', () => {
    for (const text of ['', '[', '{"topicList":"TBW102"}', '{"topicList":[1]}', '{"topicList":[],"brokerAddr":5}']) {
      assert.throws(() => decodeTopicList(Buffer.from(text)), BodyDecodeError, text);
    }
  });
});

describe('KV table body', () => {
  for (const seq of [2, 10, 12]) {
    it(`matches Java's bytes (05-misc-queries.jsonl seq ${seq})`, () => {
      const java = capturedBody('05-misc-queries.jsonl', seq);
      const table = decodeKvTable(java);
      assert.deepEqual(encodeKvTable(table), java);
      assert.deepEqual(encodeKvTable(Object.fromEntries([...table].reverse())), java);
    });
  }

  it('reads the values, escapes included', () => {
    assert.deepEqual(decodeKvTable(capturedBody('05-misc-queries.jsonl', 12)), new Map([['quote"key', 'v"q ü 中 \\\\ /']]));
  });

  it('rejects malformed bodies', () => {
    for (const text of ['nope', '{"table":[]}', '{"table":{"k":1}}', '"table"']) {
      assert.throws(() => decodeKvTable(Buffer.from(text)), BodyDecodeError, text);
    }
  });
});

describe('DataVersion body', () => {
  it("reads Java 4.9.8's form (05-misc-queries.jsonl seq 25) and writes 5.x's, which adds stateVersion", () => {
    const java = capturedBody('05-misc-queries.jsonl', 25);
    const version = decodeDataVersion(java);
    assert.deepEqual(version, { stateVersion: 0, timestamp: 1795639918266, counter: 5 });
    assert.equal(encodeDataVersion(version).toString(), '{"counter":5,"stateVersion":0,"timestamp":1795639918266}');
  });

  it('round-trips a 5.x version', () => {
    const v = { stateVersion: 7, timestamp: 1700000000000, counter: 42 };
    assert.deepEqual(decodeDataVersion(encodeDataVersion(v)), v);
  });

  it('rejects malformed bodies', () => {
    for (const text of ['', '5', '{"counter":"five"}', '{"timestamp":1.5}', '{"counter":']) {
      assert.throws(() => decodeDataVersion(Buffer.from(text)), BodyDecodeError, text);
    }
  });
});

describe('GetBrokerMemberGroupResponseBody', () => {
  // Java 5.3.3 GetBrokerMemberGroupResponseBody.encode(): plain fastjson, HashMap<Long, String> ids bare.
  const group = { cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: new Map([[2, '10.0.0.3:10911'], [0, '10.0.0.1:10911']]) };
  const java = '{"brokerMemberGroup":{"brokerAddrs":{0:"10.0.0.1:10911",2:"10.0.0.3:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}}';

  it('writes Java 5.x bytes and reads them back', () => {
    assert.equal(encodeBrokerMemberGroupResponse(group).toString(), java);
    assert.deepEqual(decodeBrokerMemberGroupResponse(Buffer.from(java)), group);
  });

  it('writes an empty object for no group', () => {
    assert.equal(encodeBrokerMemberGroupResponse(null).toString(), '{}');
    assert.equal(decodeBrokerMemberGroupResponse(Buffer.from('{}')), null);
  });

  it('rejects malformed bodies', () => {
    for (const text of ['', '{"brokerMemberGroup":[]}', '{"brokerMemberGroup":{"brokerAddrs":{"a":"b"}}}']) {
      assert.throws(() => decodeBrokerMemberGroupResponse(Buffer.from(text)), BodyDecodeError, text);
    }
  });
});
