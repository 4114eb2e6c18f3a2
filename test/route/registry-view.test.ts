import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegistryView } from '../../src/namesrv/route/registry-view.js';
import { makeRegistry, registration, topicConfig, version } from './registry-helpers.js';

function viewOf() {
  const { registry } = makeRegistry();
  const view = new RegistryView(registry, { now: () => 0, remoteAddressOf: () => undefined, orderTopicConf: () => null });
  return { registry, view };
}

describe('registry view: topic lists kept between reads', () => {
  it('keeps nothing for cluster names the registry does not have, however many are asked', () => {
    const { registry, view } = viewOf();
    registry.registerBroker(registration());
    for (let i = 0; i < 1000; i++) assert.equal(view.topics({ offset: 0, limit: 10, cluster: `${'c'.repeat(12_000)}${i}` }).total, 0);
    assert.equal(view.keptClusterLists, 0);
  });

  it('keeps a bounded number of cluster lists', () => {
    const { registry, view } = viewOf();
    for (let i = 0; i < 100; i++) {
      registry.registerBroker(registration({ clusterName: `Cluster${i}`, brokerName: `broker-${i}`, brokerAddr: `10.0.1.${i}:10911`, topics: [topicConfig(`T${i}`), topicConfig('Shared')] }));
    }
    for (let i = 0; i < 100; i++) assert.deepEqual(view.topics({ offset: 0, limit: 10, cluster: `Cluster${i}` }).topics.map((t) => t.topic), ['Shared', `T${i}`]);
    assert.ok(view.keptClusterLists > 0 && view.keptClusterLists <= 32, `${view.keptClusterLists}`);
  });

  it('a kept cluster list follows every change of the registry', () => {
    const { registry, view } = viewOf();
    registry.registerBroker(registration());
    const names = () => view.topics({ offset: 0, limit: 10, cluster: 'DefaultCluster' }).topics.map((t) => t.topic);
    assert.deepEqual(names(), ['TopicA', 'TopicB']);
    registry.registerBroker(registration({ dataVersion: version(2), topics: [topicConfig('TopicA'), topicConfig('TopicB'), topicConfig('TopicC')] }));
    assert.deepEqual(names(), ['TopicA', 'TopicB', 'TopicC']);
    registry.registerBroker(registration({ clusterName: 'Other', brokerName: 'broker-o', brokerAddr: '10.0.0.9:10911', topics: [topicConfig('OnlyOther'), topicConfig('TopicA')] }));
    assert.deepEqual(names(), ['TopicA', 'TopicB', 'TopicC'], 'another cluster\'s topics stay out');
    registry.deleteTopic('TopicB');
    assert.deepEqual(names(), ['TopicA', 'TopicC']);
  });
});
