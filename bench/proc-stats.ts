/**
 * Resource figures of a local process and of the machine, read from /proc (Linux only; elsewhere
 * every reading is null and the report says so).
 */
import fs from 'node:fs';
import os from 'node:os';

/** USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every common Linux build). */
const TICKS_PER_SECOND = 100;

export interface ProcessSample {
  at: number;
  /** User + system CPU time, seconds. */
  cpuSeconds: number;
  rssMb: number;
  /** Peak RSS over the process's life (VmHWM). */
  peakRssMb: number;
  threads: number;
}

export function sampleProcess(pid: number): ProcessSample | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      at: performance.now(),
      cpuSeconds: (utime + stime) / TICKS_PER_SECOND,
      rssMb: kbField(status, 'VmRSS') / 1024,
      peakRssMb: kbField(status, 'VmHWM') / 1024,
      threads: kbField(status, 'Threads'),
    };
  } catch {
    return null;
  }
}

/**
 * A process and every process under it (a NameServer with serving processes), summed: CPU time,
 * RSS and threads. Null when the process itself is gone.
 */
export function sampleProcessTree(pid: number, children = descendantsOf(pid)): ProcessSample | null {
  const root = sampleProcess(pid);
  if (!root) return null;
  for (const child of children) {
    const s = sampleProcess(child);
    if (!s) continue;
    root.cpuSeconds += s.cpuSeconds;
    root.rssMb += s.rssMb;
    root.peakRssMb += s.peakRssMb;
    root.threads += s.threads;
  }
  return root;
}

export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next: number[] = [];
    for (const [child, parent] of parents) if (frontier.includes(parent)) next.push(child);
    found.push(...next);
    frontier = next;
  }
  return found;
}

function kbField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

export interface MachineSample {
  busyTicks: number;
  totalTicks: number;
}

export function sampleMachine(): MachineSample | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((a, b) => a + b, 0);
    const idle = ticks[3] + (ticks[4] ?? 0);
    return { busyTicks: total - idle, totalTicks: total };
  } catch {
    return null;
  }
}

export interface ServerUsage {
  /** Server CPU over the window, in cores (1 = one core busy all the time). */
  cpuCores: number | null;
  /** CPU of the process alone, its children (serving processes) excluded, in cores. */
  ownCpuCores?: number | null;
  cpuSeconds: number | null;
  rssMaxMb: number | null;
  rssEndMb: number | null;
  /** Share of the whole machine's CPU busy over the window (all processes). */
  machineBusyPct: number | null;
}

/**
 * Samples a process's RSS every `everyMs` and its CPU time at the window's edges, summed over the
 * process and its children (serving processes). Without a pid only the machine figures are kept.
 */
export class UsageWindow {
  private first: ProcessSample | null = null;
  private ownFirst: ProcessSample | null = null;
  private last: ProcessSample | null = null;
  private rssMax = 0;
  private machineFirst: MachineSample | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The process's children when the window opened: the same set is read at both edges. */
  private children: number[] = [];

  constructor(private readonly pid: number | null, private readonly everyMs = 200) {}

  private sample(): ProcessSample | null {
    return this.pid === null ? null : sampleProcessTree(this.pid, this.children);
  }

  open(): void {
    this.machineFirst = sampleMachine();
    if (this.pid === null) return;
    this.children = descendantsOf(this.pid);
    this.ownFirst = sampleProcess(this.pid);
    this.first = this.sample();
    this.rssMax = this.first?.rssMb ?? 0;
    this.timer = setInterval(() => {
      const s = this.sample();
      if (s && s.rssMb > this.rssMax) this.rssMax = s.rssMb;
    }, this.everyMs);
    this.timer.unref();
  }

  close(): ServerUsage {
    if (this.timer) clearInterval(this.timer);
    const machineLast = sampleMachine();
    const machineBusyPct =
      this.machineFirst && machineLast && machineLast.totalTicks > this.machineFirst.totalTicks
        ? Math.round((100 * (machineLast.busyTicks - this.machineFirst.busyTicks)) / (machineLast.totalTicks - this.machineFirst.totalTicks))
        : null;
    const ownLast = this.pid === null ? null : sampleProcess(this.pid);
    this.last = this.sample();
    if (!this.first || !this.last) {
      return { cpuCores: null, cpuSeconds: null, rssMaxMb: null, rssEndMb: null, machineBusyPct };
    }
    if (this.last.rssMb > this.rssMax) this.rssMax = this.last.rssMb;
    const cpuSeconds = this.last.cpuSeconds - this.first.cpuSeconds;
    const seconds = (this.last.at - this.first.at) / 1000;
    return {
      cpuCores: seconds > 0 ? Math.round((cpuSeconds / seconds) * 100) / 100 : null,
      ownCpuCores: seconds > 0 && this.ownFirst && ownLast ? Math.round(((ownLast.cpuSeconds - this.ownFirst.cpuSeconds) / seconds) * 100) / 100 : null,
      cpuSeconds: Math.round(cpuSeconds * 100) / 100,
      rssMaxMb: Math.round(this.rssMax),
      rssEndMb: Math.round(this.last.rssMb),
      machineBusyPct,
    };
  }
}

export function machineDescription(): { cores: number; cpuModel: string; node: string; platform: string; memoryGb: number } {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
  };
}
