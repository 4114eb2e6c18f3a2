import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { decodeClusterInfo } from '../../src/protocol/bodies/index.js';
import { RequestCode } from '../../src/protocol/request-code.js';
import { ManualClock } from '../../src/util/clock.js';
import { freePort, startTestController, type TestController } from '../controller/controller-harness.js';
import { call, startNameServer, tempDir, type RunningNameServer } from '../support/nameserver-harness.js';
import { until } from '../support/until.js';

/**
 * Real RocketMQ 5.3.3 brokers in controller mode against our NameServer and controller: ids,
 * election, sync state set, and failover when the master is killed. Runs only where a 5.3.3 peer
 * is built (JAVA5_PEER, see shared/java-peer/README.md).
 */
const PEER = process.env.JAVA5_PEER;
const SKIP = PEER ? false : 'JAVA5_PEER is not set: no real 5.3.3 broker to run (see shared/java-peer/README.md)';


interface JavaBroker {
  process: ChildProcess;
  address: string;
  exited: Promise<void>;
}

async function startBroker(home: string, name: string, namesrv: string, controller: string): Promise<JavaBroker> {
  const [port, haPort] = [await freePort(), await freePort()];
  const dir = path.join(home, name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'broker.properties');
  fs.writeFileSync(
    file,
    [
      'brokerClusterName=DefaultCluster', 'brokerName=broker-a', `listenPort=${port}`, `haListenPort=${haPort}`,
      `namesrvAddr=${namesrv}`, `storePathRootDir=${dir}/store`, `storePathCommitLog=${dir}/store/commitlog`,
      'enableControllerMode=true', `controllerAddr=${controller}`, 'brokerIP1=127.0.0.1', 'brokerIP2=127.0.0.1',
      'mappedFileSizeCommitLog=67108864', 'mappedFileSizeConsumeQueue=600000', 'mappedFileSizeTimerLog=16777216',
      'maxHashSlotNum=50000', 'maxIndexNum=200000', 'diskSpaceWarningLevelRatio=99', 'diskSpaceCleanForciblyRatio=98',
      'diskMaxUsedSpaceRatio=95', 'controllerHeartBeatTimeoutMills=10000',
    ].join('\n') + '\n',
  );
  const child = spawn(path.join(PEER!, 'bin', 'mqbroker'), ['-c', file], {
    env: { ...process.env, RMQ_USER_HOME: dir, RMQ_HEAP: '256m' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { process: child, address: `127.0.0.1:${port}`, exited };
}

/** Runs Java's mqadmin and resolves with what it printed (rejects on a non-zero exit). */
function javaMqadmin(home: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(PEER!, 'bin', 'mqadmin'), args, { env: { ...process.env, RMQ_USER_HOME: path.join(home, 'tools') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`mqadmin ${args[0]} exited ${code}: ${out}`))));
  });
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
    cleanups.push(async () => {
      first.process.kill('SIGKILL');
      await first.exited;
    });
    await until(() => controller.service.replicas.get('DefaultCluster', 'broker-a')?.masterBrokerId === 1);
    const second = await startBroker(home, 'b2', namesrv, controllerAddress);
    cleanups.push(async () => {
      second.process.kill('SIGKILL');
      await second.exited;
    });
    // The slave registers, replicates, and the master adds it to the sync state set.
    await until(() => controller.service.replicas.get('DefaultCluster', 'broker-a')?.syncStateSet.size === 2);
    const set = controller.service.replicas.get('DefaultCluster', 'broker-a')!;
    assert.deepEqual([...set.replicas.keys()].sort(), [1, 2]);
    assert.equal(set.replicas.get(1)?.address, first.address);

    first.process.kill('SIGKILL');
    await first.exited;
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
