import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegistryView, type TopicPage } from '../../src/namesrv/route/registry-view.js';
import { makeRegistry, registration, topicConfig, topicsByCluster, version } from './registry-helpers.js';

/** A page of a registry below the slicing threshold, which is answered at once. */
function pageOf(page: TopicPage | Promise<TopicPage>): TopicPage {
  assert.ok(!(page instanceof Promise), 'a small registry is answered at once');
  return page;
}

function viewOf() {
  const { registry } = makeRegistry();
  const view = new RegistryView(registry, { now: () => 0, remoteAddressOf: () => undefined, orderTopicConf: () => null });
  return { registry, view };
}

describe('registry view: topic lists kept between reads', () => {
  it('keeps nothing for cluster names the registry does not have, however many are asked', () => {
    const { registry, view } = viewOf();
    registry.registerBroker(registration());
    for (let i = 0; i < 1000; i++) assert.equal(pageOf(view.topics({ offset: 0, limit: 10, cluster: `${'c'.repeat(12_000)}${i}` })).total, 0);
    assert.equal(view.keptClusterLists, 0);
  });

  it('keeps a bounded number of cluster lists', () => {
    const { registry, view } = viewOf();
    for (let i = 0; i < 100; i++) {
      registry.registerBroker(registration({ clusterName: `Cluster${i}`, brokerName: `broker-${i}`, brokerAddr: `10.0.1.${i}:10911`, topics: [topicConfig(`T${i}`), topicConfig('Shared')] }));
    }
    for (let i = 0; i < 100; i++) assert.deepEqual(pageOf(view.topics({ offset: 0, limit: 10, cluster: `Cluster${i}` })).topics.map((t) => t.topic), ['Shared', `T${i}`]);
    assert.ok(view.keptClusterLists > 0 && view.keptClusterLists <= 32, `${view.keptClusterLists}`);
  });

  it('a kept cluster list follows every change of the registry', () => {
    const { registry, view } = viewOf();
    registry.registerBroker(registration());
    const names = () => pageOf(view.topics({ offset: 0, limit: 10, cluster: 'DefaultCluster' })).topics.map((t) => t.topic);
    assert.deepEqual(names(), ['TopicA', 'TopicB']);
    registry.registerBroker(registration({ dataVersion: version(2), topics: [topicConfig('TopicA'), topicConfig('TopicB'), topicConfig('TopicC')] }));
    assert.deepEqual(names(), ['TopicA', 'TopicB', 'TopicC']);
    registry.registerBroker(registration({ clusterName: 'Other', brokerName: 'broker-o', brokerAddr: '10.0.0.9:10911', topics: [topicConfig('OnlyOther'), topicConfig('TopicA')] }));
    assert.deepEqual(names(), ['TopicA', 'TopicB', 'TopicC'], 'another cluster\'s topics stay out');
    registry.deleteTopic('TopicB');
    assert.deepEqual(names(), ['TopicA', 'TopicC']);
  });
});

describe('registry view: a cluster of a large registry that does not serve every topic', () => {
  it('is looked at in slices, once for asks meanwhile, and then kept', async () => {
    const { registry, view } = viewOf();
    const many = Array.from({ length: 60_000 }, (_, i) => topicConfig(`Many-${i}`));
    registry.registerBroker(registration({ topics: many }));
    registry.registerBroker(registration({ clusterName: 'Other', brokerName: 'broker-o', brokerAddr: '10.0.0.9:10911', topics: [topicConfig('OnlyOther'), topicConfig('Many-5')] }));
    const first = view.topics({ offset: 0, limit: 10, cluster: 'Other' });
    const second = view.topics({ offset: 1, limit: 10, cluster: 'Other' });
    assert.ok(first instanceof Promise && second instanceof Promise, 'a pass over 60,000 topics is not made in one turn');
    assert.deepEqual((await first).topics.map((t) => t.topic), ['Many-5', 'OnlyOther']);
    assert.deepEqual((await second).topics.map((t) => t.topic), ['OnlyOther']);
    assert.equal(pageOf(view.topics({ offset: 0, limit: 10, cluster: 'Other' })).total, 2, 'kept once made, while the registry is unchanged');
    registry.deleteTopic('OnlyOther');
    assert.equal((await view.topics({ offset: 0, limit: 10, cluster: 'Other' })).total, 1, 'made again after a change');
  });
});

describe('route registry: a cluster\'s topics', () => {
  it('a pass over every topic pauses where it is told, and lists what the pass in one go lists', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ topics: Array.from({ length: 300 }, (_, i) => topicConfig(`T${i}`)) }));
    registry.registerBroker(registration({ clusterName: 'Other', brokerName: 'broker-o', brokerAddr: '10.0.0.9:10911', topics: [topicConfig('T7'), topicConfig('Mine')] }));
    let pauses = 0;
    const steps = registry.topicsOfCluster('Other', () => true);
    let step = steps.next();
    while (!step.done) {
      pauses++;
      step = steps.next();
    }
    assert.equal(pauses, 301, 'one pause after each topic looked at');
    assert.deepEqual([...step.value].sort(), ['Mine', 'T7']);
    assert.deepEqual(topicsByCluster(registry, 'Other').sort(), ['Mine', 'T7']);
  });
});

describe('registry view: the first page of a large registry', () => {
  it('sorts every name in slices', async () => {
    const { registry, view } = viewOf();
    registry.registerBroker(registration({ topics: Array.from({ length: 60_000 }, (_, i) => topicConfig(`N${59_999 - i}`)) }));
    const page = view.topics({ offset: 0, limit: 3 });
    assert.ok(page instanceof Promise, 'sorting 60,000 names is not done in one turn');
    assert.deepEqual((await page).topics.map((t) => t.topic), ['N0', 'N1', 'N10']);
    assert.equal(pageOf(view.topics({ offset: 0, limit: 3 })).total, 60_000);
  });
});
