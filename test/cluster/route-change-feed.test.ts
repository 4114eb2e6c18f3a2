import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RouteChangeFeed } from '../../src/cluster/route-change-feed.js';
import { makeRegistry, registration, topicConfig, version } from '../route/registry-helpers.js';

describe('what serving processes are told to drop', () => {
  it('a new broker with 20,000 topics, then gone: only those topics, not every copy', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    const feed = new RouteChangeFeed(registry.generations, () => '');
    assert.equal(feed.next(), undefined, 'nothing changed yet');
    const big = { clusterName: 'DefaultCluster', brokerName: 'broker-big', brokerAddr: '10.0.0.5:10911', brokerId: 0, connectionId: 5 };
    const topics = Array.from({ length: 20_000 }, (_, i) => topicConfig(`Big-${i}`));
    registry.registerBroker(registration({ ...big, topics }));
    const added = feed.next();
    assert.ok(added?.topics, 'a list of topics, not "drop everything"');
    assert.equal(added.everyAnswer, false);
    assert.equal(added.topics.length, 20_000);
    assert.ok(!added.topics.includes('TopicA'));
    registry.unregisterBrokers([big]);
    assert.equal(feed.next()?.topics?.length, 20_000);
  });

  it('a change to a broker group some topic names: every answer, but the shapes of the topics that did not change stay', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    const feed = new RouteChangeFeed(registry.generations, () => '');
    registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.9:10911', connectionId: 2, dataVersion: version(2) }));
    assert.deepEqual(feed.next(), { topics: [], everyAnswer: true }, 'a slave joined: no topic changed');
    registry.registerBroker(registration({ dataVersion: version(3), zoneName: 'z', topics: [topicConfig('TopicA'), topicConfig('TopicB'), topicConfig('TopicC')] }));
    const next = feed.next();
    assert.equal(next?.everyAnswer, true);
    assert.ok(next?.topics?.includes('TopicC'));
  });

  it('a switch routes depend on: every copy', () => {
    const { registry } = makeRegistry();
    let switches = 'a';
    const feed = new RouteChangeFeed(registry.generations, () => switches);
    switches = 'b';
    assert.deepEqual(feed.next(), { topics: null, everyAnswer: true });
  });
});
