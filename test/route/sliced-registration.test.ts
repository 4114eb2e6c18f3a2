import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrokerRegistration } from '../../src/namesrv/route/route-registry.js';
import { decodedRegistrationOf } from '../../src/namesrv/route/topic-rows.js';
import type { TopicConfig } from '../../src/protocol/route-types.js';
import { makeRegistry, topicConfig, version } from './registry-helpers.js';

/** Slices as short as can be: the apply pauses at every look at the clock (every 128 topics). */
const EVERY_CHECK = { fromTopics: 100, sliceMs: 0, maxSliceMs: 0 };

function topics(count: number, prefix = 'Big'): TopicConfig[] {
  return Array.from({ length: count }, (_, i) => topicConfig(`${prefix}${i}`));
}

function bigRegistration(list: TopicConfig[], overrides: Partial<BrokerRegistration> = {}, counter = 1): BrokerRegistration {
  return {
    clusterName: 'DefaultCluster',
    brokerName: 'broker-big',
    brokerAddr: '10.0.0.5:10911',
    brokerId: 0,
    haServerAddr: '10.0.0.5:10912',
    connectionId: 5,
    fingerprint: { value: 'big', dataVersion: version(counter) },
    decode: () => decodedRegistrationOf({ dataVersion: version(counter), topicConfigTable: new Map(list.map((t) => [t.topicName, t])) }, []),
    ...overrides,
  };
}

function routable(registry: ReturnType<typeof makeRegistry>['registry'], list: TopicConfig[]): number {
  return list.filter((t) => registry.pickupTopicRoute(t.topicName) !== null).length;
}

describe('route registry: a large registration is applied in slices', () => {
  it('serves lookups between slices and answers the broker once every topic is applied', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const list = topics(1000);
    const pending = registry.register(bigRegistration(list));
    assert.ok(pending instanceof Promise, 'a table above the threshold is applied in slices');
    const partly = routable(registry, list);
    assert.ok(partly > 0 && partly < list.length, `after the first slice some topics are routable, not all (${partly})`);
    assert.deepEqual(await pending, { outcome: 'applied', haServerAddr: null, masterAddr: null });
    assert.equal(routable(registry, list), list.length);
    assert.equal(registry.topicCountOf('broker-big'), list.length);
    // Applied whole with nothing in between: the same body is recognised next time.
    assert.equal(registry.registerUnchanged(bigRegistration(list), 'big', version(2))?.outcome, 'unchanged');
  });

  it('a small table is applied at once', () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const result = registry.register(bigRegistration(topics(100)));
    assert.ok(!(result instanceof Promise));
    assert.equal(result.outcome, 'applied');
  });

  it('stops when the broker is unregistered between slices, leaving none of its queues', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const list = topics(1000);
    const pending = registry.register(bigRegistration(list));
    registry.unregisterBrokers([{ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.5:10911', brokerName: 'broker-big', brokerId: 0 }]);
    await pending;
    assert.equal(routable(registry, list), 0);
    assert.equal(registry.topicCount, 0);
    assert.equal(registry.liveBrokerCount, 0);
    assert.deepEqual(registry.footprint().unchangedRecords, 0);
  });

  it('does not take the body as applied whole when the broker\'s queues changed between slices', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const list = topics(1000);
    const pending = registry.register(bigRegistration(list));
    registry.wipeWritePermOfBroker('broker-big'); // the topics applied so far lose their write permission
    await pending;
    assert.equal(registry.pickupTopicRoute('Big0')!.queueDatas[0]!.perm, 4);
    assert.equal(registry.registerUnchanged(bigRegistration(list), 'big', version(2)), null, 'the next registration is decoded and applied');
    await registry.register(bigRegistration(list, {}, 2));
    assert.equal(registry.pickupTopicRoute('Big0')!.queueDatas[0]!.perm, 6);
  });

  it('a registration refused by its decoder changes nothing', () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const before = registry.generations.current;
    assert.throws(() => registry.register(bigRegistration(topics(10), { decode: () => { throw new Error('crc32 not match'); } })), /crc32/);
    assert.equal(registry.generations.current, before);
    assert.equal(registry.liveBrokerCount, 0);
  });

  it('a body recognised as applied is not decoded again', () => {
    const { registry } = makeRegistry();
    const list = topics(10);
    let decodes = 0;
    const counted = (counter: number) => {
      const reg = bigRegistration(list, {}, counter);
      return { ...reg, decode: () => (decodes++, reg.decode()) };
    };
    registry.register(counted(1));
    assert.equal((registry.register(counted(2)) as { outcome: string }).outcome, 'unchanged');
    assert.equal(decodes, 1);
    assert.deepEqual(registry.queryBrokerDataVersion('DefaultCluster', '10.0.0.5:10911'), version(2));
  });
});
