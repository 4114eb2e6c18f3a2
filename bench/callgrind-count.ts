/**
 * Counting what a server process executes under valgrind's callgrind, for the instruction-count
 * tools (lookup-instructions.ts, heartbeat-instructions.ts): the server runs with counting off;
 * counting is on for the measured work only, then for 10 s of idleness, whose rate (timers:
 * valgrind runs ~50x slower, so time-driven work weighs ~50x more than natively) is subtracted
 * over the measured window's duration. Threads are counted apart: the main thread (the event
 * loop) and all of them (with V8's concurrent marking and compiling).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const IDLE_MS = 10_000;

export interface PerUnit {
  /** Instructions per unit of work on the main thread, the idle rate subtracted. */
  main: number;
  /** The same over all threads. */
  all: number;
  measuredSeconds: number;
  idleMainThreadPerSecond: number;
}

export class CallgrindCount {
  private readonly outFile: string;

  /** `keepIn`: a directory where callgrind's files stay (for callgrind_annotate); else a temp one, removed by `dispose`. */
  constructor(private readonly keepIn?: string) {
    this.outDir = keepIn ?? fs.mkdtempSync(path.join(os.tmpdir(), 'callgrind-'));
    fs.mkdirSync(this.outDir, { recursive: true });
    this.outFile = path.join(this.outDir, 'callgrind.out');
  }

  readonly outDir: string;

  /** The program to start the server under (startServerProcess's `wrapper`). */
  get wrapper(): string[] {
    return ['valgrind', '--tool=callgrind', '--separate-threads=yes', '--instr-atstart=no', `--callgrind-out-file=${this.outFile}`];
  }

  /** Counts what `pid` executes during `work`, per one of its `units`. */
  async measure(pid: number, units: number, work: () => Promise<void>): Promise<PerUnit> {
    const control = (...args: string[]) => execFileSync('callgrind_control', [...args, String(pid)], { stdio: 'ignore' });
    control('-i', 'on');
    let started = performance.now();
    await work();
    const busyMs = performance.now() - started;
    control('-i', 'off');
    control('-d');
    control('-z');
    control('-i', 'on');
    started = performance.now();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const idleMs = performance.now() - started;
    control('-i', 'off');
    control('-d');
    const busy = this.totalOf(1);
    const idle = this.totalOf(2);
    const perUnit = (thread: 'main' | 'all') => Math.round((busy[thread] - (idle[thread] * busyMs) / idleMs) / units);
    return {
      main: perUnit('main'),
      all: perUnit('all'),
      measuredSeconds: Math.round(busyMs / 100) / 10,
      idleMainThreadPerSecond: Math.round((idle.main / idleMs) * 1000),
    };
  }

  dispose(): void {
    if (!this.keepIn) fs.rmSync(this.outDir, { recursive: true, force: true });
  }

  /** Instructions of a dump, on the main thread (file suffix -01) and on all threads. */
  private totalOf(part: number): { main: number; all: number } {
    let main = 0;
    let all = 0;
    for (const file of fs.readdirSync(this.outDir).filter((f) => f.startsWith(`callgrind.out.${part}-`))) {
      const count = Number(/^totals: (\d+)/m.exec(fs.readFileSync(path.join(this.outDir, file), 'utf8'))?.[1] ?? 0);
      all += count;
      if (file.endsWith('-01')) main = count;
    }
    return { main, all };
  }
}
