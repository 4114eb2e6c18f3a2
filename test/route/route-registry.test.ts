import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { RouteRegistry, type MinBrokerIdChange } from '../../src/namesrv/route/route-registry.js';
import { ManualClock } from '../../src/util/clock.js';
import { makeRegistry, registration, topicConfig, topicsByCluster, version } from './registry-helpers.js';

describe('route registry: registration', () => {
  it('a master registration makes its topics routable', () => {
    const { registry } = makeRegistry();
    const result = registry.registerBroker(registration());
    assert.deepEqual(result, { outcome: 'applied', haServerAddr: null, masterAddr: null });
    const route = registry.pickupTopicRoute('TopicA');
    assert.ok(route);
    assert.deepEqual(route.queueDatas, [{ brokerName: 'broker-a', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicSysFlag: 0 }]);
    assert.equal(route.brokerDatas.length, 1);
    assert.equal(route.brokerDatas[0]!.cluster, 'DefaultCluster');
    assert.deepEqual([...route.brokerDatas[0]!.brokerAddrs], [[0, '10.0.0.1:10911']]);
    assert.equal(registry.pickupTopicRoute('Unknown'), null);
    const info = registry.clusterInfo();
    assert.deepEqual([...info.clusterAddrTable.get('DefaultCluster')!], ['broker-a']);
  });

  it('re-registration with the same data version does not rewrite topic configs', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    assert.equal(registry.changeWritePermAtOnce('broker-a', 'wipe'), 2);
    registry.registerBroker(registration());
    assert.equal(registry.pickupTopicRoute('TopicA')!.queueDatas[0]!.perm, 4, 'same version keeps the wiped perm');
    registry.registerBroker(registration({ dataVersion: version(2) }));
    assert.equal(registry.pickupTopicRoute('TopicA')!.queueDatas[0]!.perm, 6, 'a new version rewrites the configs');
  });

  it('re-registration with the same data version restores a topic deleted on the NameServer', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    registry.deleteTopic('TopicA');
    assert.equal(registry.pickupTopicRoute('TopicA'), null);
    registry.registerBroker(registration());
    assert.ok(registry.pickupTopicRoute('TopicA'));
  });

  it('moves its generations only when something changed, and journals the topics that did', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    const { current, brokers, topicSet } = registry.generations;
    assert.ok(current > 0);
    registry.registerBroker(registration());
    assert.equal(registry.generations.current, current, 'an identical re-registration changes nothing');
    registry.registerBroker(registration({ dataVersion: version(2), topics: [topicConfig('TopicA', { writeQueueNums: 8 }), topicConfig('TopicB')] }));
    assert.deepEqual(registry.generations.topicsChangedSince(current), ['TopicA']);
    assert.equal(registry.generations.brokers, brokers, 'no broker-side change');
    assert.equal(registry.generations.topicSet, topicSet, 'no topic came or went');
    const holder = registry.topicGeneration('TopicA')!;
    const before = holder.generation;
    registry.deleteTopic('TopicA');
    assert.ok(holder.generation > before, 'a removed topic\'s holder moves too, so answers cached against it are stale');
    assert.ok(registry.generations.topicSet > topicSet);
  });

  it('a slot taken over at another address drops the old broker\'s live entry at once (Java keeps it for good)', () => {
    const { registry, clock } = makeRegistry();
    registry.registerBroker(registration({ brokerAddr: '10.0.0.1:10911', connectionId: 1, filterServerList: ['10.0.0.1:30000'] }));
    registry.registerBroker(registration({ brokerAddr: '10.0.0.7:10911', connectionId: 2, dataVersion: version(2) }));
    assert.equal(registry.liveBroker('DefaultCluster', '10.0.0.1:10911'), undefined);
    assert.equal(registry.liveBrokerCount, 1);
    assert.equal(registry.footprint().filterServers, 0);
    registry.onConnectionClosed(1); // the old broker's connection closing changes nothing now
    registry.flushUnregistrations();
    assert.ok(registry.pickupTopicRoute('TopicA'));
    clock.advance(120_001);
    assert.equal(registry.scanNotActiveBrokers(), 1, 'only the new broker is left to expire');
    registry.flushUnregistrations();
    assert.equal(registry.liveBrokerCount, 0);
    clock.advance(120_001);
    assert.equal(registry.scanNotActiveBrokers(), 0, 'nothing expires again on the next scan');
  });

  it('an expired broker that no slot names is dropped, not expired again at every scan', () => {
    const { registry, clock } = makeRegistry();
    registry.registerBroker(registration());
    // The same broker name and address registered under another cluster: the group stays in the first.
    registry.registerBroker(registration({ clusterName: 'Other' }));
    assert.equal(registry.liveBrokerCount, 2);
    clock.advance(120_001);
    assert.equal(registry.scanNotActiveBrokers(), 2);
    registry.flushUnregistrations();
    assert.equal(registry.liveBrokerCount, 0);
    clock.advance(120_001);
    assert.equal(registry.scanNotActiveBrokers(), 0);
  });

  it('a slave promoted in place of a master keeps a slot for the master only if it re-registers', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ brokerAddr: '10.0.0.1:10911', connectionId: 1 }));
    registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.2:10911', connectionId: 2 }));
    registry.registerBroker(registration({ brokerId: 0, brokerAddr: '10.0.0.2:10911', connectionId: 2, dataVersion: version(2) }));
    assert.equal(registry.liveBroker('DefaultCluster', '10.0.0.1:10911'), undefined, 'the old master holds no slot');
    registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.1:10911', connectionId: 1, dataVersion: version(3) }));
    assert.ok(registry.liveBroker('DefaultCluster', '10.0.0.1:10911'));
    assert.deepEqual([...registry.clusterInfo().brokerAddrTable.get('broker-a')!.brokerAddrs], [[0, '10.0.0.2:10911'], [1, '10.0.0.1:10911']]);
  });

  it('ignores topic configs from a 4.x slave and tells it its master', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    const result = registry.registerBroker(
      registration({ brokerId: 1, brokerAddr: '10.0.0.2:10911', haServerAddr: '10.0.0.2:10912', connectionId: 2, topics: [topicConfig('SlaveOnly'), topicConfig('TopicA')] }),
    );
    assert.deepEqual(result, { outcome: 'applied', haServerAddr: '10.0.0.1:10912', masterAddr: '10.0.0.1:10911' });
    assert.equal(registry.pickupTopicRoute('SlaveOnly'), null);
    assert.deepEqual([...registry.pickupTopicRoute('TopicA')!.brokerDatas[0]!.brokerAddrs], [
      [0, '10.0.0.1:10911'],
      [1, '10.0.0.2:10911'],
    ]);
  });

  it('a slave registering before its master gets no master address', () => {
    const { registry } = makeRegistry();
    const result = registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.2:10911' }));
    assert.deepEqual(result, { outcome: 'applied', haServerAddr: null, masterAddr: null });
  });

  it('switches an address from slave to master id', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.2:10911' }));
    registry.registerBroker(registration({ brokerId: 0, brokerAddr: '10.0.0.2:10911' }));
    assert.deepEqual([...registry.clusterInfo().brokerAddrTable.get('broker-a')!.brokerAddrs], [[0, '10.0.0.2:10911']]);
  });

  it('ignores a registration for an id held by another address with a newer state version', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ dataVersion: version(1, 5) }));
    const result = registry.registerBroker(registration({ brokerAddr: '10.0.0.9:10911', dataVersion: version(1, 3), connectionId: 9 }));
    assert.deepEqual(result, { outcome: 'ignored', haServerAddr: null, masterAddr: null });
    assert.deepEqual([...registry.clusterInfo().brokerAddrTable.get('broker-a')!.brokerAddrs], [[0, '10.0.0.1:10911']]);
    assert.equal(registry.queryBrokerDataVersion('DefaultCluster', '10.0.0.9:10911'), null);
  });

  it('refuses a single-topic registration from a broker that has not registered', () => {
    const { registry } = makeRegistry();
    assert.equal(registry.registerBroker(registration({ topics: [topicConfig('Only')] })).outcome, 'refused');
    assert.equal(registry.pickupTopicRoute('Only'), null);
    assert.equal(registry.clusterInfo().brokerAddrTable.size, 0, 'no empty broker entry is left behind');
    assert.equal(registry.clusterInfo().clusterAddrTable.size, 0);
  });

  it('deletes topics missing from a registration when deleteTopicWithBrokerRegistration is on', () => {
    const off = makeRegistry();
    off.registry.registerBroker(registration());
    off.registry.registerBroker(registration({ dataVersion: version(2), topics: [topicConfig('TopicA')] }));
    assert.ok(off.registry.pickupTopicRoute('TopicB'), 'kept by default');

    const on = makeRegistry({ deleteTopicWithBrokerRegistration: true });
    on.registry.registerBroker(registration());
    on.registry.registerBroker(registration({ dataVersion: version(2), topics: [topicConfig('TopicA')] }));
    assert.equal(on.registry.pickupTopicRoute('TopicB'), null);
    assert.ok(on.registry.pickupTopicRoute('TopicA'));
  });

  it('keeps data versions and answers whether a broker changed', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ dataVersion: version(5) }));
    assert.deepEqual(registry.queryBrokerDataVersion('DefaultCluster', '10.0.0.1:10911'), version(5));
    assert.equal(registry.isBrokerTopicConfigChanged('DefaultCluster', '10.0.0.1:10911', version(5)), false);
    assert.equal(registry.isBrokerTopicConfigChanged('DefaultCluster', '10.0.0.1:10911', version(4)), true);
    assert.equal(registry.isBrokerTopicConfigChanged('DefaultCluster', '127.0.0.1:1', version(5)), true);
  });

  it('passes filter servers into routes and drops them on an empty list', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ filterServerList: ['10.0.0.1:30000'] }));
    assert.deepEqual([...registry.pickupTopicRoute('TopicA')!.filterServerTable], [['10.0.0.1:10911', ['10.0.0.1:30000']]]);
    registry.registerBroker(registration({ filterServerList: [] }));
    assert.equal(registry.pickupTopicRoute('TopicA')!.filterServerTable.size, 0);
  });
});

describe('route registry: unregistration and liveness', () => {
  it('unregistering the only broker removes its routes, name and cluster', async () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    assert.equal(registry.submitUnregister({ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.1:10911', brokerName: 'broker-a', brokerId: 0 }), true);
    assert.ok(registry.pickupTopicRoute('TopicA'), 'applied in a batch, not inline');
    await registry.unregistrationsDrained();
    assert.equal(registry.pickupTopicRoute('TopicA'), null);
    assert.equal(registry.clusterInfo().brokerAddrTable.size, 0);
    assert.equal(registry.clusterInfo().clusterAddrTable.size, 0);
    assert.equal(registry.liveBrokerCount, 0);
  });

  it('unregistering a slave keeps the group and its topics', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.2:10911', connectionId: 2 }));
    registry.unregisterBrokers([{ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.2:10911', brokerName: 'broker-a', brokerId: 1 }]);
    assert.deepEqual([...registry.pickupTopicRoute('TopicA')!.brokerDatas[0]!.brokerAddrs], [[0, '10.0.0.1:10911']]);
  });

  it('refuses unregistrations beyond the queue capacity', () => {
    const { registry } = makeRegistry({ unRegisterBrokerQueueCapacity: 1 });
    const req = { clusterName: 'C', brokerAddr: 'a:1', brokerName: 'b', brokerId: 0 };
    assert.equal(registry.submitUnregister(req), true);
    assert.equal(registry.submitUnregister({ ...req, brokerAddr: 'a:2' }), false);
    registry.flushUnregistrations();
    assert.equal(registry.pendingUnregistrations, 0);
  });

  it('a closed connection unregisters the broker that registered over it', async () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ connectionId: 7 }));
    registry.onConnectionClosed(8);
    await registry.unregistrationsDrained();
    assert.ok(registry.pickupTopicRoute('TopicA'), 'another connection closing changes nothing');
    registry.onConnectionClosed(7);
    await registry.unregistrationsDrained();
    assert.equal(registry.pickupTopicRoute('TopicA'), null);
  });

  it('drops brokers silent past their heartbeat timeout and closes their connection', async () => {
    const closed: number[] = [];
    const { registry, clock } = makeRegistry({}, { closeConnection: (id) => closed.push(id) });
    registry.registerBroker(registration({ connectionId: 3 }));
    registry.registerBroker(registration({ brokerName: 'broker-b', brokerAddr: '10.0.0.5:10911', connectionId: 4, heartbeatTimeoutMillis: 10_000 }));
    clock.advance(11_000);
    assert.equal(registry.scanNotActiveBrokers(), 1, 'the 10 s broker expired');
    assert.deepEqual(closed, [4]);
    await registry.unregistrationsDrained();
    clock.advance(100_000);
    registry.touchBroker('DefaultCluster', '10.0.0.1:10911');
    clock.advance(100_000);
    assert.equal(registry.scanNotActiveBrokers(), 0, 'a heartbeat keeps the 120 s broker alive');
    clock.advance(20_001);
    assert.equal(registry.scanNotActiveBrokers(), 1);
    await registry.unregistrationsDrained();
    assert.equal(registry.pickupTopicRoute('TopicA'), null);
    assert.deepEqual(closed, [4, 3]);
  });
});

describe('route registry: acting master', () => {
  function actingMasterCluster(supportActingMaster: boolean) {
    const notices: MinBrokerIdChange[] = [];
    const made = makeRegistry({ supportActingMaster, notifyMinBrokerIdChanged: true }, { notifyMinBrokerIdChanged: (c) => notices.push(c) });
    made.registry.registerBroker(registration({ enableActingMaster: true }));
    made.registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.2:10911', enableActingMaster: true, connectionId: 2 }));
    made.registry.registerBroker(registration({ brokerId: 2, brokerAddr: '10.0.0.3:10911', enableActingMaster: true, connectionId: 3 }));
    made.registry.unregisterBrokers([{ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.1:10911', brokerName: 'broker-a', brokerId: 0 }]);
    return { ...made, notices };
  }

  it('with the master gone, the lowest-id slave is offered as id 0 and the queues are read-only', () => {
    const { registry } = actingMasterCluster(true);
    const route = registry.pickupTopicRoute('TopicA')!;
    assert.deepEqual([...route.brokerDatas[0]!.brokerAddrs].sort(), [[0, '10.0.0.2:10911'], [2, '10.0.0.3:10911']]);
    assert.equal(route.queueDatas[0]!.perm & 2, 0, 'write bit wiped');
  });

  it('without supportActingMaster the route shows the slaves as they are', () => {
    const { registry } = actingMasterCluster(false);
    const route = registry.pickupTopicRoute('TopicA')!;
    assert.deepEqual([...route.brokerDatas[0]!.brokerAddrs].sort(), [[1, '10.0.0.2:10911'], [2, '10.0.0.3:10911']]);
  });

  it('the prime slave registers its topics read-only', () => {
    const { registry } = actingMasterCluster(true);
    registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.2:10911', enableActingMaster: true, dataVersion: version(9), topics: [topicConfig('TopicA'), topicConfig('TopicC')] }));
    assert.equal(registry.pickupTopicRoute('TopicC')!.queueDatas[0]!.perm, 4);
  });

  it('notifies the group when its lowest broker id changes', () => {
    const { notices } = actingMasterCluster(true);
    const offline = notices.find((n) => n.offlineBrokerAddr === '10.0.0.1:10911');
    assert.ok(offline);
    assert.equal(offline.minBrokerId, 1);
    assert.equal(offline.minBrokerAddr, '10.0.0.2:10911');
    assert.deepEqual(offline.notify.sort(), ['10.0.0.2:10911', '10.0.0.3:10911']);
  });
});

describe('route registry: admin operations and lists', () => {
  it('wipes and adds write permission and counts topics', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    assert.equal(registry.changeWritePermAtOnce('broker-a', 'wipe'), 2);
    assert.equal(registry.pickupTopicRoute('TopicB')!.queueDatas[0]!.perm, 4);
    assert.equal(registry.changeWritePermAtOnce('broker-a', 'add'), 2);
    assert.equal(registry.pickupTopicRoute('TopicB')!.queueDatas[0]!.perm, 6);
    assert.equal(registry.changeWritePermAtOnce('nobody', 'wipe'), 0);
  });

  it('registers a topic only on known brokers', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    const q = { brokerName: 'broker-a', readQueueNums: 2, writeQueueNums: 2, perm: 6, topicSysFlag: 0 };
    assert.equal(registry.registerTopic('NewTopic', [q]), true);
    assert.deepEqual(registry.pickupTopicRoute('NewTopic')!.queueDatas, [q]);
    assert.equal(registry.registerTopic('Bad', [{ ...q, brokerName: 'ghost' }]), false);
    assert.equal(registry.pickupTopicRoute('Bad'), null);
  });

  it('deletes a topic from one cluster only', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    registry.registerBroker(registration({ clusterName: 'Other', brokerName: 'broker-x', brokerAddr: '10.0.1.1:10911', connectionId: 2 }));
    registry.deleteTopic('TopicA', 'Other');
    assert.deepEqual(registry.pickupTopicRoute('TopicA')!.queueDatas.map((q) => q.brokerName), ['broker-a']);
    registry.deleteTopic('TopicA');
    assert.equal(registry.pickupTopicRoute('TopicA'), null);
  });

  it('a cluster of every broker serving topics lists every topic; a topic only another cluster serves stays out', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ topics: [topicConfig('A'), topicConfig('B')] }));
    registry.registerBroker(registration({ brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911', connectionId: 2, topics: [topicConfig('B'), topicConfig('C')] }));
    assert.equal(registry.everyTopicServedBy(new Set(['broker-a', 'broker-b'])), true);
    assert.deepEqual(topicsByCluster(registry, 'DefaultCluster').sort(), ['A', 'B', 'C']);
    registry.registerBroker(registration({ clusterName: 'Other', brokerName: 'broker-x', brokerAddr: '10.0.1.1:10911', connectionId: 3, topics: [topicConfig('B'), topicConfig('X')] }));
    assert.equal(registry.everyTopicServedBy(new Set(['broker-a', 'broker-b'])), false);
    assert.deepEqual(topicsByCluster(registry, 'DefaultCluster').sort(), ['A', 'B', 'C']);
    assert.deepEqual(topicsByCluster(registry, 'Other').sort(), ['B', 'X']);
    // Once the other cluster's broker serves nothing, the first cluster serves every topic again.
    registry.unregisterBrokers([{ clusterName: 'Other', brokerAddr: '10.0.1.1:10911', brokerName: 'broker-x', brokerId: 0 }]);
    assert.equal(registry.everyTopicServedBy(new Set(['broker-a', 'broker-b'])), true);
    assert.deepEqual(topicsByCluster(registry, 'DefaultCluster').sort(), ['A', 'B', 'C']);
  });

  it('lists topics, topics by cluster, system topics and unit topics', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(
      registration({ topics: [topicConfig('Plain'), topicConfig('Unit', { topicSysFlag: 1 }), topicConfig('UnitSub', { topicSysFlag: 2 }), topicConfig('Both', { topicSysFlag: 3 })] }),
    );
    registry.registerBroker(registration({ clusterName: 'Other', brokerName: 'broker-x', brokerAddr: '10.0.1.1:10911', connectionId: 2, topics: [topicConfig('X1'), topicConfig('X2')] }));
    assert.deepEqual(registry.allTopics().sort(), ['Both', 'Plain', 'Unit', 'UnitSub', 'X1', 'X2']);
    assert.deepEqual(topicsByCluster(registry, 'Other').sort(), ['X1', 'X2']);
    assert.deepEqual(topicsByCluster(registry, 'Nope'), []);
    const system = registry.systemTopicList();
    assert.deepEqual(system.topicList.sort(), ['DefaultCluster', 'Other', 'broker-a', 'broker-x']);
    assert.equal(system.brokerAddr, '10.0.0.1:10911');
    assert.deepEqual(registry.unitTopics().sort(), ['Both', 'Unit']);
    assert.deepEqual(registry.hasUnitSubTopics().sort(), ['Both', 'UnitSub']);
    assert.deepEqual(registry.hasUnitSubUnUnitTopics(), ['UnitSub']);
  });

  it('answers a broker member group', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration());
    registry.registerBroker(registration({ brokerId: 1, brokerAddr: '10.0.0.2:10911', connectionId: 2 }));
    const group = registry.brokerMemberGroup('DefaultCluster', 'broker-a');
    assert.deepEqual([...group.brokerAddrs], [[0, '10.0.0.1:10911'], [1, '10.0.0.2:10911']]);
    assert.equal(registry.brokerMemberGroup('DefaultCluster', 'none').brokerAddrs.size, 0);
  });
});


describe('route registry: topic counts per broker name', () => {
  it('follow registrations, deletions and unregistrations', () => {
    const { registry } = makeRegistry();
    registry.registerBroker(registration({ topics: [topicConfig('A'), topicConfig('B'), topicConfig('C')] }));
    registry.registerBroker(registration({ brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911', connectionId: 2, topics: [topicConfig('A'), topicConfig('Z')] }));
    assert.equal(registry.topicCountOf('broker-a'), 3);
    assert.equal(registry.topicCountOf('broker-b'), 2);
    registry.deleteTopic('A');
    assert.equal(registry.topicCountOf('broker-a'), 2);
    assert.equal(registry.topicCountOf('broker-b'), 1);
    registry.unregisterBrokers([{ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.2:10911', brokerName: 'broker-b', brokerId: 0 }]);
    assert.equal(registry.topicCountOf('broker-b'), 0);
    assert.equal(registry.topicCountOf('nobody'), 0);
  });

  it('an unregistered broker leaves no queues behind, whatever topics it gained and lost before', () => {
    const { registry } = makeRegistry({ deleteTopicWithBrokerRegistration: true });
    const other = { brokerName: 'broker-b', brokerAddr: '10.0.0.2:10911', connectionId: 2 };
    registry.registerBroker(registration({ ...other, topics: [topicConfig('Shared'), topicConfig('OnlyB')] }));
    for (let round = 1; round <= 40; round++) {
      // Each round lists other topics: the ones it leaves out are deleted, the ones it brings are new.
      const topics = ['Shared', ...Array.from({ length: 30 }, (_, i) => `Churn-${(round * 7 + i) % 45}`)].map((t) => topicConfig(t));
      registry.registerBroker(registration({ topics, dataVersion: version(round) }));
      if (round % 5 === 0) registry.deleteTopic(`Churn-${round % 45}`);
    }
    assert.ok(registry.topicCountOf('broker-a') > 0);
    registry.unregisterBrokers([{ clusterName: 'DefaultCluster', brokerAddr: '10.0.0.1:10911', brokerName: 'broker-a', brokerId: 0 }]);
    assert.equal(registry.topicCountOf('broker-a'), 0);
    assert.deepEqual(registry.allTopics().sort(), ['OnlyB', 'Shared']);
    for (const topic of registry.allTopics()) assert.deepEqual(registry.topicBrokerNames(topic), ['broker-b']);
  });
});

describe('per-topic debug lines', () => {
  it('follow the logger\'s level as it changes between operations', () => {
    const lines: Array<{ msg: string; topic?: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const registry = new RouteRegistry(
      { supportActingMaster: false, deleteTopicWithBrokerRegistration: false, notifyMinBrokerIdChanged: false, unRegisterBrokerQueueCapacity: 3000 },
      new ManualClock(),
      logger,
    );
    const topicLines = () => lines.filter((l) => l.msg === 'new topic registered' || l.msg === 'topic removed').map((l) => `${l.msg} ${l.topic}`);
    registry.registerBroker(registration({ topics: [topicConfig('Quiet'), topicConfig('Quiet2')] })); // a first registration of one topic is refused
    assert.deepEqual(topicLines(), []);
    logger.level = 'debug';
    registry.registerBroker(registration({ dataVersion: version(2), topics: [topicConfig('Quiet'), topicConfig('Quiet2'), topicConfig('Loud')] }));
    registry.deleteTopic('Loud');
    assert.deepEqual(topicLines(), ['new topic registered Loud', 'topic removed Loud']);
    logger.level = 'info';
    registry.registerTopic('Again', [{ brokerName: 'broker-a', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 }]);
    assert.equal(topicLines().length, 2);
  });
});
