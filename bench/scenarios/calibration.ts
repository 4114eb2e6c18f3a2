/**
 * Opt-in: the route-lookup load against a trivial server answering fixed bytes, to show what the
 * load generator and this machine reach at most (compare the route scenario against it).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../context.js';
import { runPhasedLoad } from '../phased-load.js';
import { rowOf, type ScenarioResult } from '../results-model.js';
import type { ServerTarget } from '../server-process.js';
import { phases, pipelinedLoad, routeLookupRequest } from './common.js';

const TRIVIAL_SERVER = fileURLToPath(new URL('../trivial-server.js', import.meta.url));
const ROUTE_BODY_BYTES = 1800;

export async function calibrationScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const o = ctx.options;
  const result: ScenarioResult = {
    name: 'calibrate',
    description: `the route-lookup load (${o.connections}x${o.inFlight}) against a trivial Node server answering a fixed ${ROUTE_BODY_BYTES}-byte body`,
    rows: [],
    facts: [],
    notes: [],
  };
  const child = fork(TRIVIAL_SERVER, [String(ROUTE_BODY_BYTES)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`trivial server exited (code ${code})`)));
    });
    const target: ServerTarget = { host: '127.0.0.1', port, pid: child.pid ?? null, label: 'trivial server' };
    const layout = { clusterName: '', brokerPrefix: '', brokers: 1, topicsPerBroker: 1000, brokersPerTopic: 1, topicPrefix: 'AnyTopic-', basePort: 0 };
    const outcome = await runPhasedLoad(pipelinedLoad(ctx, target, routeLookupRequest(ctx, layout), phases(ctx, 'lookups')), target.pid);
    result.rows.push(rowOf(result.name, `trivial server, fixed ${ROUTE_BODY_BYTES} B answers, ${o.connections}x${o.inFlight}`, 'req/s', outcome.phases.get('lookups')!, outcome.unanswered));
  } finally {
    child.kill();
  }
  return result;
}
