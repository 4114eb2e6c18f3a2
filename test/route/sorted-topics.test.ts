import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SortedTopics } from '../../src/namesrv/route/sorted-topics.js';
import { makeRegistry, registration, topicConfig } from './registry-helpers.js';

/** A registry whose topic names are counted when listed in full. */
function registryOf(...names: string[]) {
  const { registry } = makeRegistry();
  let passes = 0;
  const topicNames = registry.topicNames.bind(registry);
  registry.topicNames = () => (passes++, topicNames());
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
  registry.changeWritePermAtOnce('broker-a', 'wipe'); // every topic changed, none came or went
  assert.deepEqual(sorted.names(), ['c', 'd', 'e']);
  assert.equal(passes(), 1);
});

test('nothing read again while no topic came or went', () => {
  const { registry, sorted, passes } = registryOf('m', 'k');
  assert.deepEqual(sorted.names(), ['k', 'm']);
  registry.changeWritePermAtOnce('broker-a', 'wipe');
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

/** A registry of `count` topics whose SortedTopics makes a full pass in slices from 100 topics. */
function largeRegistry(count: number) {
  const { registry } = makeRegistry();
  // Names in no particular order, so that the runs sorted apart really need merging.
  const names = Array.from({ length: count }, (_, i) => `T-${((i * 7919) % count).toString(36)}-${i % 3}`);
  registry.registerBroker(registration({ topics: names.map((name) => topicConfig(name)) }));
  return { registry, names, sorted: new SortedTopics(registry, 100) };
}

const javaOrder = (names: readonly string[]) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

test('a pass over a large registry\'s names is made in slices, shared by reads meanwhile, and sorts as one sort does', async () => {
  const { names, sorted } = largeRegistry(10_000);
  const first = sorted.namesInSlices();
  assert.ok(first instanceof Promise, 'the first read of 10,000 names is not made in one turn');
  assert.equal(sorted.namesInSlices(), first, 'a read meanwhile shares it');
  assert.deepEqual(await first, javaOrder(names));
  assert.ok(!(sorted.namesInSlices() instanceof Promise), 'once made, the names are at hand');
});

test('topics that come and go during the pass are put right by the next read', async () => {
  const { registry, names, sorted } = largeRegistry(10_000);
  const pending = sorted.namesInSlices();
  await new Promise((resolve) => setImmediate(resolve));
  registry.deleteTopic(names[0]!);
  registry.deleteTopic(names[9_999]!);
  assert.ok(registry.registerTopic('AAA-new', [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]));
  await pending;
  const now = sorted.namesInSlices();
  assert.ok(!(now instanceof Promise), 'three changes are applied one by one');
  assert.deepEqual(now, javaOrder([...names.slice(1, 9_999), 'AAA-new']));
});

test('a read at once while a pass is in slices finishes it', async () => {
  const { names, sorted } = largeRegistry(10_000);
  const pending = sorted.namesInSlices();
  assert.deepEqual(sorted.names(), javaOrder(names));
  assert.deepEqual(await pending, javaOrder(names));
});
