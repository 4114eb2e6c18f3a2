import type { ClusterInfo } from '../../../protocol/route-types.js';
import { fetchBrokerRuntimeStats } from '../broker-runtime.js';
import type { Command, CommandContext } from '../command.js';
import { javaSort, json, left, right } from '../format.js';

interface BrokerRow {
  cluster: string;
  brokerName: string;
  brokerId: number;
  addr: string;
  /** The broker's runtime stats; null when it could not be asked. */
  stats: Record<string, string> | null;
}

/** The brokers of the chosen clusters, clusters and broker names sorted as Java's TreeSet does. */
function brokerRows(info: ClusterInfo, clusterName: string): Omit<BrokerRow, 'stats'>[] {
  const clusters = clusterName ? [clusterName] : Array.from(info.clusterAddrTable.keys());
  const rows: Omit<BrokerRow, 'stats'>[] = [];
  for (const cluster of clusters) {
    for (const brokerName of javaSort(info.clusterAddrTable.get(cluster) ?? [])) {
      const broker = info.brokerAddrTable.get(brokerName);
      if (!broker) continue;
      for (const [brokerId, addr] of broker.brokerAddrs) rows.push({ cluster, brokerName, brokerId, addr });
    }
  }
  return rows;
}

const HEADER =
  left('#Cluster Name', 22) + '  ' + left('#Broker Name', 22) + '  ' + left('#BID', 4) + '  ' + left('#Addr', 22) + ' ' +
  left('#Version', 16) + '  ' + right('#InTPS(LOAD)', 16) + '  ' + right('#OutTPS(LOAD)', 30) + '  ' + left('#Timer(Progress)', 22) +
  '  ' + left('#PCWait(ms)', 11) + '  ' + left('#Hour', 12) + '  ' + left('#SPACE', 8) + '  ' + left('#ACTIVATED', 10);

function firstNumber(text: string | undefined): number {
  const n = Number.parseFloat((text ?? '').trim().split(' ')[0] ?? '');
  return Number.isFinite(n) ? n : 0;
}

/** One line as Java's `printClusterBaseInfo` writes it; blanks and zeros when the broker was not reachable. */
function formatRow(row: BrokerRow, now: number): string {
  const s = row.stats ?? {};
  const text = (key: string, fallback = '') => (row.stats ? (s[key] ?? 'null') : fallback);
  const inTps = `${firstNumber(s.putTps).toFixed(2).padStart(9)}(${text('sendThreadPoolQueueSize')},${text('sendThreadPoolQueueHeadWaitTimeMills')}ms)`;
  const outTps =
    `${firstNumber(s.getTransferredTps).toFixed(2).padStart(9)}(${text('pullThreadPoolQueueSize')},${text('pullThreadPoolQueueHeadWaitTimeMills')}ms|` +
    `${s.ackThreadPoolQueueSize ?? 'N'},${s.ackThreadPoolQueueHeadWaitTimeMills ?? 'N'}ms)`;
  const timer =
    `${firstNumber(s.timerReadBehind)}-${firstNumber(s.timerOffsetBehind)}(${(firstNumber(s.timerCongestNum) / 10000).toFixed(1)}w, ` +
    `${firstNumber(s.timerEnqueueTps).toFixed(1)}, ${firstNumber(s.timerDequeueTps).toFixed(1)})`;
  const earliest = Number(s.earliestMessageTimeStamp);
  const hours = s.earliestMessageTimeStamp && Number.isFinite(earliest) ? (now - earliest) / 3_600_000 : 0;
  return (
    left(row.cluster, 22) + '  ' + left(row.brokerName, 22) + '  ' + left(row.brokerId, 4) + '  ' + left(row.addr, 22) + ' ' +
    left(row.stats ? (s.brokerVersionDesc ?? 'null') : '', 16) + '  ' + right(inTps, 16) + '  ' + right(outTps, 30) + '  ' +
    left(timer, 22) + '  ' + right(text('pageCacheLockTimeMills'), 11) + '  ' + left(hours.toFixed(2), 12) + '  ' +
    left(firstNumber(s.commitLogDiskRatio).toFixed(4), 8) + '  ' + right(s.brokerActive === 'true', 10)
  );
}

export const clusterList: Command = {
  name: 'clusterList',
  description: 'List cluster infos.',
  options: {
    clusterName: { type: 'string', short: 'c' },
    brokerTimeout: { type: 'string' },
  },
  async run(ctx: CommandContext): Promise<number> {
    const info = await ctx.client.getClusterInfo();
    const clusterName = typeof ctx.options.clusterName === 'string' ? ctx.options.clusterName.trim() : '';
    const brokerTimeout = Number(ctx.options.brokerTimeout ?? 1000);
    const rows: BrokerRow[] = await Promise.all(
      brokerRows(info, clusterName).map(async (row) => {
        const stats = await fetchBrokerRuntimeStats(row.addr, brokerTimeout, ctx.credentials);
        return { ...row, stats: stats ? Object.fromEntries(stats) : null };
      }),
    );
    if (ctx.json) {
      ctx.io.out(json({ brokers: rows }));
      return 0;
    }
    const now = Date.now();
    ctx.io.out([HEADER, ...rows.map((row) => formatRow(row, now))].join('\n') + '\n');
    return 0;
  },
};
