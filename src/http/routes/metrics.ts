import type { FastifyPluginAsync } from 'fastify';
import { wantsOpenMetrics } from '../../metrics/exposition.js';
import { PUBLIC } from '../access.js';
import type { RouteOptions } from '../http-server.js';

/** `GET /metrics`: Prometheus text format, or OpenMetrics when the Accept header asks for it; no account needed. */
export const metricsRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get('/metrics', PUBLIC, async (request, reply) => {
    const { contentType, body } = await ctx.metrics.scrape(wantsOpenMetrics(request.headers.accept));
    return reply.type(contentType).send(body);
  });
};
