/** The run's report: a Markdown table for people, a JSON file for comparing runs. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './options.js';
import { machineDescription } from './proc-stats.js';
import type { Fact, ResultRow, ScenarioResult } from './results-model.js';

export interface BenchReport {
  format: 'namesrv-bench/1';
  label: string;
  target: string;
  startedAt: string;
  wallSeconds: number;
  machine: ReturnType<typeof machineDescription>;
  options: Omit<BenchOptions, 'help'>;
  scenarios: ScenarioResult[];
  failures: { scenario: string; error: string }[];
  /** The second server of a side-by-side run (`--java`, `--compare-with`): the same scenarios, run on it after ours. */
  peer?: PeerReport;
}

export interface PeerReport {
  label: string;
  target: string;
  scenarios: ScenarioResult[];
  failures: { scenario: string; error: string }[];
  /** Measured outside the scenarios: its start-up, idle RSS, warm-up, restarts. */
  facts: Fact[];
}

const RESULTS_DIR = fileURLToPath(new URL('../../bench/results/', import.meta.url));

export function writeJson(report: BenchReport, out: string | null): string {
  const file = out ?? path.join(RESULTS_DIR, `${report.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  return file;
}

const dash = '–';
const fmt = (n: number | null | undefined, digits = 0): string => (n == null ? dash : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ms = (n: number): string => (n >= 100 ? fmt(n, 0) : n >= 10 ? fmt(n, 1) : fmt(n, 2));

export function markdown(report: BenchReport): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`## ${report.label}`, '');
  lines.push(`Target: ${report.target}. Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, ${m.platform}; load generator on Node ${m.node}, ${report.options.workers} process(es). Run: ${report.startedAt}, ${fmt(report.wallSeconds, 0)} s.`, '');
  lines.push(...section(report.scenarios, report.failures, []));
  const peer = report.peer;
  if (peer) {
    lines.push('', `## ${peer.label}`, '', `Target: ${peer.target}; each scenario run right after this project's.`, '');
    lines.push(...section(peer.scenarios, peer.failures, peer.facts));
    lines.push('', ...sideBySide(report.label, report.scenarios, peer));
  }
  return lines.join('\n') + '\n';
}

function section(scenarios: ScenarioResult[], failures: BenchReport['failures'], extraFacts: Fact[]): string[] {
  const lines: string[] = [];
  lines.push('| scenario | measure | rate | p50 ms | p99 ms | p99.9 ms | max ms | errors | server CPU (cores) | server RSS max (MB) | load-gen CPU (cores) / max ELU | machine busy |');
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const s of scenarios) for (const r of s.rows) lines.push(rowLine(r));
  const facts = [...extraFacts, ...scenarios.flatMap((s) => s.facts)];
  if (facts.length) {
    lines.push('', '| scenario | fact | value |', '|---|---|--:|');
    for (const f of facts) lines.push(`| ${f.scenario} | ${f.name} | ${factValue(f)} |`);
  }
  const notes = scenarios.flatMap((s) => s.notes.map((n) => `- ${s.name}: ${n}`));
  const saturated = scenarios.flatMap((s) => s.rows).filter((r) => r.loadgenSaturated);
  if (saturated.length) notes.push(`- load generator saturated (event loop ≥ 90 % busy) in: ${saturated.map((r) => r.measure).join('; ')} — those rates are a floor for the server`);
  for (const f of failures) notes.push(`- ${f.scenario} FAILED: ${f.error.split('\n')[0]}`);
  if (notes.length) lines.push('', ...notes);
  return lines;
}

function factValue(f: Fact): string {
  return `${typeof f.value === 'number' ? fmt(f.value, f.value < 10 ? 2 : f.value < 100 ? 1 : 0) : f.value ?? dash} ${f.value == null ? '' : f.unit}`.trim();
}

/** Requests (or connections) per second per core of server CPU. */
export function perCoreRate(r: ResultRow): number | null {
  return r.serverCpuCores ? r.rate / r.serverCpuCores : null;
}

const ratio = (a: number | null | undefined, b: number | null | undefined): number | null => (a != null && b ? a / b : null);
const times = (n: number | null): string => (n == null ? dash : `${fmt(n, n < 10 ? 2 : 1)}×`);

/** A row's or fact's name without the sizes of answers in it (" (16 KB)"), which differ between servers. */
function sameMeasure(scenario: string, name: string): string {
  return `${scenario}\u0000${name.replace(/ \([\d.,]+ [KM]B\)/g, '')}`;
}

/** Each of our rows beside the other server's row of the same scenario and measure, with the ratios the goals are stated in. */
function sideBySide(ours: string, scenarios: ScenarioResult[], peer: PeerReport): string[] {
  const theirs = new Map(peer.scenarios.flatMap((s) => s.rows).map((r) => [sameMeasure(r.scenario, r.measure), r]));
  const lines = [
    `## Side by side: ${ours} / ${peer.label}`,
    '',
    'Rate ×, p99 and RSS ratios are ours over theirs (goals: rate ≥ 3.5×, p99 ≤ 0.33, RSS ≤ 0.3, per-core rate ≥ 4×, churn ≥ 2×).',
    '',
    '| scenario | measure | rate ours / theirs | rate × | p99 ms ours / theirs | p99 ratio | RSS MB ours / theirs | RSS ratio | per server core ours / theirs | per-core × |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of scenarios.flatMap((s) => s.rows)) {
    const t = theirs.get(sameMeasure(r.scenario, r.measure));
    const pair = (a: number | null | undefined, b: number | null | undefined, f: (n: number) => string) => `${a == null ? dash : f(a)} / ${b == null ? dash : f(b)}`;
    lines.push(
      `| ${r.scenario} | ${r.measure} | ${pair(r.rate, t?.rate, (n) => fmt(n))} ${r.unit} | ${times(ratio(r.rate, t?.rate))} | ${pair(r.latency.p99Ms, t?.latency.p99Ms, ms)} | ${times(ratio(r.latency.p99Ms, t?.latency.p99Ms))} | ${pair(r.serverRssMaxMb, t?.serverRssMaxMb, (n) => fmt(n))} | ${times(ratio(r.serverRssMaxMb, t?.serverRssMaxMb))} | ${pair(perCoreRate(r), t && perCoreRate(t), (n) => fmt(n))} | ${times(ratio(perCoreRate(r), t && perCoreRate(t)))} |`,
    );
  }
  const theirFacts = new Map([...peer.facts, ...peer.scenarios.flatMap((s) => s.facts)].map((f) => [`${f.scenario}\u0000${f.name}`, f]));
  const facts = scenarios.flatMap((s) => s.facts);
  if (facts.length) {
    lines.push('', '| scenario | fact | ours | theirs |', '|---|---|--:|--:|');
    for (const f of facts) {
      // Start-up figures of a server kept for the whole run are recorded once, under "start".
      const t = theirFacts.get(`${f.scenario}\u0000${f.name}`) ?? theirFacts.get(`start\u0000${f.name}`);
      lines.push(`| ${f.scenario} | ${f.name} | ${factValue(f)} | ${t ? factValue(t) : dash} |`);
    }
  }
  return lines;
}

function rowLine(r: ResultRow): string {
  const l = r.latency;
  const loadgen = r.loadgenCores == null ? dash : `${fmt(r.loadgenCores, 2)} / ${fmt(r.loadgenMaxElu, 2)}${r.loadgenSaturated ? ' ⚠' : ''}`;
  return `| ${r.scenario} | ${r.measure} | ${fmt(r.rate)} ${r.unit} | ${ms(l.p50Ms)} | ${ms(l.p99Ms)} | ${ms(l.p999Ms)} | ${ms(l.maxMs)} | ${fmt(r.errors)} | ${fmt(r.serverCpuCores, 2)} | ${fmt(r.serverRssMaxMb)} | ${loadgen} | ${r.machineBusyPct == null ? dash : r.machineBusyPct + ' %'} |`;
}
