/**
 * Runs a load across its phases and takes the server's resource figures over each recording
 * phase; lets a scenario act at phase boundaries (start registrations when the "storm" phase begins).
 */
import { LoadRun, type LoadSpec, type PhaseStats } from './load-pool.js';
import { UsageWindow, type ServerUsage } from './proc-stats.js';

export interface PhaseOutcome {
  stats: PhaseStats;
  usage: ServerUsage;
}

export interface PhasedOutcome {
  phases: Map<string, PhaseOutcome>;
  unanswered: number;
  connectFailures: number;
  errorCodes: Record<string, number>;
  firstError: string | null;
}

export interface PhaseHooks {
  /** Called when a phase begins; what it returns is awaited when that phase ends. */
  onPhaseStart?(name: string): (() => Promise<void>) | void;
}

export async function runPhasedLoad(spec: LoadSpec, serverPid: number | null, hooks: PhaseHooks = {}): Promise<PhasedOutcome> {
  const run = await LoadRun.prepare(spec);
  if (run.connectFailures > 0 && run.connectFailures === spec.connections && spec.mode === 'pipelined') {
    run.abort();
    throw new Error(`no load connection could be opened: ${run.firstConnectError}`);
  }
  const startAt = run.start();
  const usages = new Map<string, ServerUsage>();
  const pendingEnds: Promise<void>[] = [];
  let offset = 0;
  const timers: NodeJS.Timeout[] = [];
  for (const phase of spec.phases) {
    const beginAt = startAt + offset;
    const endAt = beginAt + phase.ms;
    offset += phase.ms;
    const window = new UsageWindow(serverPid);
    let ender: (() => Promise<void>) | void;
    timers.push(
      setTimeout(() => {
        window.open();
        ender = hooks.onPhaseStart?.(phase.name);
      }, Math.max(0, beginAt - Date.now())),
    );
    pendingEnds.push(
      new Promise<void>((resolve) => {
        timers.push(
          setTimeout(async () => {
            usages.set(phase.name, window.close());
            if (ender) await ender().catch(() => undefined);
            resolve();
          }, Math.max(0, endAt - Date.now())),
        );
      }),
    );
  }
  try {
    const [outcome] = await Promise.all([run.finish(), ...pendingEnds]);
    const phases = new Map<string, PhaseOutcome>();
    for (const stats of outcome.phases) phases.set(stats.name, { stats, usage: usages.get(stats.name)! });
    return { phases, unanswered: outcome.unanswered, connectFailures: outcome.connectFailures, errorCodes: outcome.errorCodes, firstError: outcome.firstError };
  } catch (err) {
    for (const t of timers) clearTimeout(t);
    run.abort();
    throw err;
  }
}
