import { RequestCode } from '../../src/protocol/request-code.js';
import type { BenchContext } from '../context.js';
import type { LoadSpec } from '../load-pool.js';
import type { PhaseSpec } from '../load-job.js';
import type { ServerTarget } from '../server-process.js';
import { topicPoolSize, type RegistryLayout } from '../registry.js';
import type { RequestTemplate } from '../wire.js';

export function routeLookupRequest(ctx: BenchContext, layout: RegistryLayout): RequestTemplate {
  return {
    code: RequestCode.GET_ROUTEINFO_BY_TOPIC,
    extFields: {},
    topicPool: { field: 'topic', prefix: layout.topicPrefix, count: topicPoolSize(layout) },
    version: ctx.options.version,
  };
}

export function fixedRequest(ctx: BenchContext, code: number): RequestTemplate {
  return { code, extFields: {}, version: ctx.options.version };
}

/** Warm-up (unrecorded) then the named measured phases, each of the configured duration. */
export function phases(ctx: BenchContext, ...measured: string[]): PhaseSpec[] {
  const { warmupSeconds, durationSeconds } = ctx.options;
  const list: PhaseSpec[] = [];
  if (warmupSeconds > 0) list.push({ name: 'warmup', ms: warmupSeconds * 1000, record: false });
  for (const name of measured) list.push({ name, ms: durationSeconds * 1000, record: true });
  return list;
}

export function pipelinedLoad(
  ctx: BenchContext,
  target: ServerTarget,
  request: RequestTemplate,
  phaseList: PhaseSpec[],
  connections = ctx.options.connections,
  inFlight = ctx.options.inFlight,
): LoadSpec {
  return {
    host: target.host,
    port: target.port,
    mode: 'pipelined',
    connections,
    inFlight,
    ratePerSecond: ctx.options.rate,
    request,
    phases: phaseList,
    maxRequests: ctx.options.requests,
    workers: ctx.options.workers,
  };
}

/** How the pipelined load is shaped, for row names: `64x4` (closed loop) or `40,000/s paced on 64`. */
export function loadShape(ctx: BenchContext, connections = ctx.options.connections, inFlight = ctx.options.inFlight): string {
  const { rate } = ctx.options;
  return rate > 0 ? `${thousands(rate)}/s paced on ${connections}` : `${connections}x${inFlight}`;
}

export function thousands(n: number): string {
  return n.toLocaleString('en-US');
}
