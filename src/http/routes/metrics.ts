import type { FastifyPluginAsync } from 'fastify';
import { wantsOpenMetrics } from '../../metrics/exposition.js';
import type { RouteOptions } from '../http-server.js';

/** `GET /metrics`: Prometheus text format, or OpenMetrics when the Accept header asks for it. */
export const metricsRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get('/metrics', async (request, reply) => {
    const { contentType, body } = await ctx.metrics.scrape(wantsOpenMetrics(request.headers.accept));
    return reply.type(contentType).send(body);
  });
};
