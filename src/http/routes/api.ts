import type { FastifyPluginAsync } from 'fastify';
import { SERVER_VERSION } from '../../protocol/mq-version.js';
import type { TopicRouteData } from '../../protocol/route-types.js';
import { PACKAGE_VERSION, ROCKETMQ_VERSION_NAME } from '../../version.js';
import type { RouteOptions } from '../http-server.js';

const MAX_TOPICS_PAGE = 1000;

const topicsQuery = {
  type: 'object',
  properties: {
    offset: { type: 'integer', minimum: 0, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_TOPICS_PAGE, default: 100 },
    // Empty means no filter (`?cluster=&prefix=`, as a form with blank fields sends them).
    cluster: { type: 'string' },
    prefix: { type: 'string' },
  },
} as const;

const topicParams = {
  type: 'object',
  properties: { topic: { type: 'string', minLength: 1, maxLength: 255 } },
  required: ['topic'],
} as const;

const namespaceParams = {
  type: 'object',
  properties: { namespace: { type: 'string', minLength: 1 } },
  required: ['namespace'],
} as const;

interface TopicsQuery {
  offset: number;
  limit: number;
  cluster?: string;
  prefix?: string;
}

/** The read-only JSON API, `/api/v1/...` (docs/http-api.md). */
export const apiRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const version = () => ({ version: PACKAGE_VERSION, rocketmqVersion: ROCKETMQ_VERSION_NAME });

  app.get('/api/v1/version', async () => ({ ...version(), versionCode: SERVER_VERSION }));

  app.get('/api/v1/overview', async () => {
    const now = ctx.now();
    return {
      ...version(),
      startedAt: ctx.server.startedAt,
      uptimeMs: now - ctx.server.startedAt,
      remoting: ctx.server.remoting(),
      http: ctx.server.http(),
      tlsMode: ctx.server.tlsMode,
      counts: ctx.registry.counts(),
    };
  });

  app.get('/api/v1/clusters', async () => ({ clusters: ctx.registry.clusters() }));

  app.get('/api/v1/brokers', async () => ({ brokers: ctx.registry.brokers() }));

  app.get<{ Querystring: TopicsQuery }>('/api/v1/topics', { schema: { querystring: topicsQuery } }, async (request) => {
    const { offset, limit, cluster, prefix } = request.query;
    const page = await ctx.registry.topics({ offset, limit, cluster: cluster || undefined, prefix: prefix || undefined });
    return { total: page.total, offset, limit, topics: page.topics };
  });

  app.get<{ Params: { topic: string } }>('/api/v1/topics/:topic/route', { schema: { params: topicParams } }, async (request, reply) => {
    const { topic } = request.params;
    const route = ctx.registry.topicRoute(topic);
    if (!route) return reply.code(404).send({ error: `No topic route info in name server for the topic: ${topic}` });
    return routeJson(topic, route);
  });

  app.get('/api/v1/kv', async () => {
    const namespaces: Record<string, Record<string, string>> = {};
    for (const name of ctx.kv.namespaces().sort()) namespaces[name] = Object.fromEntries(ctx.kv.namespace(name) ?? []);
    return { namespaces };
  });

  app.get<{ Params: { namespace: string } }>('/api/v1/kv/:namespace', { schema: { params: namespaceParams } }, async (request, reply) => {
    const { namespace } = request.params;
    const entries = ctx.kv.namespace(namespace);
    if (!entries) return reply.code(404).send({ error: `no KV namespace ${namespace}` });
    return { namespace, entries: Object.fromEntries(entries) };
  });

  app.get('/api/v1/config', async () => ({ settings: Object.fromEntries(ctx.settings()) }));

  app.get('/api/v1/controller', async () => {
    const report = ctx.controller();
    return report ? { enabled: true, ...report } : { enabled: false };
  });

  app.get('/api/v1/stats', async () => {
    const totals = await ctx.metrics.totals();
    return {
      timestamp: ctx.now(),
      requestsTotal: totals.requests,
      routeLookupsTotal: totals.routeLookups,
      routeLookupSecondsSum: totals.routeLookupSeconds,
      connectionsOpen: totals.connectionsOpen,
    };
  });
};

/** GET_ROUTEINFO_BY_TOPIC's data as plain JSON: maps become objects, broker ids keys. */
function routeJson(topic: string, route: TopicRouteData) {
  return {
    topic,
    orderTopicConf: route.orderTopicConf ?? null,
    queueDatas: route.queueDatas.map(({ brokerName, readQueueNums, writeQueueNums, perm, topicSysFlag }) => ({
      brokerName,
      readQueueNums,
      writeQueueNums,
      perm,
      topicSysFlag,
    })),
    brokerDatas: route.brokerDatas.map((b) => ({
      cluster: b.cluster,
      brokerName: b.brokerName,
      brokerAddrs: Object.fromEntries(b.brokerAddrs),
      zoneName: b.zoneName ?? null,
      enableActingMaster: b.enableActingMaster,
    })),
    filterServerTable: Object.fromEntries(route.filterServerTable),
    topicQueueMappingByBroker: route.topicQueueMappingByBroker ? Object.fromEntries(route.topicQueueMappingByBroker) : null,
  };
}
