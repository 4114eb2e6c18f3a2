/** Scenario 1: GET_ROUTEINFO_BY_TOPIC for random topics over a registry of B brokers x T topics. */
import type { BenchContext } from '../context.js';
import { runPhasedLoad } from '../phased-load.js';
import { SimulatedRegistry, type RegistryLayout } from '../registry.js';
import { rowOf, type ResultRow, type ScenarioResult } from '../results-model.js';
import type { ServerTarget } from '../server-process.js';
import type { ServerUsage } from '../proc-stats.js';
import { loadShape, phases, pipelinedLoad, routeLookupRequest, thousands } from './common.js';

export async function routeLookupScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const { routeBrokers, routeTopics } = ctx.options;
  const result: ScenarioResult = {
    name: 'route',
    description: `GET_ROUTEINFO_BY_TOPIC, random topics, ${routeBrokers} brokers x ${thousands(routeTopics)} topics (every broker has every topic), ${loadShape(ctx)} (connections x in flight, or paced)`,
    rows: [],
    facts: [],
    notes: [],
  };
  await ctx.withServer(result.name, result.facts, async (target) => {
    const [{ row }] = await measureRouteLookups(ctx, target, result, `route lookup ${routeBrokers}x${thousands(routeTopics)}, ${loadShape(ctx)}`);
    result.rows.push(row);
  });
  return result;
}

/** The route scenario's registry. */
export function routeLayout(ctx: BenchContext): RegistryLayout {
  return {
    clusterName: 'BenchRouteCluster',
    brokerPrefix: 'bench-route-',
    brokers: ctx.options.routeBrokers,
    topicsPerBroker: ctx.options.routeTopics,
    brokersPerTopic: ctx.options.routeBrokers,
    topicPrefix: 'BenchRouteTopic-',
    basePort: 20000,
  };
}

/**
 * Registers the route registry on `target`, then loads it with lookups, one phase and row per
 * entry of `extraFields` (header fields added to every lookup).
 */
export async function measureRouteLookups(
  ctx: BenchContext,
  target: ServerTarget,
  result: ScenarioResult,
  measure: string,
  extraFields: Record<string, string>[] = [{}],
): Promise<Array<{ row: ResultRow; usage: ServerUsage }>> {
  const layout = routeLayout(ctx);
  const registry = await SimulatedRegistry.connect(target.host, target.port, layout, ctx.options.version);
  try {
    const loaded = await registry.registerAll(4, false);
    ctx.log(`${result.name}: registered ${layout.brokers} brokers in ${Math.round(loaded.ms)} ms`);
    registry.startKeepAlive();
    const measured = [];
    for (const fields of extraFields) {
      const request = routeLookupRequest(ctx, layout);
      request.extFields = { ...request.extFields, ...fields };
      const outcome = await runPhasedLoad(pipelinedLoad(ctx, target, request, phases(ctx, 'lookups')), target.pid);
      noteErrors(result, outcome);
      const phase = outcome.phases.get('lookups')!;
      const label = Object.keys(fields).length ? `${measure} (${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(', ')})` : measure;
      measured.push({ row: rowOf(result.name, label, 'req/s', phase, outcome.unanswered), usage: phase.usage });
    }
    return measured;
  } finally {
    await registry.close();
  }
}

export function noteErrors(result: ScenarioResult, outcome: { errorCodes: Record<string, number>; firstError: string | null; unanswered: number; connectFailures: number }): void {
  const codes = Object.entries(outcome.errorCodes);
  if (codes.length) result.notes.push(`response codes other than SUCCESS: ${codes.map(([c, n]) => `${c} x${n}`).join(', ')}`);
  if (outcome.unanswered) result.notes.push(`${outcome.unanswered} requests unanswered at the end`);
  if (outcome.connectFailures) result.notes.push(`${outcome.connectFailures} load connections failed to open`);
  if (outcome.firstError) result.notes.push(`first I/O error: ${outcome.firstError}`);
}
