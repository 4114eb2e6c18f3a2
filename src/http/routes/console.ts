import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { parseNameServerList } from '../../client/namesrv/address-list.js';
import { compareNameServers, type ConsistencyReport } from '../../consistency/index.js';
import { ADMIN, basicCredentials, PUBLIC } from '../access.js';
import type { RouteOptions } from '../http-server.js';

/** Where `npm run build` puts the bundle: dist/console, beside dist/src. */
export const CONSOLE_ASSET_DIR = fileURLToPath(new URL('../../../console/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** At most this many NameServers in one comparison: each costs requests to every one of them. */
const MAX_COMPARED = 10;

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>NameServer console</title>
<p>The web console is not built in this installation. Build it with <code>npm run build</code>
(or <code>node console/build.mjs</code>) and restart. The JSON API answers at <a href="/api/v1/overview">/api/v1/overview</a>.</p>\n`;

interface Asset {
  body: Buffer;
  type: string;
}

/** The bundle's files, read once: it is small and changes only with a new build. */
function loadAssets(dir: string): Map<string, Asset> | null {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return null;
  }
  if (!names.includes('index.html')) return null;
  const assets = new Map<string, Asset>();
  for (const name of names) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type) assets.set(name, { body: fs.readFileSync(path.join(dir, name)), type });
  }
  return assets;
}

/** `0.0.0.0:9876` is where this server listens, not an address to connect to. */
function reachableAddress(endpoint: { address: string; port: number } | null): string | null {
  if (!endpoint) return null;
  const wildcard = endpoint.address === '0.0.0.0' || endpoint.address === '::' || endpoint.address === '';
  const host = wildcard ? '127.0.0.1' : endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
  return `${host}:${endpoint.port}`;
}

const compareQuery = {
  type: 'object',
  properties: { addrs: { type: 'string', maxLength: 2000 } },
} as const;

/**
 * The web console: its static files at `/` (no account needed: they hold no data, and the console
 * asks for one itself), and the NameServers comparison it shows (`/api/v1/nameservers`,
 * `/api/v1/nameservers/compare`). One comparison runs at a time. Comparing makes this server
 * connect elsewhere: only to itself and `consoleNameServers` unless `consoleCompareAnyAddress=true`,
 * and with `aclEnable=true` only for an admin account.
 */
export const consoleRoutes: FastifyPluginAsync<RouteOptions & { assetDir?: string }> = async (app, { ctx, assetDir }) => {
  const assets = loadAssets(assetDir ?? CONSOLE_ASSET_DIR);
  if (!assets) ctx.logger.warn({ dir: assetDir ?? CONSOLE_ASSET_DIR }, 'web console not built: / answers how to build it');

  const sendAsset = (name: string) => async (_request: unknown, reply: FastifyReply) => {
    const asset = assets?.get(name);
    if (!asset) {
      if (name === 'index.html') return reply.code(404).type(CONTENT_TYPES['.html']!).send(NOT_BUILT);
      return reply.code(404).send({ error: `no such console file: ${name}` });
    }
    return reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body);
  };
  app.get('/', PUBLIC, sendAsset('index.html'));
  app.get('/index.html', PUBLIC, sendAsset('index.html'));
  app.get('/app.js', PUBLIC, sendAsset('app.js'));
  app.get('/app.css', PUBLIC, sendAsset('app.css'));

  const nameServers = () => {
    const self = reachableAddress(ctx.server.remoting());
    const configured = parseNameServerList(ctx.console.nameServers());
    return { self, configured };
  };

  app.get('/api/v1/nameservers', async () => nameServers());

  let running: { key: string; report: Promise<ConsistencyReport> } | null = null;
  app.get<{ Querystring: { addrs?: string } }>('/api/v1/nameservers/compare', { ...ADMIN, schema: { querystring: compareQuery } }, async (request, reply) => {
    let addrs: string[];
    const { self, configured } = nameServers();
    try {
      addrs = request.query.addrs !== undefined ? parseNameServerList(request.query.addrs) : parseNameServerList([self ?? '', ...configured]);
    } catch (err) {
      return reply.code(400).send({ error: (err as Error).message });
    }
    // Comparing makes this server connect where it is told: only where the operator listed, unless told otherwise.
    const listed = new Set([self, ...configured]);
    const unlisted = addrs.filter((addr) => !listed.has(addr));
    if (unlisted.length > 0 && !ctx.console.compareAnyAddress()) {
      return reply
        .code(403)
        .send({ error: `only this NameServer and consoleNameServers are compared (consoleCompareAnyAddress=false); not listed: ${unlisted.join(';')}` });
    }
    if (addrs.length < 2) return reply.code(400).send({ error: 'comparing needs at least two NameServers: addrs=host:port;host:port' });
    if (addrs.length > MAX_COMPARED) return reply.code(400).send({ error: `at most ${MAX_COMPARED} NameServers are compared at once` });
    const key = addrs.join(';');
    if (running && running.key !== key) return reply.code(429).send({ error: 'another comparison is running; try again when it is done' });
    if (!running) {
      // A NameServer that refuses plain text is asked over TLS; its peers are likely set up alike.
      // With accounts checked, the caller's (an admin's) signs the requests, so NameServers with aclReads=true answer
      // them; only towards listed NameServers: a signature does not cover the request code, so a signed route read
      // that reached an unknown address could come back as a topic deletion.
      const signed = ctx.accounts !== null && unlisted.length === 0;
      const credentials = signed ? (basicCredentials(request.headers.authorization) ?? undefined) : undefined;
      const report = compareNameServers(addrs, { tls: ctx.server.tlsMode === 'enforcing', credentials, clock: { now: () => ctx.now() } });
      running = { key, report };
      void report.finally(() => (running = null)).catch(() => undefined);
    }
    return running.report;
  });
};
