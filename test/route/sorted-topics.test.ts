import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SortedTopics } from '../../src/namesrv/route/sorted-topics.js';
import { makeRegistry, registration, topicConfig } from './registry-helpers.js';

/** A registry whose topic names are counted when listed in full. */
function registryOf(...names: string[]) {
  const { registry } = makeRegistry();
  let passes = 0;
  const allTopics = registry.allTopics.bind(registry);
  registry.allTopics = () => (passes++, allTopics());
  registry.registerBroker(registration({ topics: [] }));
  const add = (...topics: string[]) => {
    for (const t of topics) assert.ok(registry.registerTopic(t, [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]));
  };
  add(...names);
  const sorted = new SortedTopics(registry);
  return { registry, sorted, add, passes: () => passes };
}

test('sorts by UTF-16 code units, as Java compares strings', () => {
  const { sorted } = registryOf('b', 'B', 'a', '%RETRY%g', 'Zed', 'é');
  assert.deepEqual(sorted.names(), ['%RETRY%g', 'B', 'Zed', 'a', 'b', 'é']);
});

test('a few changed topics are applied one by one, without a pass over every name', () => {
  const { registry, sorted, add, passes } = registryOf('a', 'c', 'e');
  sorted.names();
  add('d');
  registry.deleteTopic('a');
  registry.wipeWritePermOfBroker('broker-a'); // every topic changed, none came or went
  assert.deepEqual(sorted.names(), ['c', 'd', 'e']);
  assert.equal(passes(), 1);
});

test('nothing read again while no topic came or went', () => {
  const { registry, sorted, passes } = registryOf('m', 'k');
  assert.deepEqual(sorted.names(), ['k', 'm']);
  registry.wipeWritePermOfBroker('broker-a');
  registry.registerBroker(registration({ brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911', topics: [topicConfig('m'), topicConfig('k')] }));
  assert.deepEqual(sorted.names(), ['k', 'm']);
  assert.equal(passes(), 1);
});

test('many changes fall back to one pass that sorts only the new names, with the same result', () => {
  const { sorted, add, passes, registry } = registryOf('m');
  sorted.names();
  const added = Array.from({ length: 1000 }, (_, i) => `T${String(999 - i).padStart(4, '0')}`);
  add(...added);
  registry.deleteTopic('m');
  assert.deepEqual(sorted.names(), [...added].sort());
  assert.equal(passes(), 2);
  assert.deepEqual(sorted.names(), [...added].sort());
  assert.equal(passes(), 2, 'nothing changed: no pass');
});
