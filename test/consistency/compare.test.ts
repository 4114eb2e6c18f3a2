import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareViews, planDetails } from '../../src/consistency/compare.js';
import { DEFAULT_LIMITS } from '../../src/consistency/limits.js';
import { brokerKey, type BrokerEntry, type NameServerView } from '../../src/consistency/name-server-view.js';

function view(address: string, brokers: BrokerEntry[], topics: string[], error: string | null = null): NameServerView {
  return {
    address,
    error,
    clusters: 1,
    brokers: new Map(brokers.map((b) => [brokerKey(b), b])),
    topics: new Set(topics),
    routes: new Map(),
  };
}

const brokerA: BrokerEntry = { cluster: 'C', brokerName: 'broker-a', brokerId: 0, address: '10.0.0.1:10911' };
const brokerB: BrokerEntry = { cluster: 'C', brokerName: 'broker-b', brokerId: 0, address: '10.0.0.2:10911' };

describe('comparing NameServer views', () => {
  test('routes are planned for at most maxRouteTopics of the topics every NameServer lists, in name order', () => {
    const topics = ['T3', 'T1', 'T2', 'T4'];
    const plan = planDetails([view('a', [brokerA], topics), view('b', [brokerA, brokerB], [...topics, 'Only-b'])], { ...DEFAULT_LIMITS, maxRouteTopics: 2 });
    assert.deepEqual(plan.topics, ['T1', 'T2']);
    assert.equal(plan.topicsNotCompared, 2);
  });

  test('an unreachable NameServer is left out of the comparison but makes the report disagree', () => {
    const views = [view('a', [brokerA], ['T1']), view('b', [brokerA], ['T1']), view('c', [], [], 'connect ECONNREFUSED')];
    const report = compareViews(views, planDetails(views, DEFAULT_LIMITS), DEFAULT_LIMITS, 1);
    assert.equal(report.agree, false);
    assert.deepEqual(report.brokers, []);
    assert.deepEqual(report.topics.missing, []);
    assert.deepEqual(
      report.nameServers.map((ns) => [ns.address, ns.reachable]),
      [['a', true], ['b', true], ['c', false]],
    );
  });

  test('equal routes agree; a route one NameServer lacks is a difference', () => {
    const a = view('a', [brokerA], ['T1', 'T2']);
    const b = view('b', [brokerA], ['T1', 'T2']);
    const route = { orderTopicConf: null, queues: [], brokers: [], filterServers: [], staticMapping: null };
    a.routes.set('T1', route).set('T2', route);
    b.routes.set('T1', { ...route }).set('T2', null);
    const report = compareViews([a, b], planDetails([a, b], DEFAULT_LIMITS), DEFAULT_LIMITS, 1);
    assert.deepEqual(report.routes.differing.map((d) => [d.topic, d.variants.map((v) => v.nameServers)]), [['T2', [['a'], ['b']]]]);
  });
});
