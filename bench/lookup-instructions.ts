/**
 * Instructions a NameServer executes per route lookup (GET_ROUTEINFO_BY_TOPIC), counted by
 * valgrind's callgrind over a fixed number of lookups after a warm-up: unlike a rate or CPU time,
 * the count hardly depends on how busy the machine is, so two builds can be compared on a shared
 * box. The server runs under callgrind with counting off; it is switched on for the measured
 * lookups only, then for 10 s of idleness, whose rate (timers, the metrics' event-loop monitor:
 * valgrind runs ~50x slower, so time-driven work weighs ~50x more than natively) is subtracted
 * over the measured window's duration. Threads are counted apart: the main thread (the event
 * loop, which bounds what one server process serves) and all of them (with V8's concurrent
 * marking and compiling, which land in a window of 20,000 lookups or not, by chance).
 *
 *   node dist/bench/lookup-instructions.js [--server-cli=FILE] [--server-args="…"] [--lookups=N] [--warmup-lookups=N]
 *   node dist/bench/lookup-instructions.js --churn [--lookups=N] [--warmup-lookups=N] …
 *   … --keep=DIR   keeps callgrind's files for callgrind_annotate (main thread: DIR/callgrind.out.1-01)
 *
 * 8 brokers x 1,000 topics (every broker has every topic), 16 connections x 4 in flight. With
 * `--churn`, each lookup is a short-lived client's (connect, one lookup, close; 16 at a time), and
 * the figure is the server's instructions per connection: its set-up and tear-down in user space
 * (the kernel's part, not counted here, is in `strace -c -f -p PID`).
 */
import { parseArgs } from 'node:util';
import { RequestCode } from '../src/protocol/request-code.js';
import { ClientConnection } from '../src/remoting/remoting-client.js';
import { createRequest } from '../src/remoting/remoting-command.js';
import { CallgrindCount } from './callgrind-count.js';
import { SimulatedRegistry, type RegistryLayout } from './registry.js';
import { startOwnServer } from './server-process.js';

const { values } = parseArgs({
  options: {
    'server-cli': { type: 'string' },
    'server-args': { type: 'string', default: '--httpPort=0' },
    lookups: { type: 'string', default: '20000' },
    'warmup-lookups': { type: 'string' },
    churn: { type: 'boolean', default: false },
    /** Keep callgrind's files (for callgrind_annotate) in this folder instead of deleting them. */
    keep: { type: 'string' },
  },
});
const churn = values.churn === true;
const lookupCount = Number(values.lookups);
const warmupCount = Number(values['warmup-lookups'] ?? (churn ? 5000 : 30000));
const layout: RegistryLayout = { clusterName: 'BenchCluster', brokerPrefix: 'bench-', brokers: 8, topicsPerBroker: 1000, brokersPerTopic: 8, topicPrefix: 'BenchRouteTopic-', basePort: 20000 };

const counter = new CallgrindCount(values.keep);
const server = await startOwnServer({
  nodeArgs: [],
  // The connections of the simulated brokers must not idle out however slow the run.
  serverArgs: ['--serverChannelMaxIdleTimeSeconds=100000', ...(values['server-args'] ?? '').split(/\s+/).filter(Boolean)],
  cli: values['server-cli'] ?? null,
  wrapper: counter.wrapper,
  bootTimeoutMs: 600_000,
});
const registry = await SimulatedRegistry.connect(server.host, server.port, layout, 409);
await registry.registerAll(2, false);
const connections = await Promise.all(Array.from({ length: 16 }, () => ClientConnection.connect({ host: server.host, port: server.port, connectTimeoutMs: 60_000 })));
// Brokers expire after 120 s without a sign of life, which a slow run outlasts: heartbeats keep them.
const heartbeat = setInterval(() => {
  for (const broker of registry.brokers) {
    const extFields = { clusterName: broker.clusterName, brokerAddr: broker.brokerAddr, brokerName: broker.brokerName, brokerId: '0' };
    void connections[0]!.invoke(createRequest({ code: RequestCode.BROKER_HEARTBEAT, version: 409, extFields }), 600_000).catch(() => undefined);
  }
}, 20_000);

async function lookups(count: number): Promise<number> {
  let next = 0;
  let failed = 0;
  const lane = async (connection: ClientConnection) => {
    while (next < count) {
      const topic = `${layout.topicPrefix}${(next++ * 7919) % 1000}`;
      const response = await connection.invoke(createRequest({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, version: 409, extFields: { topic } }), 600_000);
      if (response.code !== 0) failed++;
    }
  };
  await Promise.all(connections.flatMap((c) => [lane(c), lane(c), lane(c), lane(c)]));
  return failed;
}

/** `count` short-lived clients, 16 at a time: connect, one lookup, close. */
async function churnLookups(count: number): Promise<number> {
  let next = 0;
  let failed = 0;
  const lane = async () => {
    while (next < count) {
      const topic = `${layout.topicPrefix}${(next++ * 7919) % 1000}`;
      const connection = await ClientConnection.connect({ host: server.host, port: server.port, connectTimeoutMs: 60_000 });
      try {
        const response = await connection.invoke(createRequest({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, version: 409, extFields: { topic } }), 600_000);
        if (response.code !== 0) failed++;
      } finally {
        connection.close();
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  return failed;
}
const measure = churn ? churnLookups : lookups;

try {
  await measure(warmupCount);
  let failed = 0;
  const count = await counter.measure(server.pid!, lookupCount, async () => {
    failed = await measure(lookupCount);
  });
  console.log(
    JSON.stringify({
      server: values['server-cli'] ?? 'bin/mqnamesrv.js',
      unit: churn ? 'connection (connect, one lookup, close)' : 'lookup',
      serverArgs: values['server-args'],
      lookups: lookupCount,
      failed,
      measuredSeconds: count.measuredSeconds,
      mainThreadPerLookup: count.main,
      allThreadsPerLookup: count.all,
      idleMainThreadPerSecond: count.idleMainThreadPerSecond,
    }),
  );
} finally {
  clearInterval(heartbeat);
  for (const c of connections) c.close();
  await registry.close().catch(() => undefined);
  await server.stop();
  counter.dispose();
}
