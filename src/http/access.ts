import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountCheck, AccountRefusal } from './http-context.js';
import type { Logger } from '../util/logger.js';

/**
 * Who may call a route, when `aclEnable=true`: `public` anyone (probes, metrics, the address
 * server, the console's static files), `read` any account of the ACL file, `admin` an admin
 * account (routes that connect elsewhere or change something). Routes say it in their `config`;
 * a route that does not (and an unknown path) needs `read`.
 */
export type RouteAccess = 'public' | 'read' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** Route options of a route anyone may call. */
export const PUBLIC = { config: { access: 'public' } } as const;
/** Route options of a route only an admin account may call. */
export const ADMIN = { config: { access: 'admin' } } as const;

/** The console sends this header; its 401s then come without a `WWW-Authenticate` challenge, which would make the browser open its own login dialog. */
const CONSOLE_HEADER = 'x-requested-with';

const REFUSALS: Record<AccountRefusal, { status: 401 | 403; error: (accessKey: string) => string }> = {
  'unknown-account': { status: 401, error: () => 'unknown accessKey or wrong secretKey' },
  'wrong-secret': { status: 401, error: () => 'unknown accessKey or wrong secretKey' },
  'address-not-allowed': { status: 403, error: (key) => `accessKey ${key} may not be used from this address (its whiteRemoteAddress)` },
  'not-admin': { status: 403, error: (key) => `this endpoint needs an admin account; ${key} is not one` },
  'admin-needs-tls': { status: 403, error: () => 'this endpoint is an admin one: it is served over HTTPS only (aclAdminRequiresTls)' },
};

/** Makes every route ask for an account of the ACL file as its `access` says (HTTP Basic: accessKey and secretKey). */
export function requireAccounts(app: FastifyInstance, accounts: AccountCheck, logger: Logger): void {
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config?.access ?? 'read';
    if (access === 'public') return;
    const credentials = basicCredentials(request.headers.authorization);
    if (!credentials) {
      return refuse(request, reply, logger, 401, 'this endpoint needs an account of the ACL file: HTTP Basic authentication with accessKey and secretKey', {
        reason: request.headers.authorization ? 'malformed-authorization' : 'no-credentials',
      });
    }
    const origin = { host: request.socket.remoteAddress ?? '', secure: 'encrypted' in request.socket };
    const refusal = accounts.check(credentials.accessKey, credentials.secretKey, origin, access === 'admin');
    if (!refusal) return;
    const { status, error } = REFUSALS[refusal];
    return refuse(request, reply, logger, status, error(credentials.accessKey), { reason: refusal, accessKey: credentials.accessKey });
  });
}

function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
  status: 401 | 403,
  error: string,
  details: { reason: string; accessKey?: string },
): FastifyReply {
  logger.warn({ ...details, remote: request.socket.remoteAddress, url: request.url.split('?')[0] }, 'HTTP request refused by ACL');
  if (status === 401 && request.headers[CONSOLE_HEADER] === undefined) void reply.header('www-authenticate', 'Basic realm="RocketMQ NameServer", charset="UTF-8"');
  return reply.code(status).send({ error });
}

/** `Basic base64(accessKey:secretKey)`; null when absent or not that. */
export function basicCredentials(header: string | undefined): { accessKey: string; secretKey: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { accessKey: decoded.slice(0, colon), secretKey: decoded.slice(colon + 1) };
}
