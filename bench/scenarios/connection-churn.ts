/** Scenario 4: short-lived clients: connect, one route lookup, close. */
import type { BenchContext } from '../context.js';
import { runPhasedLoad } from '../phased-load.js';
import { SimulatedRegistry, type RegistryLayout } from '../registry.js';
import type { ServerTarget } from '../server-process.js';
import { rowOf, type ResultRow, type ScenarioResult } from '../results-model.js';
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
  await ctx.withServer(result.name, result.facts, (target) => measureChurn(ctx, target, result, `connect, one lookup, close (${o.churnConcurrency} at a time)`));
  return result;
}

const CHURN_LAYOUT: RegistryLayout = {
  clusterName: 'BenchChurnCluster',
  brokerPrefix: 'bench-churn-',
  brokers: 2,
  topicsPerBroker: 100,
  brokersPerTopic: 2,
  topicPrefix: 'BenchChurnTopic-',
  basePort: 26000,
};

/** Registers a small registry on `target`, then measures connect, one lookup, close loops into a row of `result` named `measure`. */
export async function measureChurn(ctx: BenchContext, target: ServerTarget, result: ScenarioResult, measure: string): Promise<ResultRow> {
  const o = ctx.options;
  const registry = await SimulatedRegistry.connect(target.host, target.port, CHURN_LAYOUT, o.version);
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
        request: routeLookupRequest(ctx, CHURN_LAYOUT),
        phases: phases(ctx, 'churn'),
        maxRequests: o.requests,
        workers: o.workers,
      },
      target.pid,
    );
    const row = rowOf(result.name, measure, 'conn/s', outcome.phases.get('churn')!);
    result.rows.push(row);
    noteCpuPerConnection(result, row, measure);
    noteErrors(result, outcome);
    return row;
  } finally {
    await registry.close();
  }
}

/**
 * CPU per connection, the server's and the load generator's: on a machine where both share the
 * cores, the rate is bounded by their sum, and the server's figure is what compares servers.
 */
function noteCpuPerConnection(result: ScenarioResult, row: ResultRow, measure: string): void {
  if (!row.rate) return;
  const perConnection = (cores: number) => Math.round((cores / row.rate) * 1e7) / 10;
  const server = row.serverCpuCores == null ? null : perConnection(row.serverCpuCores);
  const loadgen = row.loadgenCores == null ? null : perConnection(row.loadgenCores);
  // The churn scenario's own figures keep their names; another scenario's carry the measure's.
  const named = (name: string) => (result.name === 'churn' ? name : `${measure}: ${name}`);
  if (server !== null) result.facts.push({ scenario: result.name, name: named('server CPU per connection'), value: server, unit: 'µs' });
  if (loadgen !== null) result.facts.push({ scenario: result.name, name: named('load generator CPU per connection'), value: loadgen, unit: 'µs' });
  if (server !== null && loadgen !== null && loadgen > server && (row.machineBusyPct ?? 0) >= 90) {
    result.notes.push(`the load generator spent more CPU per connection (${loadgen} µs) than the server (${server} µs) on a fully busy machine: it, not the server, bounds this rate; compare servers by CPU per connection`);
  }
}
