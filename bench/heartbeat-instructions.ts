/**
 * Instructions a controller executes per BROKER_HEARTBEAT, counted by valgrind's callgrind (as
 * lookup-instructions.ts does for route lookups): a figure two builds can be compared by on a
 * shared box, where CPU time over the controller scenario's window varies with the machine's load.
 *
 * A broker heartbeats its controller once a second; a thousand brokers at independent phases make
 * a thousand separate wake-ups of an idle controller, each reading one small frame from one
 * socket. So the heartbeats here are sent one at a time, `--gap-ms` apart (under valgrind a
 * heartbeat takes about a millisecond), round-robin over `--brokers` connections. How counting
 * works: callgrind-count.ts. Only user-space instructions are counted: the kernel's part (epoll,
 * read) is not, and is the same for every build.
 *
 *   node dist/bench/heartbeat-instructions.js [--controller-cli=FILE] [--brokers=N] [--heartbeats=N] [--warmup-heartbeats=N] [--gap-ms=N] [--keep=DIR]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ControllerRequestCode as Req } from '../src/protocol/controller-codes.js';
import { ControllerBroker } from '../test/support/controller-broker.js';
import { ClientConnection } from '../src/remoting/remoting-client.js';
import { CallgrindCount } from './callgrind-count.js';
import { startServerProcess } from './server-process.js';

const { values } = parseArgs({
  options: {
    'controller-cli': { type: 'string' },
    brokers: { type: 'string', default: '200' },
    heartbeats: { type: 'string', default: '2000' },
    'warmup-heartbeats': { type: 'string', default: '8000' },
    'gap-ms': { type: 'string', default: '8' },
    /** Keep callgrind's files here (for callgrind_annotate) instead of deleting them. */
    keep: { type: 'string' },
  },
});
const brokerCount = Number(values.brokers);
const heartbeatCount = Number(values.heartbeats);
const warmupCount = Number(values['warmup-heartbeats']);
const gapMs = Number(values['gap-ms']);
const CONTROLLER_CLI = fileURLToPath(new URL('../../bin/mqcontroller.js', import.meta.url));
const BOOT_LINE = /The Controller Server boot success\. serializeType=\w+, address ([^\s:]+):(\d+)/;

const counter = new CallgrindCount(values.keep);
const controller = await startServerProcess({
  nodeArgs: [],
  cli: values['controller-cli'] ?? CONTROLLER_CLI,
  // A slow run must not make the brokers look silent: no scan forgets them within the run.
  args: ['--controllerDLegerGroup=bench', '--controllerDLegerPeers=n0-127.0.0.1:0', '--controllerDLegerSelfId=n0', '--scanNotActiveBrokerInterval=3600000', '--scanInactiveMasterInterval=3600000'],
  bootLine: BOOT_LINE,
  wrapper: counter.wrapper,
  bootTimeoutMs: 600_000,
});
const brokers: ControllerBroker[] = [];
for (let i = 0; i < brokerCount; i++) {
  const connection = await ClientConnection.connect({ host: controller.host, port: controller.port, connectTimeoutMs: 60_000 });
  const broker = new ControllerBroker(connection, {
    clusterName: 'BenchCluster', brokerName: `bench-broker-${i >> 1}`, address: `127.0.0.1:${20000 + i}`, heartbeatTimeoutMillis: 3_600_000,
  });
  broker.brokerId = (i & 1) + 1;
  broker.masterEpoch = 1;
  broker.maxOffset = 123_456_789n;
  brokers.push(broker);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function heartbeats(count: number, barrierEvery = 0): Promise<void> {
  for (let i = 0; i < count; i++) {
    brokers[i % brokers.length]!.heartbeat();
    await pause(gapMs);
    if (barrierEvery > 0 && i % barrierEvery === 0) await barrier();
  }
}

/** A request answered (the window ends with it; its path is warmed up with the heartbeats'). */
async function barrier(): Promise<void> {
  await brokers[0]!.call(Req.CONTROLLER_GET_METADATA_INFO);
}

try {
  // Until V8 has optimized the heartbeat path (about 6,000 heartbeats), the barrier's request
  // among them: the code is then compiled for both, as after a broker's start-up, and the
  // barrier that ends the measured window does not send it back to unoptimized code.
  await heartbeats(warmupCount, 500);
  const count = await counter.measure(controller.pid!, heartbeatCount, async () => {
    await heartbeats(heartbeatCount);
    await barrier();
  });
  console.log(
    JSON.stringify({
      controller: values['controller-cli'] ?? 'bin/mqcontroller.js',
      brokers: brokerCount,
      heartbeats: heartbeatCount,
      gapMs,
      measuredSeconds: count.measuredSeconds,
      mainThreadPerHeartbeat: count.main,
      allThreadsPerHeartbeat: count.all,
      idleMainThreadPerSecond: count.idleMainThreadPerSecond,
    }),
  );
} finally {
  for (const b of brokers) b.connection.close();
  await controller.stop();
  counter.dispose();
}
