import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ControllerResponseCode as Code } from '../../src/protocol/controller-codes.js';
import { ETCD_MISSING, startEtcdCluster, type EtcdCluster } from '../support/etcd-cluster.js';
import { until } from '../support/until.js';
import { freePort, Req, request, startTestController, type TestController } from './controller-harness.js';


describe('two controllers sharing one state in etcd', { skip: ETCD_MISSING }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('one leads, the other answers CONTROLLER_NOT_LEADER and points at it; when the leader stops the other leads with the state', async () => {
    const etcd: EtcdCluster = await startEtcdCluster(1);
    cleanups.push(() => etcd.stop());
    const ports = [await freePort(), await freePort()];
    const peers = `n0-127.0.0.1:${ports[0]};n1-127.0.0.1:${ports[1]}`;
    const controllers: TestController[] = [];
    for (const [i, port] of ports.entries()) {
      const controller = await startTestController(
        {
          controllerDLegerPeers: peers, controllerDLegerSelfId: `n${i}`, controllerStore: 'etcd',
          controllerEtcdEndpoints: etcd.endpoints.join(','), controllerEtcdLeaseTtlSeconds: 2,
        },
        { listenPort: port },
      );
      cleanups.push(() => controller.stop());
      controllers.push(controller);
    }
    await until(() => controllers.some((c) => c.service.isLeading));
    const leader = controllers.find((c) => c.service.isLeading)!;
    const follower = controllers.find((c) => c !== leader)!;

    const toLeader = await leader.connect();
    const applied = await toLeader.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, { clusterName: 'c', brokerName: 'b', appliedBrokerId: 1, registerCheckCode: '127.0.0.1:10911;1' }));
    assert.equal(applied.code, Code.SUCCESS, applied.remark ?? '');

    const toFollower = await follower.connect();
    await until(async () => (await toFollower.invoke(request(Req.CONTROLLER_GET_METADATA_INFO))).extFields?.controllerLeaderAddress === leader.selfAddress);
    const meta = await toFollower.invoke(request(Req.CONTROLLER_GET_METADATA_INFO));
    assert.equal(meta.extFields?.isLeader, 'false');
    assert.equal(meta.extFields?.controllerLeaderId, leader.topology.self.id);
    const refused = await toFollower.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, { clusterName: 'c', brokerName: 'b', appliedBrokerId: 2, registerCheckCode: '127.0.0.1:10912;1' }));
    assert.equal(refused.code, Code.CONTROLLER_NOT_LEADER);
    assert.match(refused.remark ?? '', new RegExp(leader.selfAddress.replace(/\./g, '\\.')));

    await leader.stop();
    await until(() => follower.service.isLeading);
    const next = await toFollower.invoke(request(Req.CONTROLLER_GET_NEXT_BROKER_ID, { clusterName: 'c', brokerName: 'b' }));
    assert.equal(next.extFields?.nextBrokerId, '2', 'the new leader read what the old one committed');
  });
});
