import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrokerRegistration } from '../../src/namesrv/route/route-registry.js';
import { TopicTableParts, decodedRegistrationOf, topicRowsOf, type ArrivingRegistration } from '../../src/namesrv/route/topic-rows.js';
import type { ArrivedRows } from '../../src/namesrv/route/pending-topics.js';
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
  it('serves every topic of the body between slices, and answers the broker once every topic is applied', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const list = topics(1000);
    const pending = registry.register(bigRegistration(list));
    assert.ok(pending instanceof Promise, 'a table above the threshold is applied in slices');
    const inTable = registry.topicCount;
    assert.ok(inTable > 0 && inTable < list.length, `after the first slice some topics are in the table, not all (${inTable})`);
    assert.equal(routable(registry, list), list.length, 'the others are answered from the rows being applied');
    const early = registry.pickupTopicRoute('Big999');
    assert.deepEqual(await pending, { outcome: 'applied', haServerAddr: null, masterAddr: null });
    assert.deepEqual(registry.pickupTopicRoute('Big999'), early, 'the same route once applied');
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

  it('withdraws the routes it answered from rows that were never applied, as changes of those topics', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const list = topics(1000);
    const pending = registry.register(bigRegistration(list));
    assert.ok(registry.pickupTopicRoute('Big999'), 'answered from the rows being applied');
    const before = registry.generations.current;
    registry.unregisterBrokers([{ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.5:10911', brokerName: 'broker-big', brokerId: 0 }]);
    assert.equal(registry.pickupTopicRoute('Big999'), null, 'not answered once the broker is gone, before the apply notices');
    await pending;
    assert.equal(registry.pickupTopicRoute('Big999'), null);
    assert.ok(registry.generations.topicsChangedSince(before)?.includes('Big999'), 'keepers of answers learn that it changed');
    assert.equal(registry.footprint().pooledQueueData, 0, 'nothing kept for the name that is gone');
  });

  it('a read-only prime slave\'s rows answer without write permission, as they are applied', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const slave = bigRegistration(topics(1000), { brokerId: 1, brokerAddr: '10.0.0.6:10911', enableActingMaster: true, connectionId: 6 });
    const pending = registry.register(slave);
    assert.equal(registry.pickupTopicRoute('Big999')!.queueDatas[0]!.perm, 4, 'read only while pending');
    await pending;
    assert.equal(registry.pickupTopicRoute('Big999')!.queueDatas[0]!.perm, 4, 'and once applied');
  });

  it('does not take the body as applied whole when the broker\'s queues changed between slices', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const list = topics(1000);
    const pending = registry.register(bigRegistration(list));
    registry.changeWritePermAtOnce('broker-big', 'wipe'); // the topics applied so far lose their write permission
    await pending;
    assert.equal(registry.pickupTopicRoute('Big0')!.queueDatas[0]!.perm, 4);
    assert.equal(registry.registerUnchanged(bigRegistration(list), 'big', version(2)), null, 'the next registration is decoded and applied');
    await registry.register(bigRegistration(list, {}, 2));
    assert.equal(registry.pickupTopicRoute('Big0')!.queueDatas[0]!.perm, 6);
  });

  it('with deleteTopicWithBrokerRegistration, the topics a body no longer lists go in slices too', async () => {
    const { registry } = makeRegistry({ deleteTopicWithBrokerRegistration: true }, {}, EVERY_CHECK);
    const list = topics(1000);
    await registry.register(bigRegistration(list));
    const kept = list.slice(0, 10);
    const pending = registry.register(bigRegistration(kept, { fingerprint: { value: 'ten', dataVersion: version(2) } }, 2));
    assert.ok(pending instanceof Promise, 'a broker name with more topics than the threshold is not trimmed in one turn');
    await new Promise((resolve) => setImmediate(resolve));
    const partly = routable(registry, list);
    assert.ok(partly > kept.length && partly < list.length, `after a turn some topics are gone, not all (${partly} routable)`);
    assert.equal((await pending).outcome, 'applied');
    assert.equal(routable(registry, list), kept.length);
    assert.equal(registry.topicCountOf('broker-big'), kept.length);
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

/** A registration whose table arrives in parts: `parts` is fed by the test. */
function arrivingRegistration(counter = 1): { registration: BrokerRegistration; parts: TopicTableParts } {
  const parts = new TopicTableParts();
  const body: ArrivingRegistration = { dataVersion: version(counter), parts };
  const fingerprint = { value: `arriving-${counter}`, dataVersion: version(counter) };
  return { registration: bigRegistration([], { decode: () => Promise.resolve(body), fingerprint }, counter), parts };
}

function rowsOf(list: TopicConfig[]) {
  return topicRowsOf(new Map(list.map((t) => [t.topicName, t])));
}

/** Lets the registration run as far as it can with what has arrived. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('route registry: a table arriving in parts', () => {
  it('applies each part as it comes, and answers the broker once the end is applied', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const [first, second, rest] = [topics(300, 'First'), topics(300, 'Second'), topics(50, 'Rest')];
    const { registration, parts } = arrivingRegistration();
    let answered = false;
    const pending = Promise.resolve(registry.register(registration)).then((result) => ((answered = true), result));
    parts.push(rowsOf(first));
    for (let i = 0; i < 10; i++) await settle();
    assert.equal(routable(registry, first), first.length, 'the first part is served before the second arrives');
    assert.equal(answered, false);
    parts.push(rowsOf(second));
    parts.finish({ rest: rowsOf(rest), size: 650, mappings: null, filterServerList: ['10.0.0.5:30000'] });
    assert.equal((await pending).outcome, 'applied');
    assert.equal(routable(registry, [...first, ...second, ...rest]), 650);
    assert.equal(registry.topicCountOf('broker-big'), 650);
    assert.deepEqual(registry.pickupTopicRoute('First0')!.filterServerTable.get('10.0.0.5:10911'), ['10.0.0.5:30000']);
    assert.equal(registry.registerUnchanged(bigRegistration([]), 'arriving-1', version(2))?.outcome, 'unchanged', 'recorded as applied whole');
  });

  it('serves a part\'s topics as soon as it arrives, ahead of the slices that apply them', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const [first, second] = [topics(1000, 'First'), topics(1000, 'Second')];
    const { registration, parts } = arrivingRegistration();
    const pending = registry.register(registration);
    parts.push(rowsOf(first));
    await settle();
    parts.push(rowsOf(second));
    assert.ok(registry.topicCount < first.length, `the apply is still in the first part (${registry.topicCount} topics in the table)`);
    assert.equal(routable(registry, [...first, ...second]), 2000, 'every topic that arrived is answered');
    parts.finish({ rest: rowsOf([]), size: 2000, mappings: null, filterServerList: null });
    assert.equal((await pending).outcome, 'applied');
    assert.equal(registry.topicCount, 2000);
  });

  it('shows each part to the rowsArrived hook as it arrives, with which topics rows being applied route', async () => {
    const arrivals: ArrivedRows[] = [];
    const { registry } = makeRegistry({}, { rowsArrived: (rows) => arrivals.push(rows) }, EVERY_CHECK);
    const { registration, parts } = arrivingRegistration();
    const pending = registry.register(registration);
    parts.push(rowsOf(topics(1000, 'First')));
    await settle();
    parts.push(rowsOf([topicConfig('Late')]));
    assert.deepEqual(arrivals.map((rows) => rows.size), [1000, 1]);
    assert.deepEqual([...arrivals[1]!.names()], ['Late']);
    assert.equal(registry.pickupTopicRoute('Late') !== null && registry.topicCount < 1000, true, 'arrived ahead of the apply');
    assert.deepEqual(['Late', 'First999', 'Unknown'].map((t) => arrivals[0]!.routes(t)), [true, true, false], "any part's rows");
    registry.unregisterBrokers([{ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.5:10911', brokerName: 'broker-big', brokerId: 0 }]);
    assert.equal(arrivals[1]!.routes('Late'), false, 'none once its broker is gone');
    parts.finish({ rest: rowsOf([]), size: 1001, mappings: null, filterServerList: null });
    await pending;
    assert.equal(arrivals.length, 2, 'an empty rest is not shown');
    assert.equal(arrivals[0]!.routes('First0'), false, 'nothing once the apply ended');
  });

  it('goes on when the rowsArrived hook throws: the part is still applied, and nothing reaches whoever pushed it', async () => {
    const { registry } = makeRegistry({}, { rowsArrived: () => { throw new Error('hook failed'); } }, EVERY_CHECK);
    const { registration, parts } = arrivingRegistration();
    const pending = registry.register(registration);
    parts.push(rowsOf(topics(300, 'First')));
    await settle();
    assert.doesNotThrow(() => parts.push(rowsOf([topicConfig('Late')])));
    parts.finish({ rest: rowsOf([]), size: 301, mappings: null, filterServerList: null });
    assert.equal((await pending).outcome, 'applied');
    assert.equal(registry.topicCountOf('broker-big'), 301);
  });

  it('shows a large decoded body to the rowsArrived hook at once', async () => {
    const arrivals: ArrivedRows[] = [];
    const { registry } = makeRegistry({}, { rowsArrived: (rows) => arrivals.push(rows) }, EVERY_CHECK);
    const pending = registry.register(bigRegistration(topics(1000)));
    assert.deepEqual(arrivals.map((rows) => rows.size), [1000]);
    assert.equal(arrivals[0]!.routes('Big999'), true);
    await pending;
    registry.register(bigRegistration(topics(10, 'Small'), { brokerName: 'broker-small', brokerAddr: '10.0.0.6:10911', fingerprint: null }));
    assert.equal(arrivals.length, 1, 'a table applied at once is not shown');
  });

  it('withdraws the topics it answered from a part never applied when the broker leaves', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const { registration, parts } = arrivingRegistration();
    const pending = registry.register(registration);
    parts.push(rowsOf(topics(1000, 'First')));
    await settle();
    parts.push(rowsOf([topicConfig('Late')]));
    assert.ok(registry.pickupTopicRoute('Late'), 'answered while the first part is applied');
    const before = registry.generations.current;
    registry.unregisterBrokers([{ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.5:10911', brokerName: 'broker-big', brokerId: 0 }]);
    parts.finish({ rest: rowsOf([]), size: 1001, mappings: null, filterServerList: null });
    await pending;
    assert.equal(registry.pickupTopicRoute('Late'), null);
    assert.ok(registry.generations.topicsChangedSince(before)?.includes('Late'), 'keepers of answers learn that it changed');
  });

  it('applies every row again when the decoder read the body afresh (the rest is the whole table)', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const { registration, parts } = arrivingRegistration();
    const pending = registry.register(registration);
    parts.push(rowsOf([topicConfig('Twice', { readQueueNums: 4, writeQueueNums: 4 })]));
    const whole = [topicConfig('Twice', { readQueueNums: 8, writeQueueNums: 8 }), topicConfig('Other')];
    parts.finish({ rest: rowsOf(whole), size: 2, mappings: null, filterServerList: null });
    await pending;
    assert.equal(registry.pickupTopicRoute('Twice')!.queueDatas[0]!.readQueueNums, 8);
    assert.equal(registry.topicCountOf('broker-big'), 2);
  });

  it('fails when the rest cannot be read, keeps what was applied, and applies the next body whole', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const { registration, parts } = arrivingRegistration(1);
    const pending = registry.register(registration);
    parts.push(rowsOf([topicConfig('Early', { readQueueNums: 4, writeQueueNums: 4 })]));
    parts.fail(new Error('bad end'));
    await assert.rejects(Promise.resolve(pending), /bad end/);
    assert.equal(registry.pickupTopicRoute('Early')!.queueDatas[0]!.readQueueNums, 4, 'the part applied stays');
    assert.equal(registry.registerUnchanged(bigRegistration([]), 'arriving-1', version(1)), null, 'not recorded as applied');
    // The same data version again: taken as changed, so every topic is applied, not only missing ones.
    const again = [topicConfig('Early', { readQueueNums: 8, writeQueueNums: 8 })];
    const result = await registry.register(bigRegistration(again, { fingerprint: null }, 1));
    assert.equal(result.outcome, 'applied');
    assert.equal(registry.pickupTopicRoute('Early')!.queueDatas[0]!.readQueueNums, 8);
  });

  it('deletes the topics a body arriving in parts does not list once it ends (deleteTopicWithBrokerRegistration)', async () => {
    const { registry } = makeRegistry({ deleteTopicWithBrokerRegistration: true }, {}, EVERY_CHECK);
    await registry.register(bigRegistration(topics(200, 'Old')));
    const { registration, parts } = arrivingRegistration(2);
    const pending = registry.register(registration);
    parts.push(rowsOf([topicConfig('Old0'), topicConfig('New0')]));
    for (let i = 0; i < 5; i++) await settle();
    assert.ok(registry.pickupTopicRoute('Old1'), 'not deleted before the end');
    parts.finish({ rest: rowsOf([topicConfig('New1')]), size: 3, mappings: null, filterServerList: null });
    await pending;
    assert.deepEqual(['Old0', 'Old1', 'New0', 'New1'].map((t) => registry.pickupTopicRoute(t) !== null), [true, false, true, true]);
    assert.equal(registry.topicCountOf('broker-big'), 3);
  });

  it('stops waiting for parts when the broker is unregistered meanwhile', async () => {
    const { registry } = makeRegistry({}, {}, EVERY_CHECK);
    const { registration, parts } = arrivingRegistration();
    const pending = registry.register(registration);
    parts.push(rowsOf(topics(10, 'A')));
    for (let i = 0; i < 5; i++) await settle();
    registry.unregisterBrokers([{ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.5:10911', brokerName: 'broker-big', brokerId: 0 }]);
    parts.push(rowsOf(topics(10, 'B')));
    parts.finish({ rest: rowsOf([]), size: 20, mappings: null, filterServerList: null });
    await pending;
    assert.equal(registry.topicCount, 0);
  });
});
