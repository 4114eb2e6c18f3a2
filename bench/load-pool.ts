/**
 * Runs a load job across several forked load-generator processes and merges what they report.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Histogram, type LatencySummary } from './histogram.js';
import type { LoadJob, OrchestratorMessage, PhaseResult, WorkerMessage, WorkerResult } from './load-job.js';

const WORKER_PATH = fileURLToPath(new URL('./load-worker.js', import.meta.url));

export interface LoadSpec extends Omit<LoadJob, 'startAt' | 'seed' | 'connections' | 'maxRequests' | 'ratePerSecond'> {
  /** Paced requests a second in all, split across workers (0: closed loop). */
  ratePerSecond?: number;
  /** Connections (or churn loops) in all, split across workers. */
  connections: number;
  /** Requests in all per recording phase (0: duration only), split across workers. */
  maxRequests: number;
  workers: number;
}

export interface PhaseStats {
  name: string;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latency: LatencySummary;
  errors: number;
  mbPerSecondIn: number;
  /** Load-generator CPU, in cores, summed over its processes. */
  loadgenCores: number;
  /** The busiest load-generator process's event-loop utilisation (1 = saturated). */
  loadgenMaxElu: number;
}

export interface LoadOutcome {
  phases: PhaseStats[];
  unanswered: number;
  connectFailures: number;
  errorCodes: Record<string, number>;
  firstError: string | null;
}

/** A started load: the workers are connected and wait for `start()`. */
export class LoadRun {
  private constructor(
    private readonly children: ChildProcess[],
    private readonly done: Promise<WorkerResult[]>,
    readonly connectFailures: number,
    readonly firstConnectError: string | null,
  ) {}

  static async prepare(spec: LoadSpec): Promise<LoadRun> {
    const workers = Math.max(1, Math.min(spec.workers, spec.connections));
    const children: ChildProcess[] = [];
    const connected: Promise<WorkerMessage & { type: 'connected' }>[] = [];
    const results: Promise<WorkerResult>[] = [];
    for (let w = 0; w < workers; w++) {
      const child = fork(WORKER_PATH, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
      children.push(child);
      child.on('error', () => undefined);
      const job: LoadJob = {
        ...spec,
        connections: share(spec.connections, workers, w),
        maxRequests: spec.maxRequests > 0 ? Math.max(1, share(spec.maxRequests, workers, w)) : 0,
        ratePerSecond: spec.ratePerSecond ? Math.max(1, share(spec.ratePerSecond, workers, w)) : 0,
        startAt: 0,
        seed: 0x1234567 + w * 7919,
      };
      connected.push(waitFor(child, 'connected'));
      results.push(waitFor(child, 'done').then((m) => m.result));
      child.send({ type: 'job', job } satisfies OrchestratorMessage);
    }
    const hello = await Promise.all(connected);
    const failures = hello.reduce((n, m) => n + m.failed, 0);
    const firstError = hello.find((m) => m.firstError)?.firstError ?? null;
    return new LoadRun(children, Promise.all(results), failures, firstError);
  }

  /** Starts every worker at the same wall-clock moment; returns that moment. */
  start(delayMs = 100): number {
    const startAt = Date.now() + delayMs;
    for (const c of this.children) c.send({ type: 'start', startAt } satisfies OrchestratorMessage);
    return startAt;
  }

  async finish(): Promise<LoadOutcome> {
    try {
      return merge(await this.done, this.connectFailures, this.firstConnectError);
    } finally {
      // Workers leave by themselves once they have reported; any still there after a moment are ended.
      for (const c of this.children) setTimeout(() => c.exitCode === null && c.signalCode === null && c.kill(), 2000).unref();
    }
  }

  abort(): void {
    for (const c of this.children) if (c.exitCode === null) c.kill();
  }
}

function share(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

function waitFor<T extends WorkerMessage['type']>(child: ChildProcess, type: T): Promise<WorkerMessage & { type: T }> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: WorkerMessage) => {
      if (m.type === type) {
        child.off('message', onMessage);
        resolve(m as WorkerMessage & { type: T });
      } else if (m.type === 'failed') {
        reject(new Error(`load generator failed: ${m.message}`));
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`load generator exited (code ${code}) before "${type}"`)));
  });
}

function merge(results: WorkerResult[], connectFailures: number, firstConnectError: string | null): LoadOutcome {
  const names = results[0]?.phases.map((p) => p.name) ?? [];
  const phases = names.map((name, i) => mergePhase(name, results.map((r) => r.phases[i]).filter((p): p is PhaseResult => !!p)));
  const errorCodes: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.errorCodes)) errorCodes[code] = (errorCodes[code] ?? 0) + n;
  return {
    phases,
    unanswered: results.reduce((n, r) => n + r.unanswered, 0),
    connectFailures,
    errorCodes,
    firstError: firstConnectError ?? results.find((r) => r.firstError)?.firstError ?? null,
  };
}

function mergePhase(name: string, parts: PhaseResult[]): PhaseStats {
  const histogram = Histogram.merge(parts.map((p) => p.histogram));
  const seconds = Math.max(...parts.map((p) => p.elapsedMs)) / 1000;
  const cpuMs = parts.reduce((n, p) => n + p.cpuMs, 0);
  return {
    name,
    seconds: round(seconds, 2),
    requests: histogram.count,
    requestsPerSecond: Math.round(histogram.count / seconds),
    latency: histogram.summary(),
    errors: parts.reduce((n, p) => n + p.errorResponses + p.ioErrors, 0),
    mbPerSecondIn: round(parts.reduce((n, p) => n + p.bytesIn, 0) / seconds / 1e6, 1),
    loadgenCores: round(cpuMs / 1000 / seconds, 2),
    loadgenMaxElu: round(Math.max(...parts.map((p) => p.elu)), 2),
  };
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
