import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeTopicRouteData, encodeTopicRouteData } from '../../src/protocol/bodies/index.js';
import { BodyDecodeError } from '../../src/protocol/request-error.js';
import type { BrokerData, QueueData, TopicRouteData } from '../../src/protocol/route-types.js';
import { loadCapture } from '../fixtures/captures.js';
import { capturedBody, with5xAdditions } from './capture-bodies.js';

// 5.x BrokerData adds the primitive enableActingMaster after cluster (zoneName is null, so absent).
const ACTING_MASTER = [['"cluster":"DefaultCluster"', ',"enableActingMaster":false']] as const;

function captureRoute(perm: number, queues: number): TopicRouteData {
  return {
    brokerDatas: [
      {
        cluster: 'DefaultCluster',
        brokerName: 'broker-a',
        brokerAddrs: new Map([[0, '127.0.0.1:33911']]),
        enableActingMaster: false,
      },
    ],
    queueDatas: [{ brokerName: 'broker-a', perm, readQueueNums: queues, writeQueueNums: queues, topicSysFlag: 0 }],
    filterServerTable: new Map(),
  };
}

describe('route body against Java 4.9.8 captures (04-route-versions.jsonl)', () => {
  const cases = [
    { seq: 2, flavor: 'fastjson', label: 'version 399' },
    { seq: 4, flavor: 'fastjson', label: 'version 400' },
    { seq: 6, flavor: 'standard', label: 'version 401' },
    { seq: 8, flavor: 'standard', label: 'version 409' },
    { seq: 10, flavor: 'standard', label: 'acceptStandardJsonOnly=true' },
    { seq: 12, flavor: 'fastjson', label: 'acceptStandardJsonOnly=false' },
  ] as const;
  for (const { seq, flavor, label } of cases) {
    it(`writes the ${flavor} flavour like the ${label} response (seq ${seq}), plus 5.x's enableActingMaster`, () => {
      const java = capturedBody('04-route-versions.jsonl', seq).toString('utf8');
      const expected = with5xAdditions(java, ACTING_MASTER);
      assert.equal(encodeTopicRouteData(captureRoute(6, 4), flavor).toString('utf8'), expected);
    });

    it(`decodes the captured ${label} body (seq ${seq})`, () => {
      assert.deepEqual(decodeTopicRouteData(capturedBody('04-route-versions.jsonl', seq)), captureRoute(6, 4));
    });
  }

  it('the two flavours differ only in how broker ids are written', () => {
    const standard = encodeTopicRouteData(captureRoute(6, 4), 'standard').toString();
    const fastjson = encodeTopicRouteData(captureRoute(6, 4), 'fastjson').toString();
    assert.equal(standard.replace('{"0":', '{0:'), fastjson);
  });

  it('matches every route body mqadmin received in 03-mqadmin.jsonl', () => {
    const bodies = loadCapture('03-mqadmin.jsonl').filter((f) => f.body?.startsWith('{"brokerDatas"'));
    assert.ok(bodies.length >= 10);
    for (const frame of bodies) {
      const route = decodeTopicRouteData(Buffer.from(frame.body!, 'utf8'));
      const q = route.queueDatas[0]!;
      assert.equal(
        encodeTopicRouteData(captureRoute(q.perm, q.readQueueNums), 'standard').toString(),
        with5xAdditions(frame.body!, ACTING_MASTER),
        `seq ${frame.seq}`,
      );
    }
  });
});

describe('route body of a 5.x-shaped route (bytes derived from Java 5.3.3 TopicRouteData/BrokerData and fastjson 1.2.83)', () => {
  const route: TopicRouteData = {
    orderTopicConf: 'broker-a:4;broker-b:4',
    brokerDatas: [
      {
        cluster: 'DefaultCluster',
        brokerName: 'broker-a',
        brokerAddrs: new Map([
          [2, '10.0.0.2:10911'],
          [0, '10.0.0.1:10911'],
        ]),
        zoneName: '区域/1',
        enableActingMaster: true,
      },
      {
        cluster: 'DefaultCluster',
        brokerName: 'broker-b',
        brokerAddrs: new Map([[0, '10.0.0.3:10911']]),
        zoneName: null,
        enableActingMaster: false,
      },
    ],
    queueDatas: [
      { brokerName: 'broker-a', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 },
      { brokerName: 'broker-b', perm: 4, readQueueNums: 8, writeQueueNums: 2, topicSysFlag: 1 },
    ],
    filterServerTable: new Map([
      ['10.0.0.1:10911', ['10.0.0.1:40001']],
      ['10.0.0.5:10911', ['10.0.0.5:40001', '10.0.0.5:40002']],
    ]),
    topicQueueMappingByBroker: new Map([
      ['broker-a', { bname: 'broker-a', currIdMap: { '1': 5, '0': 4 }, dirty: false, epoch: 1700000000000, scope: '__global__', topic: 'StaticTopic', totalQueues: 2 }],
      ['broker-b', { bname: 'broker-b', topic: 'StaticTopic', totalQueues: 2, epoch: 1700000000001 }],
    ]),
  };

  it("writes the 'fastjson' flavour: bare ids, raw non-ASCII, HashMap order for string-keyed maps", () => {
    const expected =
      '{"brokerDatas":[' +
      '{"brokerAddrs":{0:"10.0.0.1:10911",2:"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":true,"zoneName":"区域/1"},' +
      '{"brokerAddrs":{0:"10.0.0.3:10911"},"brokerName":"broker-b","cluster":"DefaultCluster","enableActingMaster":false}],' +
      // HashMap<String, List<String>> order: 10.0.0.5 hashes to an earlier bucket than 10.0.0.1
      '"filterServerTable":{"10.0.0.5:10911":["10.0.0.5:40001","10.0.0.5:40002"],"10.0.0.1:10911":["10.0.0.1:40001"]},' +
      '"orderTopicConf":"broker-a:4;broker-b:4",' +
      '"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4},' +
      '{"brokerName":"broker-b","perm":4,"readQueueNums":8,"topicSysFlag":1,"writeQueueNums":2}],' +
      // HashMap order again (broker-b first); absent scope/currIdMap/dirty take Java's defaults
      '"topicQueueMappingByBroker":{' +
      '"broker-b":{"bname":"broker-b","currIdMap":{},"dirty":false,"epoch":1700000000001,"scope":"__global__","topic":"StaticTopic","totalQueues":2},' +
      '"broker-a":{"bname":"broker-a","currIdMap":{0:4,1:5},"dirty":false,"epoch":1700000000000,"scope":"__global__","topic":"StaticTopic","totalQueues":2}}}';
    assert.equal(encodeTopicRouteData(route, 'fastjson').toString('utf8'), expected);
  });

  it("writes the 'standard' flavour: quoted ids, sorted maps, BrowserCompatible escapes", () => {
    const expected =
      '{"brokerDatas":[' +
      '{"brokerAddrs":{"0":"10.0.0.1:10911","2":"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":true,"zoneName":"\\u533A\\u57DF\\/1"},' +
      '{"brokerAddrs":{"0":"10.0.0.3:10911"},"brokerName":"broker-b","cluster":"DefaultCluster","enableActingMaster":false}],' +
      '"filterServerTable":{"10.0.0.1:10911":["10.0.0.1:40001"],"10.0.0.5:10911":["10.0.0.5:40001","10.0.0.5:40002"]},' +
      '"orderTopicConf":"broker-a:4;broker-b:4",' +
      '"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4},' +
      '{"brokerName":"broker-b","perm":4,"readQueueNums":8,"topicSysFlag":1,"writeQueueNums":2}],' +
      '"topicQueueMappingByBroker":{' +
      '"broker-a":{"bname":"broker-a","currIdMap":{"0":4,"1":5},"dirty":false,"epoch":1700000000000,"scope":"__global__","topic":"StaticTopic","totalQueues":2},' +
      '"broker-b":{"bname":"broker-b","currIdMap":{},"dirty":false,"epoch":1700000000001,"scope":"__global__","topic":"StaticTopic","totalQueues":2}}}';
    const bytes = encodeTopicRouteData(route, 'standard');
    assert.equal(bytes.toString('utf8'), expected);
    assert.ok(bytes.every((b) => b < 0x80), 'standard flavour is pure ASCII');
  });

  it('writes lists of any length, with commas only between entries', () => {
    const broker = (n: number): BrokerData => ({ cluster: 'C', brokerName: `b${n}`, brokerAddrs: new Map([[0, `10.0.0.${n}:10911`]]), enableActingMaster: false });
    const queue = (n: number): QueueData => ({ brokerName: `b${n}`, readQueueNums: n, writeQueueNums: n, perm: 6, topicSysFlag: 0 });
    for (let brokers = 0; brokers <= 2; brokers++) {
      for (let queues = 0; queues <= 2; queues++) {
        const shaped: TopicRouteData = {
          brokerDatas: Array.from({ length: brokers }, (_, i) => broker(i)),
          queueDatas: Array.from({ length: queues }, (_, i) => queue(i)),
          filterServerTable: new Map(),
        };
        const brokerJson = shaped.brokerDatas.map((b) => `{"brokerAddrs":{"0":"${b.brokerAddrs.get(0)}"},"brokerName":"${b.brokerName}","cluster":"C","enableActingMaster":false}`);
        const queueJson = shaped.queueDatas.map((q) => `{"brokerName":"${q.brokerName}","perm":6,"readQueueNums":${q.readQueueNums},"topicSysFlag":0,"writeQueueNums":${q.writeQueueNums}}`);
        const expected = `{"brokerDatas":[${brokerJson.join(',')}],"filterServerTable":{},"queueDatas":[${queueJson.join(',')}]}`;
        assert.equal(encodeTopicRouteData(shaped, 'standard').toString('utf8'), expected, `${brokers} brokers, ${queues} queues`);
      }
    }
  });

  for (const flavor of ['standard', 'fastjson'] as const) {
    it(`round-trips through decodeTopicRouteData (${flavor})`, () => {
      const decoded = decodeTopicRouteData(encodeTopicRouteData(route, flavor));
      assert.equal(decoded.orderTopicConf, route.orderTopicConf);
      assert.deepEqual(decoded.queueDatas, route.queueDatas);
      assert.deepEqual(decoded.brokerDatas[0], route.brokerDatas[0]);
      const { zoneName: _nullZone, ...brokerB } = route.brokerDatas[1]!;
      assert.deepEqual(decoded.brokerDatas[1], brokerB);
      assert.deepEqual(decoded.filterServerTable, route.filterServerTable);
      assert.deepEqual(decoded.topicQueueMappingByBroker?.get('broker-a')?.currIdMap, { '0': 4, '1': 5 });
      assert.deepEqual(encodeTopicRouteData(decoded, flavor), encodeTopicRouteData(route, flavor));
    });
  }
});

describe('decodeTopicRouteData rejects malformed bodies', () => {
  const bad: Array<[string, string]> = [
    ['empty', ''],
    ['not JSON', 'hello'],
    ['truncated', '{"brokerDatas":[{"brokerAddrs":{0:"a"}'],
    ['an array', '[]'],
    ['queueDatas not an array', '{"queueDatas":{}}'],
    ['perm not an integer', '{"queueDatas":[{"brokerName":"a","perm":"rw"}]}'],
    ['queue without broker name', '{"queueDatas":[{"perm":6}]}'],
    ['broker id not a number', '{"brokerDatas":[{"cluster":"c","brokerName":"b","brokerAddrs":{"x":"a"}}]}'],
    ['address not a string', '{"brokerDatas":[{"cluster":"c","brokerName":"b","brokerAddrs":{"0":7}}]}'],
    ['filter server list not strings', '{"filterServerTable":{"a":[1]}}'],
    ['enableActingMaster not a boolean', '{"brokerDatas":[{"cluster":"c","brokerName":"b","enableActingMaster":"maybe"}]}'],
    ['mapping with a non-integer currIdMap key', '{"topicQueueMappingByBroker":{"b":{"currIdMap":{"x":1}}}}'],
  ];
  for (const [label, text] of bad) {
    it(label, () => {
      assert.throws(() => decodeTopicRouteData(Buffer.from(text, 'utf8')), BodyDecodeError);
    });
  }
});
