import os from 'node:os';
import type { FastifyPluginAsync } from 'fastify';
import { DEFAULT_SUBGROUP, parseNamesrvList, parseSubgroups } from '../../namesrv/config/address-server-lists.js';
import { PUBLIC } from '../access.js';
import type { Endpoint, HttpContext } from '../http-context.js';
import type { RouteOptions } from '../http-server.js';

/**
 * The address server Java clients and brokers (`rocketmq.namesrv.domain`) and ali-ons (`onsAddr`)
 * fetch the NameServer list from: `GET /rocketmq/<subgroup>` answers `host:port;host:port` as plain
 * text. `nsaddr` serves addressServerNamesrvList (default: this server), other names come from
 * addressServerSubgroups; a unit's list is the subgroup `<subgroup>-<unit>`, as clients ask for it.
 * No account is needed even with `aclEnable=true`: Java's clients fetch it without credentials.
 */
export const addressServerRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get<{ Params: { subgroup: string } }>('/rocketmq/:subgroup', PUBLIC, async (request, reply) => {
    const list = namesrvListFor(ctx, request.params.subgroup);
    if (list === null) return reply.code(404).send({ error: `no NameServer list for subgroup ${request.params.subgroup}` });
    return reply.type('text/plain; charset=utf-8').send(list);
  });
};

function namesrvListFor(ctx: HttpContext, subgroup: string): string | null {
  const configured = parseSubgroups(ctx.addressServer.subgroups())?.get(subgroup);
  if (configured) return configured.join(';');
  if (subgroup !== DEFAULT_SUBGROUP) return null;
  const list = parseNamesrvList(ctx.addressServer.namesrvList()) ?? [];
  if (list.length > 0) return list.join(';');
  const remoting = ctx.server.remoting();
  return remoting ? ownAddress(remoting) : null;
}

const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]']);

/**
 * This server's remoting address as a client reaches it: the bind address when it is a specific
 * one, else this machine's first external IPv4 address. Never what the request says (its `Host`
 * header): a cache in between would hand that to every client.
 */
export function ownAddress(remoting: Endpoint): string {
  if (!WILDCARDS.has(remoting.address)) return `${remoting.address}:${remoting.port}`;
  return `${firstExternalIPv4() ?? '127.0.0.1'}:${remoting.port}`;
}

function firstExternalIPv4(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}
