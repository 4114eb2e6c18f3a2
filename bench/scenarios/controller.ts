/**
 * The controller at scale: a controller process (bin/mqcontroller.js, file store) with
 * `controllerSets` broker sets of a master and a slave, each broker started up as a 5.3.3 broker
 * does and then heartbeating every second. Reports the controller's CPU and RSS under the
 * heartbeats alone, then loses two masters, one by a closed connection and one by silence, and
 * times each from when the controller could first tell to the slave hearing it is master.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../context.js';
import type { ControllerBrokersCommand, ControllerBrokersJob, ControllerBrokersReport } from '../controller-brokers.js';
import { UsageWindow } from '../proc-stats.js';
import type { Fact, ScenarioResult } from '../results-model.js';
import { startServerProcess, type StartedServer } from '../server-process.js';
import { thousands } from './common.js';

const SCENARIO = 'controller';
const WORKER = fileURLToPath(new URL('../controller-brokers.js', import.meta.url));
const CONTROLLER_CLI = fileURLToPath(new URL('../../../bin/mqcontroller.js', import.meta.url));
const BOOT_LINE = /The Controller Server boot success\. serializeType=\w+, address ([^\s:]+):(\d+)/;
/** Java's defaults: a broker heartbeats every second with a 10 s timeout; the controller waits 10 s after taking the lead. */
const HEARTBEAT_MS = 1000;
const HEARTBEAT_TIMEOUT_MS = 10_000;
const LEADER_GRACE_MS = 10_000;

type Worker = { child: ChildProcess; reports: ControllerBrokersReport[]; waiters: Array<() => void> };

export async function controllerScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const { options } = ctx;
  const setCount = options.controllerSets;
  const facts: Fact[] = [];
  const fact = (name: string, value: number | string | null, unit: string) => facts.push({ scenario: SCENARIO, name, value, unit });
  const notes: string[] = [];
  const controller: StartedServer = await startServerProcess({
    nodeArgs: options.serverNodeArgs,
    cli: CONTROLLER_CLI,
    args: ['--controllerDLegerGroup=bench', '--controllerDLegerPeers=n0-127.0.0.1:0', '--controllerDLegerSelfId=n0', ...options.controllerArgs],
    bootLine: BOOT_LINE,
  });
  const leadingSince = performance.now();
  const workers: Worker[] = [];
  try {
    fact('start-up to listening', Math.round(controller.startupMs), 'ms');
    ctx.log(`${SCENARIO}: controller pid ${controller.pid} on ${controller.host}:${controller.port}; starting ${thousands(setCount * 2)} brokers`);
    const count = Math.max(1, Math.min(options.workers, setCount));
    const startedAt = performance.now();
    for (let w = 0; w < count; w++) {
      const job: ControllerBrokersJob = {
        host: controller.host, port: controller.port, clusterName: 'BenchCluster',
        fromSet: Math.floor((setCount * w) / count), toSet: Math.floor((setCount * (w + 1)) / count),
        heartbeatMs: HEARTBEAT_MS, heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS, concurrency: 16,
      };
      workers.push(startWorker(job));
    }
    const ready = await Promise.all(workers.map((w) => next(w, 'ready')));
    const startupSeconds = (performance.now() - startedAt) / 1000;
    const started = ready.reduce((n, r) => n + r.sets, 0);
    const failed = ready.reduce((n, r) => n + r.failed, 0);
    fact('broker sets started (master + slave, sync state set of both)', `${thousands(started)} of ${thousands(setCount)}`, '');
    if (failed > 0) notes.push(`${failed} broker sets failed to start: ${ready.find((r) => r.firstError)?.firstError}`);
    fact('5.3.3 start-up sequence, all brokers', Math.round(startupSeconds * 10) / 10, 's');
    fact('… broker start-ups per second', Math.round((started * 2) / startupSeconds), 'brokers/s');

    // Heartbeats alone, once every broker beats and the start-up's work is over.
    await pause(Math.max(HEARTBEAT_MS * 2, options.warmupSeconds * 1000));
    const seconds = Math.max(options.durationSeconds * 2, 10);
    const window = new UsageWindow(controller.pid);
    window.open();
    await pause(seconds * 1000);
    const usage = window.close();
    fact(`controller CPU, ${thousands(started * 2)} brokers heartbeating every ${HEARTBEAT_MS / 1000} s (${seconds} s window)`, usage.cpuSeconds === null ? null : `${((usage.cpuSeconds / seconds) * 100).toFixed(1)} %`, 'of a core');
    fact('controller RSS max / end', usage.rssMaxMb === null ? null : `${usage.rssMaxMb} / ${usage.rssEndMb}`, 'MB');
    fact('machine busy (all processes) over the window', usage.machineBusyPct, '%');

    // Inactivity elects only after the leader's grace period.
    const graceLeft = LEADER_GRACE_MS + 1000 - (performance.now() - leadingSince);
    if (graceLeft > 0) await pause(graceLeft);
    for (const [set, how] of [[0, 'close'], [1, 'silent']] as const) {
      const owner = workerOf(workers, set, setCount);
      owner.child.send({ type: 'lose-master', set, how } satisfies ControllerBrokersCommand);
      const lost = await next(owner, 'master-lost', (r) => r.set === set);
      const notice = await next(owner, 'role-notice', (r) => r.set === set && r.masterBrokerId === 2);
      const ms = notice.at - lost.detectableAt;
      fact(
        how === 'close'
          ? 'failover: master connection closed → slave receives NOTIFY_BROKER_ROLE_CHANGED'
          : `failover: silent master's heartbeat timeout (${HEARTBEAT_TIMEOUT_MS / 1000} s) ran out → slave receives NOTIFY_BROKER_ROLE_CHANGED`,
        Math.round(ms),
        'ms',
      );
    }
    notes.push(
      `A silent master is found by the heartbeat scan, every scanNotActiveBrokerInterval (default 5 s; --controller-args to change it), so its figure includes up to one scan period after the timeout ran out.`,
    );
    for (const w of workers) w.child.send({ type: 'stop' } satisfies ControllerBrokersCommand);
    const sent = await Promise.all(workers.map((w) => next(w, 'heartbeats')));
    fact('heartbeats sent in all', thousands(sent.reduce((n, r) => n + r.sent, 0)), '');
  } finally {
    for (const w of workers) if (w.child.exitCode === null) setTimeout(() => w.child.kill(), 2000).unref();
    await controller.stop();
  }
  return {
    name: SCENARIO,
    description: `controller (bin/mqcontroller.js, file store), ${thousands(setCount)} broker sets x 2 brokers, BROKER_HEARTBEAT every ${HEARTBEAT_MS / 1000} s; then a master lost by connection close and one by silence`,
    rows: [],
    facts,
    notes,
  };
}

function workerOf(workers: Worker[], set: number, setCount: number): Worker {
  return workers[Math.min(workers.length - 1, Math.floor((set * workers.length) / setCount))]!;
}

function startWorker(job: ControllerBrokersJob): Worker {
  const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const worker: Worker = { child, reports: [], waiters: [] };
  child.on('error', () => undefined);
  child.on('message', (report: ControllerBrokersReport) => {
    worker.reports.push(report);
    for (const wake of worker.waiters.splice(0)) wake();
  });
  child.on('exit', () => {
    for (const wake of worker.waiters.splice(0)) wake();
  });
  child.send({ type: 'job', job } satisfies ControllerBrokersCommand);
  return worker;
}

/** The first report of this type (and matching `check`) the worker has sent or will send. */
async function next<T extends ControllerBrokersReport['type']>(
  worker: Worker,
  type: T,
  check: (report: ControllerBrokersReport & { type: T }) => boolean = () => true,
): Promise<ControllerBrokersReport & { type: T }> {
  for (;;) {
    const failure = worker.reports.find((r) => r.type === 'failed');
    if (failure && failure.type === 'failed') throw new Error(`controller load generator failed: ${failure.message}`);
    const found = worker.reports.find((r): r is ControllerBrokersReport & { type: T } => r.type === type && check(r as ControllerBrokersReport & { type: T }));
    if (found) return found;
    if (worker.child.exitCode !== null) throw new Error(`controller load generator exited before "${type}"`);
    await new Promise<void>((resolve) => worker.waiters.push(resolve));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
