/** The run's report: a Markdown table for people, a JSON file for comparing runs. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './options.js';
import { machineDescription } from './proc-stats.js';
import type { ResultRow, ScenarioResult } from './results-model.js';

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
  lines.push('| scenario | measure | rate | p50 ms | p99 ms | p99.9 ms | max ms | errors | server CPU (cores) | server RSS max (MB) | load-gen CPU (cores) / max ELU | machine busy |');
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const s of report.scenarios) for (const r of s.rows) lines.push(rowLine(r));
  const facts = report.scenarios.flatMap((s) => s.facts);
  if (facts.length) {
    lines.push('', '| scenario | fact | value |', '|---|---|--:|');
    for (const f of facts) lines.push(`| ${f.scenario} | ${f.name} | ${typeof f.value === 'number' ? fmt(f.value, f.value < 10 ? 2 : f.value < 100 ? 1 : 0) : f.value ?? dash} ${f.value == null ? '' : f.unit} |`);
  }
  const notes = report.scenarios.flatMap((s) => s.notes.map((n) => `- ${s.name}: ${n}`));
  const saturated = report.scenarios.flatMap((s) => s.rows).filter((r) => r.loadgenSaturated);
  if (saturated.length) notes.push(`- load generator saturated (event loop ≥ 90 % busy) in: ${saturated.map((r) => r.measure).join('; ')} — those rates are a floor for the server`);
  for (const f of report.failures) notes.push(`- ${f.scenario} FAILED: ${f.error.split('\n')[0]}`);
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}

function rowLine(r: ResultRow): string {
  const l = r.latency;
  const loadgen = r.loadgenCores == null ? dash : `${fmt(r.loadgenCores, 2)} / ${fmt(r.loadgenMaxElu, 2)}${r.loadgenSaturated ? ' ⚠' : ''}`;
  return `| ${r.scenario} | ${r.measure} | ${fmt(r.rate)} ${r.unit} | ${ms(l.p50Ms)} | ${ms(l.p99Ms)} | ${ms(l.p999Ms)} | ${ms(l.maxMs)} | ${fmt(r.errors)} | ${fmt(r.serverCpuCores, 2)} | ${fmt(r.serverRssMaxMb)} | ${loadgen} | ${r.machineBusyPct == null ? dash : r.machineBusyPct + ' %'} |`;
}
