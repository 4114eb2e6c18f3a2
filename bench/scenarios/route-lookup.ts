/** Scenario 1: GET_ROUTEINFO_BY_TOPIC for random topics over a registry of B brokers x T topics. */
import type { BenchContext } from '../context.js';
import { runPhasedLoad } from '../phased-load.js';
import { SimulatedRegistry, type RegistryLayout } from '../registry.js';
import { rowOf, type ScenarioResult } from '../results-model.js';
import { phases, pipelinedLoad, routeLookupRequest, thousands } from './common.js';

export async function routeLookupScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const { routeBrokers, routeTopics, connections, inFlight } = ctx.options;
  const result: ScenarioResult = {
    name: 'route',
    description: `GET_ROUTEINFO_BY_TOPIC, random topics, ${routeBrokers} brokers x ${thousands(routeTopics)} topics (every broker has every topic), ${connections} connections x ${inFlight} in flight`,
    rows: [],
    facts: [],
    notes: [],
  };
  const layout: RegistryLayout = {
    clusterName: 'BenchRouteCluster',
    brokerPrefix: 'bench-route-',
    brokers: routeBrokers,
    topicsPerBroker: routeTopics,
    brokersPerTopic: routeBrokers,
    topicPrefix: 'BenchRouteTopic-',
    basePort: 20000,
  };
  await ctx.withServer(result.name, result.facts, async (target) => {
    const registry = await SimulatedRegistry.connect(target.host, target.port, layout, ctx.options.version);
    try {
      const loaded = await registry.registerAll(4, false);
      ctx.log(`route: registered ${routeBrokers} brokers in ${Math.round(loaded.ms)} ms`);
      registry.startKeepAlive();
      const outcome = await runPhasedLoad(pipelinedLoad(ctx, target, routeLookupRequest(ctx, layout), phases(ctx, 'lookups')), target.pid);
      const row = rowOf(result.name, `route lookup ${routeBrokers}x${thousands(routeTopics)}, ${connections}x${inFlight}`, 'req/s', outcome.phases.get('lookups')!, outcome.unanswered);
      result.rows.push(row);
      noteErrors(result, outcome);
    } finally {
      await registry.close();
    }
  });
  return result;
}

export function noteErrors(result: ScenarioResult, outcome: { errorCodes: Record<string, number>; firstError: string | null; unanswered: number; connectFailures: number }): void {
  const codes = Object.entries(outcome.errorCodes);
  if (codes.length) result.notes.push(`response codes other than SUCCESS: ${codes.map(([c, n]) => `${c} x${n}`).join(', ')}`);
  if (outcome.unanswered) result.notes.push(`${outcome.unanswered} requests unanswered at the end`);
  if (outcome.connectFailures) result.notes.push(`${outcome.connectFailures} load connections failed to open`);
  if (outcome.firstError) result.notes.push(`first I/O error: ${outcome.firstError}`);
}
