/** Scenario 4: short-lived clients: connect, one route lookup, close. */
import type { BenchContext } from '../context.js';
import { runPhasedLoad } from '../phased-load.js';
import { SimulatedRegistry, type RegistryLayout } from '../registry.js';
import { rowOf, type ScenarioResult } from '../results-model.js';
import { phases, routeLookupRequest } from './common.js';
import { noteErrors } from './route-lookup.js';

export async function connectionChurnScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const o = ctx.options;
  const result: ScenarioResult = {
    name: 'churn',
    description: `${o.churnConcurrency} concurrent clients, each: connect, one GET_ROUTEINFO_BY_TOPIC, close (latency = connect to answer)`,
    rows: [],
    facts: [],
    notes: [],
  };
  const layout: RegistryLayout = {
    clusterName: 'BenchChurnCluster',
    brokerPrefix: 'bench-churn-',
    brokers: 2,
    topicsPerBroker: 100,
    brokersPerTopic: 2,
    topicPrefix: 'BenchChurnTopic-',
    basePort: 26000,
  };
  await ctx.withServer(result.name, result.facts, async (target) => {
    const registry = await SimulatedRegistry.connect(target.host, target.port, layout, o.version);
    try {
      await registry.registerAll(2, false);
      registry.startKeepAlive();
      const outcome = await runPhasedLoad(
        {
          host: target.host,
          port: target.port,
          mode: 'churn',
          connections: o.churnConcurrency,
          inFlight: 1,
          request: routeLookupRequest(ctx, layout),
          phases: phases(ctx, 'churn'),
          maxRequests: o.requests,
          workers: o.workers,
        },
        target.pid,
      );
      result.rows.push(rowOf(result.name, `connect, one lookup, close (${o.churnConcurrency} at a time)`, 'conn/s', outcome.phases.get('churn')!));
      noteErrors(result, outcome);
    } finally {
      await registry.close();
    }
  });
  return result;
}
