import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrokerRegistration } from '../../src/namesrv/route/route-registry.js';
import { decodedRegistrationOf } from '../../src/namesrv/route/topic-rows.js';
import type { TopicConfig } from '../../src/protocol/route-types.js';
import { makeRegistry, topicConfig, version } from './registry-helpers.js';

/** Slices as short as can be: the removal pauses at every look at the clock (every 128 topics). */
const EVERY_CHECK = { fromTopics: 100, sliceMs: 0, maxSliceMs: 0 };

const BIG = { clusterName: 'DefaultCluster', brokerName: 'broker-big', brokerAddr: '10.0.0.5:10911', brokerId: 0 };

function topics(count: number, prefix: string): TopicConfig[] {
  return Array.from({ length: count }, (_, i) => topicConfig(`${prefix}${i}`));
}

function registration(list: TopicConfig[], counter = 1, broker: Partial<BrokerRegistration> = {}): BrokerRegistration {
  return {
    ...BIG,
    haServerAddr: '10.0.0.5:10912',
    connectionId: 5,
    fingerprint: null,
    decode: () => decodedRegistrationOf({ dataVersion: version(counter), topicConfigTable: new Map(list.map((t) => [t.topicName, t])) }, []),
    ...broker,
  };
}

type Registry = ReturnType<typeof makeRegistry>['registry'];

function routable(registry: Registry, list: TopicConfig[]): number {
  return list.filter((t) => registry.pickupTopicRoute(t.topicName) !== null).length;
}

/** One turn of the event loop: the queued batch is applied, and one slice of what follows. */
const oneTurn = () => new Promise((resolve) => setImmediate(resolve));

async function registeredBig(count: number, hooks = {}): Promise<{ registry: Registry; list: TopicConfig[] }> {
  const { registry } = makeRegistry({}, hooks, EVERY_CHECK);
  const list = topics(count, 'Big');
  await registry.register(registration(list));
  // A second group that stays, sharing one topic with the big one.
  await registry.register(registration([topicConfig('Big0'), topicConfig('Small')], 1, { brokerName: 'broker-small', brokerAddr: '10.0.0.6:10911', connectionId: 6 }));
  return { registry, list };
}

describe('route registry: a large broker group that leaves is taken away in slices', () => {
  it('serves lookups in between, each topic as before or without the group, then removes the group', async () => {
    const { registry, list } = await registeredBig(1000);
    assert.ok(registry.submitUnregister(BIG));
    await oneTurn();
    const partly = routable(registry, list);
    assert.ok(partly > 1 && partly < list.length, `after the first slice some topics are gone, not all (${partly} routable)`);
    // The group stays until its last topic is gone: no route names queues of a group it does not list.
    for (const t of list) {
      const route = registry.pickupTopicRoute(t.topicName);
      if (!route) continue;
      const listed = new Set(route.brokerDatas.map((b) => b.brokerName));
      for (const q of route.queueDatas) assert.ok(listed.has(q.brokerName), `${t.topicName}: queues of ${q.brokerName} without its broker data`);
    }
    assert.ok(registry.clusterInfo().brokerAddrTable.has('broker-big'));
    assert.equal(registry.liveBroker(BIG.clusterName, BIG.brokerAddr), undefined, 'the broker is no longer live from the start');

    await registry.unregistrationsDrained();
    assert.equal(routable(registry, list), 1, 'only the topic the other group serves is left');
    assert.deepEqual(registry.pickupTopicRoute('Big0')!.brokerDatas.map((b) => b.brokerName), ['broker-small']);
    assert.equal(registry.clusterInfo().brokerAddrTable.has('broker-big'), false);
    assert.deepEqual([...registry.clusterInfo().clusterAddrTable.get('DefaultCluster')!], ['broker-small']);
    const footprint = registry.footprint();
    assert.equal(footprint.topics, 2);
    assert.equal(footprint.brokerNames, 1);
    assert.equal(footprint.brokerTopics, 1, 'what was kept per broker name is forgotten');
  });

  it('announces the batch at once and again when the group is gone', async () => {
    const seen: number[] = [];
    const hooks = { unregistrationsApplied: () => seen.push(routable(registry, list)) };
    const { registry, list } = await registeredBig(1000, hooks);
    registry.submitUnregister(BIG);
    await registry.unregistrationsDrained();
    assert.equal(seen.length, 2);
    assert.equal(seen[0], list.length, 'the first announcement comes before any topic is taken away');
    assert.equal(seen[1], 1, 'the last comes once they all are');
  });

  it('a registration of the same broker meanwhile finishes the removal first, then applies its own table', async () => {
    const { registry, list } = await registeredBig(1000);
    registry.submitUnregister(BIG);
    await oneTurn();
    assert.ok(routable(registry, list) > 1);
    const fresh = topics(300, 'Fresh');
    const result = await registry.register(registration(fresh, 2));
    assert.equal(result.outcome, 'applied');
    await registry.unregistrationsDrained();
    assert.equal(routable(registry, list), 1, 'the old topics are gone (Big0 stays with the other group)');
    assert.equal(routable(registry, fresh), fresh.length, 'the new registration keeps every topic it brought');
    assert.equal(registry.topicCountOf('broker-big'), fresh.length);
    assert.ok(registry.liveBroker(BIG.clusterName, BIG.brokerAddr));
  });

  it('an admin write meanwhile sees the batch applied whole', async () => {
    const { registry, list } = await registeredBig(1000);
    registry.submitUnregister(BIG);
    await oneTurn();
    assert.equal(registry.changeWritePermAtOnce('broker-big', 'wipe'), 0, 'nothing of the group is left to change');
    assert.equal(routable(registry, list), 1);
    assert.equal(registry.clusterInfo().brokerAddrTable.has('broker-big'), false);
  });

  it('flushUnregistrations finishes the removal at once', async () => {
    const { registry, list } = await registeredBig(1000);
    registry.submitUnregister(BIG);
    await oneTurn();
    registry.flushUnregistrations();
    assert.equal(routable(registry, list), 1);
    assert.equal(registry.clusterInfo().brokerAddrTable.has('broker-big'), false);
  });

  it('many small groups leaving in one batch (a rack going down) go in slices too', async () => {
    const seen: number[] = [];
    const { registry } = makeRegistry({}, { unregistrationsApplied: () => seen.push(registry.topicCount) }, EVERY_CHECK);
    const racks = Array.from({ length: 20 }, (_, b) => ({ clusterName: 'DefaultCluster', brokerName: `small-${b}`, brokerAddr: `10.0.1.${b}:10911`, brokerId: 0 }));
    for (const [b, broker] of racks.entries()) {
      const own = topics(50, `Rack${b}-`); // 50 each: under the threshold alone, 1,000 in all
      await registry.register(registration(own, 1, { ...broker, connectionId: 100 + b }));
    }
    for (const broker of racks) registry.submitUnregister(broker);
    await oneTurn();
    assert.ok(registry.topicCount > 0 && registry.topicCount < 1000, `after a turn some topics are gone, not all (${registry.topicCount} left)`);
    assert.equal(registry.clusterInfo().brokerAddrTable.size, 20, 'the groups stay until their topics are gone');
    await registry.unregistrationsDrained();
    assert.equal(registry.topicCount, 0);
    assert.equal(registry.clusterInfo().brokerAddrTable.size, 0);
    assert.deepEqual(seen, [1000, 0]);
  });

  it('a batch with topics up to the threshold in all goes in one turn, and so does a group that keeps an address', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const small = topics(100, 'Few');
    await registry.register(registration(small));
    registry.submitUnregister(BIG);
    await oneTurn();
    assert.equal(routable(registry, small), 0);

    const many = topics(1000, 'Many');
    await registry.register(registration(many, 2));
    await registry.register(registration(many, 2, { brokerId: 1, brokerAddr: '10.0.0.7:10911', connectionId: 7 }));
    registry.submitUnregister(BIG);
    await oneTurn();
    assert.equal(routable(registry, many), many.length, 'the slave keeps the group and its topics');
    assert.deepEqual([...registry.clusterInfo().brokerAddrTable.get('broker-big')!.brokerAddrs.keys()], [1]);
  });
});
