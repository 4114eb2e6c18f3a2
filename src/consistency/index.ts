import type tls from 'node:tls';
import { NameServerClient } from '../client/namesrv/name-server-client.js';
import { parseNameServerList } from '../client/namesrv/address-list.js';
import type { Credentials } from '../security/signature.js';
import { systemClock, type Clock } from '../util/clock.js';
import { compareViews, planDetails } from './compare.js';
import { DEFAULT_LIMITS, type ComparisonLimits } from './limits.js';
import { readInventory, readRoutes } from './name-server-view.js';
import type { ConsistencyReport } from './report.js';

export type { ConsistencyReport, NameServerSummary, Presence, RouteDifference } from './report.js';
export type { CanonicalRoute } from './canonical-route.js';
export { DEFAULT_LIMITS, type ComparisonLimits } from './limits.js';

export interface CompareOptions {
  limits?: Partial<ComparisonLimits>;
  /** Use this client (its connections are reused, it is not closed); otherwise one is made and closed. */
  client?: NameServerClient;
  tls?: boolean | tls.ConnectionOptions;
  /** Sign the requests with this account (for NameServers with `aclEnable=true aclReads=true`). */
  credentials?: Credentials;
  clock?: Clock;
}

/**
 * Compares what several NameServers know: brokers, topics and topic routes. NameServers never talk
 * to each other, so a broker that reached only some of them, or a route changed on one, shows up
 * here. Only reads that change nothing are sent (see readRoutes): comparing never keeps a broker alive. Bounded by `limits`: routes are compared for the first
 * `maxRouteTopics` topics all of them list, with `concurrency` requests in flight per NameServer.
 */
export async function compareNameServers(addresses: string | readonly string[], options: CompareOptions = {}): Promise<ConsistencyReport> {
  const list = parseNameServerList(addresses);
  if (list.length < 2) throw new RangeError('comparing NameServers needs at least two addresses');
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const client = options.client ?? new NameServerClient({ nameServers: list, timeoutMs: limits.timeoutMs, connectTimeoutMs: limits.timeoutMs, tls: options.tls, credentials: options.credentials });
  try {
    const views = await Promise.all(list.map((address) => readInventory(client, address, limits)));
    const plan = planDetails(views, limits);
    await Promise.all(views.filter((v) => !v.error).map((v) => readRoutes(client, v, plan.topics, limits)));
    return compareViews(views, plan, limits, (options.clock ?? systemClock).now());
  } finally {
    if (!options.client) await client.close();
  }
}
