import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { main } from '../../../../src/cli/mqadmin.js';
import type { ClientConnection } from '../../../../src/remoting/remoting-client.js';
import { Req, request, startTestController, type TestController } from '../../../controller/controller-harness.js';

async function mqadmin(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {} });
  process.exitCode = 0;
  return { code, out, err };
}

describe('mqadmin controller commands', () => {
  let controller: TestController;
  let broker: ClientConnection;
  let a: string;

  before(async () => {
    controller = await startTestController();
    a = `127.0.0.1:${controller.port}`;
    broker = await controller.connect();
    for (const id of [1, 2]) {
      await broker.invoke(request(Req.CONTROLLER_APPLY_BROKER_ID, { clusterName: 'c1', brokerName: 'broker-a', appliedBrokerId: id, registerCheckCode: `127.0.0.1:1091${id};1` }));
      broker.invokeOneway(request(Req.BROKER_HEARTBEAT, { clusterName: 'c1', brokerName: 'broker-a', brokerAddr: `127.0.0.1:1091${id}`, brokerId: id, heartbeatTimeoutMills: 60_000 }));
    }
    await broker.invoke(request(Req.CONTROLLER_ELECT_MASTER, { clusterName: 'c1', brokerName: 'broker-a', brokerId: 1 }));
    await broker.invoke(request(Req.CONTROLLER_ALTER_SYNC_STATE_SET, { brokerName: 'broker-a', masterBrokerId: 1, masterEpoch: 1 }, '{"syncStateSet":[1,2],"syncStateSetEpoch":1}'));
  });
  after(() => controller.stop());

  test('getControllerMetaData prints Java\'s lines, without -n', async () => {
    const r = await mqadmin(['getControllerMetaData', '-a', a]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `\n#ControllerGroup\tgroup1\n#ControllerLeaderId\tn0\n#ControllerLeaderAddress\t${a}\n#Peer:\tn0:${a}\n`);
  });

  test('getSyncStateSet shows in-sync replicas', async () => {
    const r = await mqadmin(['getSyncStateSet', '-a', a, '-b', 'broker-a']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /#MasterBrokerId\t1\n#MasterAddr\t127\.0\.0\.1:10911\n#MasterEpoch\t1\n#SyncStateSetEpoch\t2\n#SyncStateSetNums\t2\n/);
    assert.match(r.out, /InSyncReplica:\tReplicaIdentity\{brokerName='broker-a', brokerId=2, brokerAddress='127\.0\.0\.1:10912', alive=true\}/);
  });

  test('electMaster designates a replica (Java\'s -bn spelling accepted)', async () => {
    const r = await mqadmin(['electMaster', '-a', a, '-c', 'c1', '-bn', 'broker-a', '-b', '2']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /#BrokerMasterAddr\t127\.0\.0\.1:10912\n#MasterEpoch\t2\n#SyncStateSetEpoch\t3\n\t#Broker\t1\t127\.0\.0\.1:10911\n\t#Broker\t2\t127\.0\.0\.1:10912\n/);
    const refused = await mqadmin(['electMaster', '-a', a, '-c', 'c1', '--brokerName', 'broker-a', '-b', '9']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /CODE: 2012/);
  });

  test('getControllerConfig and updateControllerConfig', async () => {
    const update = await mqadmin(['updateControllerConfig', '-a', a, '-k', 'notifyBrokerRoleChanged', '-v', 'false']);
    assert.equal(update.code, 0, update.err);
    assert.equal(update.out, `update controller config success![${a}]\nnotifyBrokerRoleChanged : false\n`);
    const shown = await mqadmin(['getControllerConfig', '-a', a]);
    assert.match(shown.out, new RegExp(`^============${a.replace(/\./g, '\\.')}============\n`));
    assert.match(shown.out, /\nnotifyBrokerRoleChanged\s+=  false\n/);
  });

  test('cleanBrokerMetadata refuses a living set, then cleans when told to', async () => {
    const refused = await mqadmin(['cleanBrokerMetadata', '-a', a, '-c', 'c1', '--brokerName', 'broker-a']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /CODE: 2009/);
    const usage = await mqadmin(['cleanBrokerMetadata', '-a', a, '--brokerName', 'broker-a']);
    assert.equal(usage.code, 2);
    const cleaned = await mqadmin(['cleanBrokerMetadata', '-a', a, '--brokerName', 'broker-a', '-l']);
    assert.equal(cleaned.code, 0, cleaned.err);
    assert.equal(cleaned.out, 'clear broker broker-a metadata from controller success! \n');
    assert.equal(controller.service.replicas.size, 0);
  });
});
