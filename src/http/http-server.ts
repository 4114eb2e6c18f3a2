import Fastify, { type FastifyError, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { requireAccounts } from './access.js';
import type { HttpContext } from './http-context.js';
import { HttpListenError } from './http-listen-error.js';
import { addressServerRoutes } from './routes/address-server.js';
import { apiRoutes } from './routes/api.js';
import { consoleRoutes } from './routes/console.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';

export interface RouteOptions {
  ctx: HttpContext;
}

/** The route areas, each a fastify plugin; a new area is one more entry. */
export const ROUTE_PLUGINS: ReadonlyArray<FastifyPluginAsync<RouteOptions>> = [metricsRoutes, healthRoutes, apiRoutes, addressServerRoutes, consoleRoutes];

/**
 * Longest path parameter: a topic name of 127 characters, each of them percent-encoded, fits
 * (fastify's default of 100 answered 414 to valid topic names).
 */
export const MAX_PARAM_LENGTH = 1024;

export interface HttpServerOptions {
  plugins?: ReadonlyArray<FastifyPluginAsync<RouteOptions>>;
}

/**
 * The HTTP side of the NameServer: JSON errors (400, 401, 403, 404, 500), never a stack trace; with
 * `ctx.accounts`, every route but the public ones asks for an account of the ACL file.
 */
export function createHttpServer(ctx: HttpContext, options: HttpServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  });
  if (ctx.accounts) requireAccounts(app, ctx.accounts, ctx.logger);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      void reply.code(400).send({ error: error.message });
      return;
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) ctx.logger.error({ err: error, url: request.url }, 'HTTP request failed');
    void reply.code(status).send({ error: status >= 500 ? 'internal error' : error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no such path: ${request.method} ${request.url.split('?')[0]}` });
  });
  for (const plugin of options.plugins ?? ROUTE_PLUGINS) void app.register(plugin, { ctx });
  return app;
}

/** Starts listening; resolves with where. */
export async function listenHttp(app: FastifyInstance, port: number, host: string): Promise<{ address: string; port: number }> {
  try {
    await app.listen({ port, host });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    throw new HttpListenError(port, host, err.code, err.message);
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') return { address: host, port };
  return { address: address.address, port: address.port };
}
