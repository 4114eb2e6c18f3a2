import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRegistry, registration, topicConfig, version } from './registry-helpers.js';

/** Slices as short as can be: the change pauses at every look at the clock (every 128 topics). */
const EVERY_CHECK = { fromTopics: 100, sliceMs: 0, maxSliceMs: 0 };

const oneTurn = () => new Promise((resolve) => setImmediate(resolve));

function bigBroker(count: number) {
  const { registry } = makeRegistry({}, {}, EVERY_CHECK);
  const topics = Array.from({ length: count }, (_, i) => topicConfig(`Big${i}`));
  registry.registerBroker(registration({ topics }));
  const writable = () => topics.filter((t) => (registry.pickupTopicRoute(t.topicName)!.queueDatas[0]!.perm & 2) !== 0).length;
  return { registry, topics, writable };
}

describe('route registry: a large broker name\'s write permission is changed in slices', () => {
  it('serves lookups in between, each topic as before or changed, and gives the count', async () => {
    const { registry, writable } = bigBroker(1000);
    const counted = registry.changeWritePerm('broker-a', 'wipe');
    assert.ok(counted instanceof Promise, 'more topics than the threshold are changed in slices');
    await oneTurn();
    const left = writable();
    assert.ok(left > 0 && left < 1000, `after a turn some topics are changed, not all (${left} still writable)`);
    assert.equal(await counted, 1000);
    assert.equal(writable(), 0);
    assert.equal(await registry.changeWritePerm('broker-a', 'add'), 1000);
    assert.equal(writable(), 1000);
  });

  it('a registration meanwhile finishes the change first, and then applies its own table', async () => {
    const { registry, topics, writable } = bigBroker(1000);
    const counted = registry.changeWritePerm('broker-a', 'wipe');
    await oneTurn();
    // The broker's next registration brings a new data version: every topic of its table is applied again.
    registry.registerBroker(registration({ topics, dataVersion: version(2) }));
    assert.equal(writable(), 1000, 'the registration came after the whole change');
    assert.equal(await counted, 1000, 'the count of the change finished early');
    assert.equal(writable(), 1000, 'nothing of the change is left to come after the registration');
  });

  it('a broker name with topics up to the threshold is changed at once', () => {
    const { registry } = bigBroker(100);
    assert.equal(registry.changeWritePerm('broker-a', 'wipe'), 100);
  });
});
