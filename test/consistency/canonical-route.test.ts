import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalRoute } from '../../src/consistency/canonical-route.js';
import type { TopicRouteData } from '../../src/protocol/route-types.js';

function route(order: 'ab' | 'ba', writeQueues = 4): TopicRouteData {
  const queues = [
    { brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: writeQueues, perm: 6, topicSysFlag: 0 },
    { brokerName: 'broker-b', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 },
  ];
  const brokers = [
    { cluster: 'C', brokerName: 'broker-a', brokerAddrs: new Map([[0, 'a:1'], [1, 'a:2']]), enableActingMaster: false },
    { cluster: 'C', brokerName: 'broker-b', brokerAddrs: new Map([[0, 'b:1']]), enableActingMaster: false },
  ];
  if (order === 'ba') {
    queues.reverse();
    brokers.reverse();
    brokers[1]!.brokerAddrs = new Map([[1, 'a:2'], [0, 'a:1']]);
  }
  return { queueDatas: queues, brokerDatas: brokers, filterServerTable: new Map() };
}

describe('canonical routes', () => {
  test('the same route in another order gives the same JSON', () => {
    assert.equal(JSON.stringify(canonicalRoute(route('ab'))), JSON.stringify(canonicalRoute(route('ba'))));
  });

  test('a different queue count gives different JSON', () => {
    assert.notEqual(JSON.stringify(canonicalRoute(route('ab'))), JSON.stringify(canonicalRoute(route('ab', 8))));
  });
});
