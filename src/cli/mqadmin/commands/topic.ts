import type { TopicRouteData } from '../../../protocol/route-types.js';
import { stringOption, UsageError, type Command, type CommandContext } from '../command.js';
import { javaSort, json, left, toPlain } from '../format.js';

/** Java's NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG. */
export const ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';
const RETRY_PREFIX = '%RETRY%';
const DLQ_PREFIX = '%DLQ%';

const ROUTE_FORMAT = [45, 32, 50, 10, 11, 5];

function routeLine(values: unknown[]): string {
  return values.map((v, i) => left(v, ROUTE_FORMAT[i]!)).join(' ');
}

/** Java's `Map.toString()`: `{0=127.0.0.1:10911, 1=...}`. */
function javaMapString(map: Map<number, string>): string {
  return '{' + Array.from(map, ([k, v]) => `${k}=${v}`).join(', ') + '}';
}

/** `topicRoute -l`: one line per broker group, then totals. */
function routeTable(route: TopicRouteData): string {
  const queues = new Map(route.queueDatas.map((q) => [q.brokerName, q]));
  const brokers = [...route.brokerDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
  const lines = [routeLine(['#ClusterName', '#BrokerName', '#BrokerAddrs', '#ReadQueue', '#WriteQueue', '#Perm'])];
  let read = 0;
  let write = 0;
  for (const broker of brokers) {
    const q = queues.get(broker.brokerName);
    read += q?.readQueueNums ?? 0;
    write += q?.writeQueueNums ?? 0;
    lines.push(routeLine([broker.cluster, broker.brokerName, javaMapString(broker.brokerAddrs), q?.readQueueNums ?? '', q?.writeQueueNums ?? '', q?.perm ?? '']));
  }
  lines.push('-'.repeat(158));
  lines.push(routeLine(['Total:', queues.size, '', read, write, '']));
  return lines.join('\n') + '\n';
}

export const topicRoute: Command = {
  name: 'topicRoute',
  description: 'Examine topic route info.',
  options: { topic: { type: 'string', short: 't' }, list: { type: 'boolean', short: 'l' } },
  required: ['topic'],
  async run(ctx) {
    const route = await ctx.client.getTopicRoute(stringOption(ctx, 'topic'));
    if (ctx.json) ctx.io.out(json(route));
    else if (ctx.options.list) ctx.io.out(routeTable(route));
    else ctx.io.out(JSON.stringify(toPlain(route, true), null, '\t') + '\n');
    return 0;
  },
};

/** The cluster of the first broker serving the topic, as Java's `findTopicBelongToWhichCluster`. */
async function clusterOfTopic(ctx: CommandContext, topic: string, clusterAddrTable: Map<string, Set<string>>): Promise<string> {
  try {
    const route = await ctx.client.getTopicRoute(topic);
    const brokerName = route.brokerDatas[0]?.brokerName;
    for (const [cluster, names] of clusterAddrTable) if (brokerName && names.has(brokerName)) return cluster;
  } catch {
    // A topic without a route has no cluster; Java prints it with an empty one.
  }
  return '';
}

export const topicList: Command = {
  name: 'topicList',
  description: 'Fetch all topic list from name server.',
  options: { clusterModel: { type: 'boolean', short: 'c' } },
  async run(ctx) {
    const { topicList: topics } = await ctx.client.getAllTopicList();
    if (!ctx.options.clusterModel) {
      ctx.io.out(ctx.json ? json({ topicList: topics }) : topics.map((t) => t + '\n').join(''));
      return 0;
    }
    const info = await ctx.client.getClusterInfo();
    const rows: { cluster: string; topic: string; consumerGroup: string }[] = [];
    for (const topic of topics) {
      if (topic.startsWith(RETRY_PREFIX) || topic.startsWith(DLQ_PREFIX)) continue;
      // Consumer groups live on brokers; this tool asks NameServers only, so the column stays empty.
      rows.push({ cluster: await clusterOfTopic(ctx, topic, info.clusterAddrTable), topic, consumerGroup: '' });
    }
    if (ctx.json) {
      ctx.io.out(json({ topics: rows }));
      return 0;
    }
    const header = left('#Cluster Name', 20) + '  ' + left('#Topic', 48) + '  ' + left('#Consumer Group', 48);
    const lines = rows.map((r) => left(r.cluster, 20) + '  ' + left(r.topic, 64) + '  ' + left(r.consumerGroup, 64));
    ctx.io.out([header, ...lines].join('\n') + '\n');
    return 0;
  },
};

export const topicClusterList: Command = {
  name: 'topicClusterList',
  description: 'Get cluster info for topic.',
  options: { topic: { type: 'string', short: 't' } },
  required: ['topic'],
  async run(ctx) {
    const topic = stringOption(ctx, 'topic');
    const [info, route] = await Promise.all([ctx.client.getClusterInfo(), ctx.client.getTopicRoute(topic)]);
    const brokerNames = new Set(route.brokerDatas.map((b) => b.brokerName));
    const clusters = javaSort(
      Array.from(info.clusterAddrTable).filter(([, names]) => Array.from(names).some((n) => brokerNames.has(n))).map(([c]) => c),
    );
    ctx.io.out(ctx.json ? json({ clusters }) : clusters.map((c) => c + '\n').join(''));
    return 0;
  },
};

export const updateOrderConf: Command = {
  name: 'updateOrderConf',
  description: 'Create or update or delete order conf.',
  options: { topic: { type: 'string', short: 't' }, orderConf: { type: 'string', short: 'v' }, method: { type: 'string', short: 'm' } },
  required: ['topic', 'method'],
  async run(ctx) {
    const topic = stringOption(ctx, 'topic');
    const method = stringOption(ctx, 'method');
    if (method === 'get') {
      const orderConf = await ctx.client.getKvConfig(ORDER_TOPIC_CONFIG, topic);
      if (orderConf === null) throw new Error(`no order conf for topic ${topic}`);
      ctx.io.out(ctx.json ? json({ topic, orderConf }) : `get orderConf success. topic=[${topic}], orderConf=[${orderConf}]\n`);
    } else if (method === 'put') {
      const orderConf = typeof ctx.options.orderConf === 'string' ? ctx.options.orderConf.trim() : '';
      if (orderConf === '') throw new UsageError('please set orderConf with option -v.');
      await ctx.client.putKvConfig(ORDER_TOPIC_CONFIG, topic, orderConf);
      ctx.io.out(ctx.json ? json({ topic, orderConf }) : `update orderConf success. topic=[${topic}], orderConf=[${orderConf}]\n`);
    } else if (method === 'delete') {
      await ctx.client.deleteKvConfig(ORDER_TOPIC_CONFIG, topic);
      ctx.io.out(ctx.json ? json({ topic, deleted: true }) : `delete orderConf success. topic=[${topic}]\n`);
    } else {
      throw new UsageError(`option -m must be put, get or delete, not "${method}"`);
    }
    return 0;
  },
};

export const deleteTopic: Command = {
  name: 'deleteTopic',
  description: "Delete topic from NameServer (the brokers' copies are left alone).",
  options: { topic: { type: 'string', short: 't' }, clusterName: { type: 'string', short: 'c' } },
  required: ['topic', 'clusterName'],
  async run(ctx) {
    const topic = stringOption(ctx, 'topic');
    const clusterName = stringOption(ctx, 'clusterName');
    await ctx.client.deleteTopicInNamesrv(topic, clusterName);
    ctx.io.out(ctx.json ? json({ topic, clusterName, deleted: true }) : `delete topic [${topic}] from NameServer success.\n`);
    return 0;
  },
};
