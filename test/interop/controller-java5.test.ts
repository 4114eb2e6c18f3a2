import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { decodeClusterInfo } from '../../src/protocol/bodies/index.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ManualClock } from '../../src/util/clock.js';
import { startTestController, type TestController } from '../controller/controller-harness.js';
import { call, startNameServer, tempDir, type RunningNameServer } from '../support/nameserver-harness.js';
import { until } from '../support/until.js';
import { javaPeerFrom, runJavaTool, startJavaBroker, type JavaBroker } from './java-peer.js';

/**
 * Real RocketMQ 5.3.3 brokers in controller mode against our NameServer and controller: ids,
 * election, sync state set, and failover when the master is killed. Runs only where a 5.3.3 peer
 * is built (JAVA5_PEER, see shared/java-peer/README.md).
 */
const { peer, skip: SKIP } = javaPeerFrom('JAVA5_PEER');

function startBroker(home: string, name: string, namesrv: string, controller: string): Promise<JavaBroker> {
  return startJavaBroker(peer!, home, name, namesrv, ['enableControllerMode=true', `controllerAddr=${controller}`, 'controllerHeartBeatTimeoutMills=10000']);
}

function javaMqadmin(home: string, args: string[]): Promise<string> {
  return runJavaTool(peer!, home, 'mqadmin', args);
}

describe('real 5.3.3 brokers in controller mode', () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  test('get ids, elect a master, sync the slave, and fail over when the master is killed', { skip: SKIP }, async () => {
    const home = tempDir('controller-java5-');
    const ns: RunningNameServer = await startNameServer();
    cleanups.push(() => ns.stop());
    const controller: TestController = await startTestController(
      { controllerLeaderGracePeriodMillis: 0, scanNotActiveBrokerInterval: 1000, scanInactiveMasterInterval: 1000 },
      { clock: new ManualClock(Date.now()), timers: true },
    );
    cleanups.push(() => controller.stop());
    const namesrv = `127.0.0.1:${ns.port}`;
    const controllerAddress = `127.0.0.1:${controller.port}`;

    const first = await startBroker(home, 'b1', namesrv, controllerAddress);
    cleanups.push(first.kill);
    await until(() => controller.service.replicas.get('DefaultCluster', 'broker-a')?.masterBrokerId === 1);
    const second = await startBroker(home, 'b2', namesrv, controllerAddress);
    cleanups.push(second.kill);
    // The slave registers, replicates, and the master adds it to the sync state set.
    await until(() => controller.service.replicas.get('DefaultCluster', 'broker-a')?.syncStateSet.size === 2);
    const set = controller.service.replicas.get('DefaultCluster', 'broker-a')!;
    assert.deepEqual([...set.replicas.keys()].sort(), [1, 2]);
    assert.equal(set.replicas.get(1)?.address, first.address);

    await first.kill();
    await until(() => controller.service.replicas.get('DefaultCluster', 'broker-a')?.masterBrokerId === 2);
    // The new master tells the NameServer: routes show it as broker-a's master.
    const client = await ns.connect();
    await until(async () => {
      const info = decodeClusterInfo((await call(client, RequestCode.GET_BROKER_CLUSTER_INFO)).body!);
      return info.brokerAddrTable.get('broker-a')?.brokerAddrs.get(0) === second.address;
    });

    // Java's own mqadmin reads our controller.
    const meta = await javaMqadmin(home, ['getControllerMetaData', '-a', controllerAddress]);
    assert.match(meta, new RegExp(`#ControllerLeaderAddress\t${controllerAddress.replace(/\./g, '\\.')}`));
    const sync = await javaMqadmin(home, ['getSyncStateSet', '-a', controllerAddress, '-b', 'broker-a']);
    assert.match(sync, /#MasterBrokerId\t2\n/);
    assert.match(sync, /InSyncReplica:\tReplicaIdentity\{brokerName='broker-a', brokerId=2/);
  });
});
