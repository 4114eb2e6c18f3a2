import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ControllerResponseCode as Code } from '../../src/protocol/controller-codes.js';
import { until } from '../support/until.js';
import { BrokerListener, Req, request, startTestController, type TestController } from './controller-harness.js';
import { SimulatedBroker } from './simulated-broker.js';

const CLUSTER = 'DefaultCluster';
const BROKER = 'broker-a';
const HEARTBEAT_TIMEOUT = 10_000;

describe('a 5.3.3 broker set in controller mode', () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function brokerSet(controller: TestController): Promise<[SimulatedBroker, SimulatedBroker]> {
    const brokers: SimulatedBroker[] = [];
    for (let i = 0; i < 2; i++) {
      const listener = await BrokerListener.start();
      cleanups.push(() => listener.stop());
      brokers.push(new SimulatedBroker(await controller.connect(), listener));
    }
    const [master, slave] = brokers as [SimulatedBroker, SimulatedBroker];
    await master.startUp();
    await slave.startUp();
    return [master, slave];
  }

  it('gives ids, elects the first as master, grows the sync state set, and fails over to the slave when the master falls silent', async () => {
    const controller = await startTestController();
    cleanups.push(() => controller.stop());
    const [master, slave] = await brokerSet(controller);
    assert.deepEqual([master.brokerId, slave.brokerId], [1, 2]);
    assert.equal(master.masterBrokerId, 1);
    assert.equal(slave.masterBrokerId, 1, 'the slave learns the master');
    assert.equal(master.masterEpoch, 1);

    const grown = await master.alterSyncStateSet([1, 2]);
    assert.equal(grown.code, Code.SUCCESS, grown.remark ?? '');
    assert.equal(grown.extFields?.newSyncStateSetEpoch, '2');

    // The master stops heartbeating (hung, its connection still open); the slave goes on.
    controller.clock.advance(HEARTBEAT_TIMEOUT / 2);
    slave.heartbeat();
    await slave.barrier();
    await controller.service.scanHeartbeats();
    assert.equal(controller.service.replicas.get(CLUSTER, BROKER)?.masterBrokerId, 1, 'not before its timeout');
    controller.clock.advance(HEARTBEAT_TIMEOUT / 2 + 1);
    await controller.service.scanHeartbeats();
    assert.equal(controller.service.replicas.get(CLUSTER, BROKER)?.masterBrokerId, 2);

    await until(() => slave.listener.received.length > 0);
    const [notice] = slave.listener.received;
    assert.equal(notice!.code, Req.NOTIFY_BROKER_ROLE_CHANGED);
    assert.deepEqual(notice!.extFields, { masterAddress: slave.address, masterEpoch: '2', syncStateSetEpoch: '3', masterBrokerId: '2' });
    assert.equal(notice!.body?.toString(), '{"syncStateSet":[2],"syncStateSetEpoch":3}');
    await until(() => master.listener.received.length > 0);
    assert.deepEqual(master.listener.received.map((n) => n.extFields?.masterEpoch), ['1'], 'told of its own election, not (dead) of the failover');

    // The old master, back from its hang, finds its connection closed (its heartbeat timed out) and
    // reconnects, as Java's remoting client does; its stale view is fenced.
    await master.connection.closed();
    master.connection = await controller.connect();
    const stale = await master.alterSyncStateSet([1, 2]);
    assert.equal(stale.code, Code.CONTROLLER_INVALID_MASTER);
    const info = await slave.call(Req.CONTROLLER_GET_REPLICA_INFO, { brokerName: BROKER });
    assert.deepEqual({ ...info.extFields }, { masterBrokerId: '2', masterAddress: slave.address, masterEpoch: '2' });
  });

  it('closes the connection of a broker whose heartbeat timed out, as Java\'s controller does, and keeps those that beat in time', async () => {
    const controller = await startTestController();
    cleanups.push(() => controller.stop());
    const [master, slave] = await brokerSet(controller);
    let masterClosed = false;
    void master.connection.closed().then(() => (masterClosed = true));

    controller.clock.advance(HEARTBEAT_TIMEOUT / 2);
    slave.heartbeat();
    await slave.barrier();
    await controller.service.scanHeartbeats();
    assert.ok(master.connection.isOpen, 'not before its timeout');

    controller.clock.advance(HEARTBEAT_TIMEOUT / 2 + 1);
    await controller.service.scanHeartbeats();
    await master.connection.closed();
    assert.ok(masterClosed);
    assert.equal(controller.service.heartbeats.isAlive(CLUSTER, BROKER, 1), false);
    // The slave, which beat in time, keeps its connection and is served on it.
    assert.ok(slave.connection.isOpen);
    assert.equal(controller.service.heartbeats.isAlive(CLUSTER, BROKER, 2), true);
    const info = await slave.call(Req.CONTROLLER_GET_REPLICA_INFO, { brokerName: BROKER });
    assert.equal(info.code, Code.SUCCESS);
  });

  it('fails over at once when the master\'s connection closes, once the leader\'s grace period is over', async () => {
    const controller = await startTestController();
    cleanups.push(() => controller.stop());
    const [master, slave] = await brokerSet(controller);
    assert.equal((await master.alterSyncStateSet([1, 2])).code, Code.SUCCESS);

    // Within the grace period after taking the lead, a lost master elects nobody...
    master.connection.close();
    await until(() => !controller.service.heartbeats.isAlive(CLUSTER, BROKER, 1));
    await controller.service.whenIdle();
    assert.equal(controller.service.replicas.get(CLUSTER, BROKER)?.masterBrokerId, 1);
    // ...the inactive-master scan does once it is over.
    controller.clock.advance(controller.config.controllerLeaderGracePeriodMillis - HEARTBEAT_TIMEOUT / 2);
    slave.heartbeat();
    await slave.barrier();
    await controller.service.scanInactiveMasters();
    assert.equal(controller.service.replicas.get(CLUSTER, BROKER)?.masterBrokerId, 1, 'still in the grace period');
    controller.clock.advance(HEARTBEAT_TIMEOUT / 2);
    await controller.service.scanInactiveMasters();
    assert.equal(controller.service.replicas.get(CLUSTER, BROKER)?.masterBrokerId, 2);
    await until(() => slave.listener.received.length > 0);

    // After the grace period, a closed connection elects at once.
    const listener = await BrokerListener.start();
    cleanups.push(() => listener.stop());
    const third = new SimulatedBroker(await controller.connect(), listener);
    await third.startUp();
    assert.equal(third.brokerId, 3);
    assert.equal(third.masterBrokerId, 2);
    slave.maxOffset = 10n;
    slave.masterEpoch = 2;
    slave.brokerId = 2;
    slave.syncStateSetEpoch = 3;
    assert.equal((await slave.alterSyncStateSet([2, 3])).code, Code.SUCCESS);
    slave.connection.close();
    await until(() => controller.service.replicas.get(CLUSTER, BROKER)?.masterBrokerId === 3);
    await until(() => third.listener.received.length > 0);
    assert.equal(third.listener.received[0]!.extFields?.masterBrokerId, '3');
  });

  it('keeps its state across a restart', async () => {
    const first = await startTestController();
    const [master] = await brokerSet(first);
    assert.equal(master.masterBrokerId, 1);
    await first.stop();
    const second = await startTestController({}, { home: first.home });
    cleanups.push(() => second.stop());
    const client = await second.connect();
    const info = await client.invoke(request(Req.CONTROLLER_GET_REPLICA_INFO, { brokerName: BROKER }), 60_000);
    assert.equal(info.code, Code.SUCCESS);
    assert.equal(info.extFields?.masterBrokerId, '1');
    const next = await client.invoke(request(Req.CONTROLLER_GET_NEXT_BROKER_ID, { clusterName: CLUSTER, brokerName: BROKER }), 60_000);
    assert.equal(next.extFields?.nextBrokerId, '3');
  });
});
