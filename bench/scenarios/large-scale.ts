/** Scenario 5 (opt-in): a large registry (default 300 brokers x 10,000 topics), then route lookups. */
import type { BenchContext } from '../context.js';
import { runPhasedLoad } from '../phased-load.js';
import { descendantsOf, sampleProcess } from '../proc-stats.js';
import { SimulatedRegistry, topicPoolSize, type RegistryLayout } from '../registry.js';
import { rowOf, type ScenarioResult } from '../results-model.js';
import { loadShape, phases, pipelinedLoad, routeLookupRequest, thousands } from './common.js';
import { noteErrors } from './route-lookup.js';

export async function largeScaleScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const o = ctx.options;
  const layout: RegistryLayout = {
    clusterName: 'BenchScaleCluster',
    brokerPrefix: 'bench-scale-',
    brokers: o.scaleBrokers,
    topicsPerBroker: o.scaleTopics,
    brokersPerTopic: o.scaleBrokersPerTopic,
    topicPrefix: 'BenchScaleTopic-',
    basePort: 30000,
  };
  const result: ScenarioResult = {
    name: 'scale',
    description: `${o.scaleBrokers} brokers x ${thousands(o.scaleTopics)} topics (${thousands(topicPoolSize(layout))} distinct, each on ${Math.min(o.scaleBrokersPerTopic, o.scaleBrokers)} brokers), then route lookups ${loadShape(ctx)}`,
    rows: [],
    facts: [],
    notes: [],
  };
  await ctx.withServer(result.name, result.facts, async (target) => {
    const registry = await SimulatedRegistry.connect(target.host, target.port, layout, o.version);
    try {
      const loaded = await registry.registerAll(2, false);
      ctx.log(`scale: registered ${o.scaleBrokers} brokers (${Math.round(loaded.bytes / 1e6)} MB of bodies) in ${Math.round(loaded.ms)} ms`);
      result.facts.push({ scenario: result.name, name: `registering all ${o.scaleBrokers} brokers (${Math.round(loaded.bytes / 1e6)} MB)`, value: Math.round(loaded.ms), unit: 'ms' });
      if (target.pid !== null) result.facts.push({ scenario: result.name, name: 'RSS with the registry loaded', value: Math.round(sampleProcess(target.pid)?.rssMb ?? 0), unit: 'MB' });
      registry.startKeepAlive();
      const outcome = await runPhasedLoad(pipelinedLoad(ctx, target, routeLookupRequest(ctx, layout), phases(ctx, 'lookups')), target.pid);
      result.rows.push(rowOf(result.name, `route lookup ${o.scaleBrokers}x${thousands(o.scaleTopics)}, ${loadShape(ctx)}`, 'req/s', outcome.phases.get('lookups')!, outcome.unanswered));
      // With serving processes: each one's RSS once it has served the registry (its copies and topics' shapes).
      const serving = target.pid === null ? [] : descendantsOf(target.pid);
      for (const [i, pid] of serving.entries()) {
        result.facts.push({ scenario: result.name, name: `RSS of serving process ${i + 1} after the lookups`, value: Math.round(sampleProcess(pid)?.rssMb ?? 0), unit: 'MB' });
      }
      noteErrors(result, outcome);
    } finally {
      await registry.close();
    }
  });
  return result;
}
