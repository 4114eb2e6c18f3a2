/**
 * A load-generator process for the controller scenario (forked by scenarios/controller.ts): it
 * simulates a range of broker sets (a master and a slave each, one connection per broker), walks
 * each broker through the 5.3.3 start-up sequence, then sends BROKER_HEARTBEAT every
 * `heartbeatMs`. On request it loses a master (connection closed, or heartbeats stopped) and
 * reports when the set's slave hears NOTIFY_BROKER_ROLE_CHANGED.
 *
 * Every broker gets its own address for role-change notices: set i's brokers are
 * 127.1.<i / 250>.<i % 250 + 1> on the worker's master port and slave port (loopback answers
 * all of 127/8), so the listener tells which broker a notice was for from the socket's local address.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { ControllerRequestCode as Req } from '../src/protocol/controller-codes.js';
import { decodeCommand } from '../src/remoting/command-codec.js';
import { FrameDecoder } from '../src/remoting/frame-decoder.js';
import { ClientConnection } from '../src/remoting/remoting-client.js';
import { ControllerBroker, startBrokerSet } from '../test/support/controller-broker.js';

export interface ControllerBrokersJob {
  host: string;
  port: number;
  clusterName: string;
  /** Global indexes [from, to) of the broker sets this process simulates. */
  fromSet: number;
  toSet: number;
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
  /** Broker sets starting up at once. */
  concurrency: number;
}

export type ControllerBrokersCommand =
  | { type: 'job'; job: ControllerBrokersJob }
  | { type: 'lose-master'; set: number; how: 'close' | 'silent' }
  | { type: 'stop' };

export type ControllerBrokersReport =
  | { type: 'ready'; sets: number; failed: number; firstError: string | null; heartbeatsSent: number }
  | { type: 'master-lost'; set: number; detectableAt: number }
  | { type: 'role-notice'; set: number; at: number; masterBrokerId: number }
  | { type: 'heartbeats'; sent: number }
  | { type: 'failed'; message: string };

/** Wall-clock ms with sub-ms precision, comparable across processes of one machine. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export const setHost = (set: number): string => `127.1.${Math.floor(set / 250)}.${(set % 250) + 1}`;

interface SimulatedSet {
  master: ControllerBroker;
  slave: ControllerBroker;
  timers: NodeJS.Timeout[];
  lastMasterBeat: number;
  watching: boolean;
}

function report(message: ControllerBrokersReport): void {
  process.send?.(message);
}

let heartbeatsSent = 0;
let heartbeatMs = 1000;
const sets = new Map<number, SimulatedSet>();

/** Listens for NOTIFY_BROKER_ROLE_CHANGED on every address of one role; reports the watched sets'. */
function noticeListener(): Promise<net.Server & { port: number }> {
  const server = net.createServer((socket) => {
    const decoder = new FrameDecoder();
    const local = socket.localAddress?.replace(/^::ffff:/, '') ?? '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      const at = wallNow();
      try {
        decoder.push(chunk, (frame) => {
          const command = decodeCommand(frame);
          if (command.code !== Req.NOTIFY_BROKER_ROLE_CHANGED) return;
          for (const [index, set] of sets) {
            if (!set.watching || set.slave.identity.address.split(':')[0] !== local) continue;
            set.slave.learn(command.extFields ?? {});
            report({ type: 'role-notice', set: index, at, masterBrokerId: Number(command.extFields?.masterBrokerId) });
          }
        });
      } catch {
        socket.destroy();
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => resolve(Object.assign(server, { port: (server.address() as net.AddressInfo).port })));
  });
}

async function run(job: ControllerBrokersJob): Promise<void> {
  heartbeatMs = job.heartbeatMs;
  const masterPort = (await noticeListener()).port;
  const slavePort = (await noticeListener()).port;
  let failed = 0;
  let firstError: string | null = null;
  const pending = Array.from({ length: job.toSet - job.fromSet }, (_, i) => job.fromSet + i);
  const startOne = async (index: number) => {
    const brokerName = `bench-broker-${index}`;
    const make = async (port: number) =>
      new ControllerBroker(await ClientConnection.connect({ host: job.host, port: job.port }), {
        clusterName: job.clusterName, brokerName, address: `${setHost(index)}:${port}`, heartbeatTimeoutMillis: job.heartbeatTimeoutMs,
      });
    const set: SimulatedSet = { master: await make(masterPort), slave: await make(slavePort), timers: [], lastMasterBeat: 0, watching: false };
    await startBrokerSet(set.master, set.slave);
    sets.set(index, set);
    // Each broker beats on its own schedule, spread over the period as independent brokers are.
    for (const broker of [set.master, set.slave]) {
      const beat = () => {
        broker.heartbeat();
        heartbeatsSent++;
        if (broker === set.master) set.lastMasterBeat = wallNow();
      };
      const first = setTimeout(() => {
        beat();
        set.timers.push(setInterval(beat, job.heartbeatMs));
      }, Math.random() * job.heartbeatMs);
      set.timers.push(first);
    }
  };
  const lanes = Array.from({ length: Math.max(1, job.concurrency) }, async () => {
    for (let index = pending.shift(); index !== undefined; index = pending.shift()) {
      try {
        await startOne(index);
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  });
  await Promise.all(lanes);
  report({ type: 'ready', sets: sets.size, failed, firstError, heartbeatsSent });
}

function loseMaster(index: number, how: 'close' | 'silent'): void {
  const set = sets.get(index);
  if (!set) return;
  for (const timer of set.timers) clearInterval(timer);
  set.watching = true;
  // The slave goes on beating.
  const beat = () => {
    set.slave.heartbeat();
    heartbeatsSent++;
  };
  set.timers = [setInterval(beat, heartbeatMs)];
  if (how === 'close') {
    const at = wallNow();
    set.master.connection.close();
    report({ type: 'master-lost', set: index, detectableAt: at });
  } else {
    // Silent: the connection stays open; the controller can tell only once the timeout has run out.
    report({ type: 'master-lost', set: index, detectableAt: set.lastMasterBeat + set.master.identity.heartbeatTimeoutMillis });
  }
}

process.on('message', (message: ControllerBrokersCommand) => {
  if (message.type === 'job') {
    run(message.job).catch((error: unknown) => report({ type: 'failed', message: (error as Error).stack ?? String(error) }));
  } else if (message.type === 'lose-master') {
    loseMaster(message.set, message.how);
  } else if (message.type === 'stop') {
    report({ type: 'heartbeats', sent: heartbeatsSent });
    for (const set of sets.values()) {
      for (const timer of set.timers) clearInterval(timer);
      set.master.connection.close();
      set.slave.connection.close();
    }
    setTimeout(() => process.exit(0), 100);
  }
});
// Leave with the orchestrator.
process.on('disconnect', () => process.exit(0));
