/** What a scenario reports: table rows (one per measured load) and single facts. */
import type { Histogram, LatencySummary } from './histogram.js';
import type { PhaseOutcome } from './phased-load.js';
import type { ServerUsage } from './proc-stats.js';

export interface ResultRow {
  scenario: string;
  measure: string;
  unit: 'req/s' | 'conn/s' | 'reg/s';
  rate: number;
  latency: LatencySummary;
  errors: number;
  serverCpuCores: number | null;
  serverRssMaxMb: number | null;
  loadgenCores: number | null;
  loadgenMaxElu: number | null;
  machineBusyPct: number | null;
  /** The load generator's event loop was saturated: the rate measures the client, not the server. */
  loadgenSaturated: boolean;
}

export interface Fact {
  scenario: string;
  name: string;
  value: number | string | null;
  unit: string;
}

export interface ScenarioResult {
  name: string;
  description: string;
  rows: ResultRow[];
  facts: Fact[];
  notes: string[];
}

/** Above this event-loop utilisation a load-generator process counts as saturated. */
export const SATURATED_ELU = 0.9;

export function rowOf(scenario: string, measure: string, unit: ResultRow['unit'], phase: PhaseOutcome, extraErrors = 0): ResultRow {
  const { stats, usage } = phase;
  return {
    scenario,
    measure,
    unit,
    rate: stats.requestsPerSecond,
    latency: stats.latency,
    errors: stats.errors + extraErrors,
    serverCpuCores: usage.cpuCores,
    serverRssMaxMb: usage.rssMaxMb,
    loadgenCores: stats.loadgenCores,
    loadgenMaxElu: stats.loadgenMaxElu,
    machineBusyPct: usage.machineBusyPct,
    loadgenSaturated: stats.loadgenMaxElu >= SATURATED_ELU,
  };
}

/** A row for what a scenario timed itself (its own requests, over `seconds`): no load-generator figures. */
export function histogramRow(
  scenario: string,
  measure: string,
  unit: ResultRow['unit'],
  timed: { histogram: Histogram; errors: number; seconds: number },
  usage: ServerUsage,
): ResultRow {
  return {
    scenario,
    measure,
    unit,
    rate: Math.round((timed.histogram.count / (timed.seconds || 1)) * 10) / 10,
    latency: timed.histogram.summary(),
    errors: timed.errors,
    serverCpuCores: usage.cpuCores,
    serverRssMaxMb: usage.rssMaxMb,
    loadgenCores: null,
    loadgenMaxElu: null,
    machineBusyPct: usage.machineBusyPct,
    loadgenSaturated: false,
  };
}
