import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { decodeElectMasterBody, decodeSyncStateSet, encodeSyncStateSet } from '../../src/protocol/bodies/controller-bodies.js';
import { ControllerResponseCode as Code } from '../../src/protocol/controller-codes.js';
import type { ClientConnection } from '../../src/remoting/remoting-client.js';
import { until } from '../support/until.js';
import { BrokerListener, Req, request, startTestController, type TestController } from './controller-harness.js';

const CLUSTER = 'DefaultCluster';
const BROKER = 'broker-a';
const HEARTBEAT_TIMEOUT = 10_000;

/**
 * A 5.3.3 broker in controller mode, as its ReplicasManager talks to the controller: metadata,
 * next id, apply id, register, elect (or learn the master), alter sync state set, heartbeat.
 */
class SimulatedBroker {
  brokerId = -1;
  masterBrokerId: number | null = null;
  masterEpoch = 0;
  syncStateSetEpoch = 0;
  maxOffset = 0n;

  constructor(readonly connection: ClientConnection, readonly listener: BrokerListener) {}

  get address(): string {
    return this.listener.address;
  }

  async call(code: number, ext: Record<string, string | number | boolean> = {}, body: Buffer | null = null) {
    return this.connection.invoke(request(code, ext, body), 60_000);
  }

  async startUp(): Promise<void> {
    const meta = await this.call(Req.CONTROLLER_GET_METADATA_INFO);
    assert.equal(meta.code, Code.SUCCESS);
    assert.ok(meta.extFields?.controllerLeaderAddress, 'a leader to talk to');
    const next = await this.call(Req.CONTROLLER_GET_NEXT_BROKER_ID, { clusterName: CLUSTER, brokerName: BROKER });
    assert.equal(next.code, Code.SUCCESS);
    this.brokerId = Number(next.extFields?.nextBrokerId);
    const applied = await this.call(Req.CONTROLLER_APPLY_BROKER_ID, {
      clusterName: CLUSTER, brokerName: BROKER, appliedBrokerId: this.brokerId, registerCheckCode: `${this.address};1800000000000`,
    });
    assert.equal(applied.code, Code.SUCCESS, applied.remark ?? '');
    const registered = await this.call(Req.CONTROLLER_REGISTER_BROKER, {
      clusterName: CLUSTER, brokerName: BROKER, brokerId: this.brokerId, brokerAddress: this.address, invokeTime: 1,
    });
    assert.equal(registered.code, Code.SUCCESS, registered.remark ?? '');
    decodeSyncStateSet(registered.body);
    this.heartbeat();
    if (registered.extFields?.masterBrokerId) {
      this.learn(registered.extFields);
      return;
    }
    const elected = await this.call(Req.CONTROLLER_ELECT_MASTER, { clusterName: CLUSTER, brokerName: BROKER, brokerId: this.brokerId, designateElect: false, invokeTime: 1 });
    assert.ok(elected.code === Code.SUCCESS || elected.code === Code.CONTROLLER_MASTER_STILL_EXIST, `elect answered ${elected.code} ${elected.remark}`);
    decodeElectMasterBody(elected.body!);
    this.learn(elected.extFields!);
  }

  learn(ext: Record<string, string>): void {
    this.masterBrokerId = Number(ext.masterBrokerId);
    this.masterEpoch = Number(ext.masterEpoch);
    this.syncStateSetEpoch = Number(ext.syncStateSetEpoch);
  }

  heartbeat(): void {
    this.connection.invokeOneway(request(Req.BROKER_HEARTBEAT, {
      clusterName: CLUSTER, brokerAddr: this.address, brokerName: BROKER, brokerId: this.brokerId,
      epoch: this.masterEpoch, maxOffset: String(this.maxOffset), confirmOffset: String(this.maxOffset),
      heartbeatTimeoutMills: HEARTBEAT_TIMEOUT, electionPriority: 0,
    }));
  }

  /** A round trip on this connection: everything sent before it has been handled. */
  async barrier(): Promise<void> {
    await this.call(Req.CONTROLLER_GET_METADATA_INFO);
  }

  async alterSyncStateSet(ids: number[]) {
    const answer = await this.call(
      Req.CONTROLLER_ALTER_SYNC_STATE_SET,
      { brokerName: BROKER, masterBrokerId: this.brokerId, masterEpoch: this.masterEpoch, invokeTime: 1 },
      encodeSyncStateSet({ syncStateSet: ids, syncStateSetEpoch: this.syncStateSetEpoch }),
    );
    if (answer.code === Code.SUCCESS) this.syncStateSetEpoch = decodeSyncStateSet(answer.body).syncStateSetEpoch;
    return answer;
  }
}

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

    // The old master's stale view is fenced.
    const stale = await master.alterSyncStateSet([1, 2]);
    assert.equal(stale.code, Code.CONTROLLER_INVALID_MASTER);
    const info = await slave.call(Req.CONTROLLER_GET_REPLICA_INFO, { brokerName: BROKER });
    assert.deepEqual({ ...info.extFields }, { masterBrokerId: '2', masterAddress: slave.address, masterEpoch: '2' });
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
