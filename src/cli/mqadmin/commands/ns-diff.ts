import { compareNameServers, DEFAULT_LIMITS, type CanonicalRoute, type ConsistencyReport } from '../../../consistency/index.js';
import { UsageError, type Command, type CommandContext } from '../command.js';
import { json, left } from '../format.js';

function positiveInteger(ctx: CommandContext, name: string, fallback: number): number {
  const text = ctx.options[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--${name} must be a positive integer`);
  return value;
}

function routeSummary(route: CanonicalRoute | null): string {
  if (!route) return 'no route';
  const queues = route.queues.map((q) => `${q.brokerName} r${q.readQueueNums}/w${q.writeQueueNums} perm ${q.perm}`);
  const addrs = route.brokers.flatMap((b) => b.addrs.map(([id, addr]) => `${b.brokerName}[${id}]=${addr}`));
  const order = route.orderTopicConf ? `; order ${route.orderTopicConf}` : '';
  const mapping = route.staticMapping ? `; static mapping on ${route.staticMapping.map(([name]) => name).join(', ')}` : '';
  return `${queues.join(', ') || 'no queues'}; ${addrs.join(', ')}${order}${mapping}`;
}

/** The report as lines a person reads: the NameServers, then each kind of difference. */
export function formatReport(report: ConsistencyReport): string {
  const lines: string[] = [];
  for (const ns of report.nameServers) {
    lines.push(
      ns.reachable
        ? `${left(ns.address, 24)} clusters: ${ns.clusters}, broker addresses: ${ns.brokers}, topics: ${ns.topics}`
        : `${left(ns.address, 24)} UNREACHABLE: ${ns.error}`,
    );
  }
  if (report.brokers.length > 0) {
    lines.push('', 'Brokers not on every NameServer:');
    for (const b of report.brokers) {
      lines.push(`  ${left(`${b.cluster}/${b.brokerName} id ${b.brokerId} ${b.address}`, 56)} missing from ${b.missingFrom.join(', ')}`);
    }
  }
  if (report.topics.missingTotal > 0) {
    lines.push('', `Topics not on every NameServer (${report.topics.missingTotal}):`);
    for (const t of report.topics.missing) lines.push(`  ${left(t.topic, 56)} missing from ${t.missingFrom.join(', ')}`);
    if (report.topics.missingTotal > report.topics.missing.length) lines.push(`  ... and ${report.topics.missingTotal - report.topics.missing.length} more`);
  }
  if (report.routes.differingTotal > 0) {
    lines.push('', `Routes that differ (${report.routes.differingTotal} of ${report.routes.compared} compared):`);
    for (const d of report.routes.differing) {
      lines.push(`  ${d.topic}`);
      for (const v of d.variants) lines.push(`    ${left(v.nameServers.join(', '), 24)} ${routeSummary(v.route)}`);
    }
  }
  lines.push('');
  const notCompared = report.routes.notCompared > 0 ? ` (${report.routes.notCompared} more topics not compared: over --maxTopics ${report.limits.maxRouteTopics})` : '';
  lines.push(`Routes compared for ${report.routes.compared} topics${notCompared}.`);
  lines.push(report.agree ? 'The NameServers agree.' : 'The NameServers DISAGREE.');
  return lines.join('\n') + '\n';
}

export const nsDiff: Command = {
  name: 'nsDiff',
  description: 'Compare the brokers, topics and routes of several name servers; exit 1 when they differ.',
  options: { maxTopics: { type: 'string' }, concurrency: { type: 'string' } },
  async run(ctx) {
    if (ctx.nameServers.length < 2) throw new UsageError('give at least two NameServers: -n "host:port;host:port"');
    const limits = {
      maxRouteTopics: positiveInteger(ctx, 'maxTopics', DEFAULT_LIMITS.maxRouteTopics),
      concurrency: positiveInteger(ctx, 'concurrency', DEFAULT_LIMITS.concurrency),
      timeoutMs: ctx.timeoutMs,
    };
    const report = await compareNameServers(ctx.nameServers, { client: ctx.client, limits });
    ctx.io.out(ctx.json ? json(report) : formatReport(report));
    return report.agree ? 0 : 1;
  },
};
