/**
 * Route lookups against 1 and then 2 serving processes (`servingProcesses`), in one run: rate,
 * server CPU summed over all its processes, and lookups per server core. A second load sends a
 * zone header: serving processes answer it from per-zone copies, so with two processes the
 * primary's CPU per lookup shows what, if anything, still reaches it. Then connection churn, as the
 * churn scenario's, against the same server: serving processes accept connections themselves.
 */
import type { BenchContext } from '../context.js';
import type { ScenarioResult } from '../results-model.js';
import { loadShape, thousands } from './common.js';
import { measureChurn } from './connection-churn.js';
import { measureRouteLookups } from './route-lookup.js';

const PROCESS_COUNTS = [1, 2] as const;
/** Zone routing (these brokers have no zone: the answer lists none, but the lookup takes the zone path). */
const ZONED = { zoneMode: 'true', zoneName: 'bench-zone' };

export async function servingProcessesScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const { routeBrokers, routeTopics } = ctx.options;
  const result: ScenarioResult = {
    name: 'cores',
    description: `GET_ROUTEINFO_BY_TOPIC as the route scenario (${routeBrokers} brokers x ${thousands(routeTopics)} topics, ${loadShape(ctx)}), then connection churn as the churn scenario, served by ${PROCESS_COUNTS.join(' and then ')} processes; server CPU is summed over the primary and its serving processes`,
    rows: [],
    facts: [],
    notes: [],
  };
  if (ctx.options.against) {
    result.notes.push('skipped: --against benches a server this bench does not start');
    return result;
  }
  const perCore: number[] = [];
  for (const processes of PROCESS_COUNTS) {
    await ctx.withServer(
      result.name,
      result.facts,
      async (target) => {
        const [plain, zoned] = await measureRouteLookups(ctx, target, result, `route lookup, servingProcesses=${processes}`, [{}, ZONED]);
        for (const { row, usage } of [plain!, zoned!]) {
          result.rows.push(row);
          if (!row.serverCpuCores || !row.rate) continue;
          const name = row.measure;
          result.facts.push({ scenario: result.name, name: `${name}: lookups per server core`, value: Math.round(row.rate / row.serverCpuCores), unit: 'req/s per core' });
          if (processes > 1 && usage.ownCpuCores != null) {
            result.facts.push({ scenario: result.name, name: `${name}: primary process CPU`, value: usage.ownCpuCores, unit: 'cores' });
            result.facts.push({ scenario: result.name, name: `${name}: primary CPU per lookup`, value: Math.round((usage.ownCpuCores / row.rate) * 1e7) / 10, unit: 'µs' });
          }
        }
        if (plain!.row.serverCpuCores) perCore.push(plain!.row.rate / plain!.row.serverCpuCores);
        await measureChurn(ctx, target, result, `churn (${ctx.options.churnConcurrency} at a time), servingProcesses=${processes}`);
      },
      [`--servingProcesses=${processes}`],
    );
  }
  const [one, two] = result.rows.filter((r) => r.measure.startsWith('route lookup') && !r.measure.includes('zoneMode'));
  if (one && two && perCore.length === 2) {
    result.facts.push({ scenario: result.name, name: 'per-core efficiency, 2 processes vs 1', value: Math.round((perCore[1]! / perCore[0]!) * 100), unit: '%' });
    result.facts.push({ scenario: result.name, name: 'rate, 2 processes vs 1', value: Math.round((two.rate / one.rate) * 100), unit: '%' });
  }
  result.notes.push('the load generator runs on the same machine and competes with the server for its cores (see machine busy %)');
  return result;
}
