import type { FastifyPluginAsync } from 'fastify';
import { PUBLIC } from '../access.js';
import type { RouteOptions } from '../http-server.js';

/**
 * `GET /health/live`: the process and its event loop answer. `GET /health/ready`: 200 once the
 * remoting port listens, the KV store is loaded and the needWaitForService window is over; 503 with
 * the reason before (and while shutting down). Both answer without an account, even with `aclEnable=true`.
 */
export const healthRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get('/health/live', PUBLIC, async () => ({ status: 'ok' }));
  app.get('/health/ready', PUBLIC, async (_request, reply) => {
    const readiness = ctx.readiness();
    if (readiness.ready) return { status: 'ok' };
    return reply.code(503).send({ status: 'starting', reason: readiness.reason });
  });
};
