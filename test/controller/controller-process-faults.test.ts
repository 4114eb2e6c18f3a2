import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeBrokerReplicasInfo, encodeBrokerNameList } from '../../src/protocol/bodies/controller-bodies.js';
import { decodeTopicRouteData } from '../../src/protocol/bodies/topic-route-data.js';
import { ControllerResponseCode as Code } from '../../src/protocol/controller-codes.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ClientConnection } from '../../src/remoting/remoting-client.js';
import { spawnBin } from '../cli/spawn-bin.js';
import { ControllerBroker, controllerRequest, startBrokerSet } from '../support/controller-broker.js';
import { startControllerGroup, type ControllerGroup, type ControllerNode } from '../support/controller-processes.js';
import { ETCD_MISSING, startEtcdCluster, type EtcdCluster } from '../support/etcd-cluster.js';
import { FakeBroker, topic } from '../support/fake-broker.js';
import { call, tempDir } from '../support/nameserver-harness.js';
import { until } from '../support/until.js';
import { BrokerListener, Req } from './controller-harness.js';

const CLUSTER = 'FaultCluster';
const BROKER = 'fault-broker';
/** A name only the paused leader is ever asked to write. */
const PAUSED_WRITE = 'written-while-deposed';
const LEASE_TTL_SECONDS = 2;

/** What the controller acknowledged before a fault, as read through whichever node leads now. */
async function acknowledgedState(leader: ControllerNode) {
  const replica = await leader.ask(controllerRequest(Req.CONTROLLER_GET_REPLICA_INFO, { brokerName: BROKER }));
  assert.equal(replica.code, Code.SUCCESS, replica.remark ?? '');
  const syncData = await leader.ask(controllerRequest(Req.CONTROLLER_GET_SYNC_STATE_DATA, {}, encodeBrokerNameList([BROKER])));
  assert.equal(syncData.code, Code.SUCCESS, syncData.remark ?? '');
  const info = decodeBrokerReplicasInfo(syncData.body!).get(BROKER);
  const next = await leader.ask(controllerRequest(Req.CONTROLLER_GET_NEXT_BROKER_ID, { clusterName: CLUSTER, brokerName: BROKER }));
  const untouched = await leader.ask(controllerRequest(Req.CONTROLLER_GET_NEXT_BROKER_ID, { clusterName: CLUSTER, brokerName: PAUSED_WRITE }));
  return {
    masterBrokerId: replica.extFields?.masterBrokerId,
    masterEpoch: replica.extFields?.masterEpoch,
    syncStateSet: info?.inSyncReplicas.map((r) => r.brokerId).sort(),
    syncStateSetEpoch: info?.syncStateSetEpoch,
    nextBrokerId: next.extFields?.nextBrokerId,
    nextIdOfPausedWrite: untouched.extFields?.nextBrokerId,
  };
}

describe('controller processes sharing one etcd: kill -9, SIGSTOP, restart', { skip: ETCD_MISSING }, () => {
  let etcd: EtcdCluster;
  let group: ControllerGroup;
  const listeners: BrokerListener[] = [];
  const connections: ClientConnection[] = [];
  let expected: Awaited<ReturnType<typeof acknowledgedState>>;

  before(async () => {
    etcd = await startEtcdCluster(1);
    group = await startControllerGroup(3, etcd.endpoints, [`--controllerEtcdLeaseTtlSeconds=${LEASE_TTL_SECONDS}`]);
  });
  after(async () => {
    for (const c of connections) c.close();
    for (const l of listeners) await l.stop();
    await group?.stop();
    await etcd?.stop();
  });

  it('kill -9 of the leader: another node leads and every acknowledged change is there', async (t) => {
    const leader = await group.leader();
    const brokers: ControllerBroker[] = [];
    for (let i = 0; i < 2; i++) {
      const listener = await BrokerListener.start();
      listeners.push(listener);
      const connection = await leader.connect();
      connections.push(connection);
      brokers.push(new ControllerBroker(connection, { clusterName: CLUSTER, brokerName: BROKER, address: listener.address, heartbeatTimeoutMillis: 10_000 }));
    }
    await startBrokerSet(brokers[0]!, brokers[1]!);
    expected = {
      masterBrokerId: '1', masterEpoch: '1', syncStateSet: [1, 2], syncStateSetEpoch: 2, nextBrokerId: '3', nextIdOfPausedWrite: '1',
    };
    assert.deepEqual(await acknowledgedState(leader), expected, 'acknowledged by the leader before the fault');

    const killedAt = performance.now();
    await leader.signal('SIGKILL');
    const successor = await group.leader(leader);
    t.diagnostic(`leader ${leader.id} killed (lease TTL ${LEASE_TTL_SECONDS} s): ${successor.id} leads and serves after ${Math.round(performance.now() - killedAt)} ms`);
    assert.notEqual(successor, leader);
    assert.deepEqual(await acknowledgedState(successor), expected);
    await leader.start(); // back as a follower, for what follows
  });

  it('a leader paused past its lease and resumed changes nothing: its answer is CONTROLLER_NOT_LEADER', async (t) => {
    const leader = await group.leader();
    const toPaused = await leader.connect();
    connections.push(toPaused);
    const pausedAt = performance.now();
    await leader.signal('SIGSTOP');
    const successor = await group.leader(leader);
    t.diagnostic(`leader ${leader.id} paused: ${successor.id} leads and serves after ${Math.round(performance.now() - pausedAt)} ms`);

    // The request waits in the paused process's socket and is read when it resumes.
    const answer = toPaused.invoke(
      controllerRequest(Req.CONTROLLER_APPLY_BROKER_ID, { clusterName: CLUSTER, brokerName: PAUSED_WRITE, appliedBrokerId: 1, registerCheckCode: '127.0.0.1:1;1' }),
      60_000,
    );
    await leader.signal('SIGCONT');
    const refused = await answer;
    assert.equal(refused.code, Code.CONTROLLER_NOT_LEADER, `${refused.code} ${refused.remark}`);
    await until(async () => !(await leader.saysItLeads()));
    assert.deepEqual(await acknowledgedState(await group.leader()), expected, 'the deposed leader\'s change is nowhere');
  });

  it('all controller processes killed and restarted: the state is intact, read afresh from etcd', async () => {
    for (const node of group.nodes) await node.signal('SIGKILL');
    await Promise.all(group.nodes.map((node) => node.start()));
    assert.deepEqual(await acknowledgedState(await group.leader()), expected);
  });
});

describe('kill -9 of a master broker, controller embedded in the NameServer process', () => {
  it('a replica of its sync state set becomes master, is told so, and the NameServer routes to it', async (t) => {
    const home = tempDir('namesrv-controller-faults-');
    const file = path.join(home, 'namesrv.properties');
    // No grace period: this leader has led since before the brokers came, so inactivity elects at once.
    writeFileSync(file, 'enableControllerInNamesrv=true\ncontrollerDLegerGroup=g\ncontrollerDLegerPeers=n0-127.0.0.1:0\ncontrollerDLegerSelfId=n0\ncontrollerLeaderGracePeriodMillis=0\n');
    const server = spawnBin('mqnamesrv.js', home, ['--listenPort=0', '--bindAddress=127.0.0.1', '--httpEnable=false', '-c', file]);
    const opened: Array<{ close(): void }> = [];
    try {
      const namesrvPort = Number((await server.waitFor(/The Name Server boot success\. .*:(\d+)\n/))[1]);
      const controllerPort = Number((await server.waitFor(/The Controller Server boot success\. .*:(\d+)\n/))[1]);
      const brokers: Array<{ controller: ControllerBroker; namesrv: FakeBroker; listener: BrokerListener }> = [];
      for (let i = 0; i < 2; i++) {
        const listener = await BrokerListener.start();
        opened.push({ close: () => void listener.stop() });
        const toController = await ClientConnection.connect({ host: '127.0.0.1', port: controllerPort });
        opened.push(toController);
        const controller = new ControllerBroker(toController, { clusterName: CLUSTER, brokerName: BROKER, address: listener.address, heartbeatTimeoutMillis: 10_000 });
        brokers.push({ controller, listener, namesrv: null as unknown as FakeBroker });
      }
      const [master, slave] = brokers as [(typeof brokers)[0], (typeof brokers)[0]];
      await startBrokerSet(master.controller, slave.controller);
      // A 5.x broker registers with the NameServer as MASTER_ID (0) when master, else with its controller id.
      const registerWithNamesrv = async (b: (typeof brokers)[0]) => {
        const connection = await ClientConnection.connect({ host: '127.0.0.1', port: namesrvPort });
        opened.push(connection);
        b.namesrv = new FakeBroker(connection, {
          clusterName: CLUSTER, brokerName: BROKER, brokerAddr: b.listener.address, topics: [topic('FaultTopic'), topic('FaultTopic2')],
          brokerId: b.controller.isMaster ? 0 : b.controller.brokerId,
        });
        const registered = await b.namesrv.register();
        assert.equal(registered.code, 0, registered.remark ?? "");
      };
      await registerWithNamesrv(master);
      await registerWithNamesrv(slave);
      const route = async () => {
        const answer = await call(slave.namesrv.connection, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: 'FaultTopic' } });
        return decodeTopicRouteData(answer.body!).brokerDatas[0]?.brokerAddrs;
      };
      assert.equal((await route())?.get(0), master.listener.address);

      // kill -9: both of the master's connections drop at once, nothing said.
      slave.controller.heartbeat();
      const killedAt = performance.now();
      master.controller.connection.close();
      master.namesrv.connection.close();
      await until(() => slave.listener.received.some((n) => n.extFields?.masterBrokerId === String(slave.controller.brokerId)));
      t.diagnostic(`master killed: the slave was told it is master after ${Math.round(performance.now() - killedAt)} ms`);
      const notice = slave.listener.received.find((n) => n.code === Req.NOTIFY_BROKER_ROLE_CHANGED)!;
      assert.equal(notice.extFields?.masterAddress, slave.listener.address);
      const info = await slave.controller.call(Req.CONTROLLER_GET_REPLICA_INFO, { brokerName: BROKER });
      assert.equal(info.extFields?.masterBrokerId, String(slave.controller.brokerId));

      // As the broker does on becoming master: registers again as MASTER_ID.
      slave.namesrv = new FakeBroker(slave.namesrv.connection, {
        clusterName: CLUSTER, brokerName: BROKER, brokerAddr: slave.listener.address, topics: [topic('FaultTopic'), topic('FaultTopic2')], brokerId: 0,
      });
      assert.equal((await slave.namesrv.register()).code, 0);
      await until(async () => (await route())?.size === 1);
      assert.deepEqual([...(await route())!], [[0, slave.listener.address]]);
    } finally {
      for (const o of opened) o.close();
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });
});
