import type { NamesrvCounters } from '../metrics/namesrv-counters.js';
import type { Configuration } from '../namesrv/config/configuration.js';
import { routeAnswerKey } from '../namesrv/processors/route-processors.js';
import type { RouteGenerationsView } from '../namesrv/route/route-generations.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { ConnectionListener, RequestHandler } from '../remoting/remoting-server.js';
import type { AccessControl } from '../security/access-control.js';
import type { Logger } from '../util/logger.js';
import type { WorkerSettings } from './messages.js';
import { RouteChangeFeed } from './route-change-feed.js';
import { ServingCluster } from './serving-cluster.js';

export { ServingCluster } from './serving-cluster.js';
export { servingProcessCount } from './process-count.js';

export interface ServingClusterWiring {
  processes: number;
  transport: Pick<WorkerSettings, 'port' | 'host' | 'backlog' | 'idleTimeoutMs' | 'maxFrameLength' | 'maxBufferedBytes' | 'maxAwaitingBytes' | 'stageTimeoutMs' | 'serverVersion'>;
  handler: RequestHandler;
  listener: ConnectionListener;
  logger: Logger;
  configuration: Configuration;
  env: Readonly<Record<string, string | undefined>>;
  generations: RouteGenerationsView;
  /** The KV store's version: with orderMessageEnable, route answers carry KV order config. */
  /** The order-topic config's version in KV (KvStore.namespaceVersion), which routes carry with orderMessageEnable. */
  kvVersion(): number;
  counters: NamesrvCounters;
  /** Signed-request checking (`aclEnable`); workers check lookups with the same accounts. */
  access: AccessControl | null;
  /** False while no route answer may be served without the primary: a drain, the needWaitForService window. */
  mayKeepRoutes(): boolean;
  /** Every topic, live (RouteRegistry.topicNames). */
  topicNames(): IterableIterator<string>;
  /** ResponseCache.shapeIdOf. */
  shapeIdOf(topic: string): number | null;
}

/** The NameServer's remoting port served by `processes` processes, wired to its registry and metrics. */
export function startServingCluster(wiring: ServingClusterWiring): ServingCluster {
  const { configuration, counters } = wiring;
  const switches = configuration.namesrv;
  const { access } = wiring;
  const { aclBrokerRequests, aclReads, aclAdminRequiresTls } = configuration.security;
  /** A shape's answer is one for all its topics in a variant without a zone (zones filter per lookup), without KV in answers. */
  const shapesShared = (variant: string) => !switches.orderMessageEnable && (variant === 'standard' || variant === 'fastjson');
  const cluster = new ServingCluster({
    processes: wiring.processes,
    acceptRoundRobin: configuration.servingAcceptRoundRobin,
    settings: {
      ...wiring.transport,
      logLevel: wiring.logger.level,
      tlsProperties: { ...configuration.tls },
      tlsEnv: { ...wiring.env },
      trustedProxies: configuration.security.proxyProtocolTrustedAddresses,
      acl: access && { switches: { aclBrokerRequests, aclReads, aclAdminRequiresTls }, rules: access.rulesText },
    },
    handler: wiring.handler,
    listener: wiring.listener,
    logger: wiring.logger,
    // Route answers depend on the registry and on these switches only, and with
    // orderMessageEnable on the order-topic config in KV: a change to it then stales them all.
    changes: new RouteChangeFeed(
      wiring.generations,
      () =>
        `${switches.orderMessageEnable} ${switches.supportActingMaster} ${switches.needWaitForService} ${switches.waitSecondsForService} ${switches.orderMessageEnable ? wiring.kvVersion() : ''}`,
    ),
    // A route, or the word that the topic has none: both stay true until the topic changes.
    cacheKey: (request, response) => {
      if (request.code !== RequestCode.GET_ROUTEINFO_BY_TOPIC) return null;
      const route = response.code === ResponseCode.SUCCESS && response.body;
      if (!route && response.code !== ResponseCode.TOPIC_NOT_EXIST) return null;
      const key = wiring.mayKeepRoutes() ? routeAnswerKey(request) : null;
      if (!key || !route || !shapesShared(key.variant)) return key;
      return { ...key, shape: wiring.shapeIdOf(key.topic) ?? undefined };
    },
    shapes: {
      topicNames: wiring.topicNames,
      shapeIdOf: wiring.shapeIdOf,
      shareable: () => !switches.orderMessageEnable && wiring.mayKeepRoutes(),
    },
    onServed: (delta) => {
      counters.requests.recordSucceeded(RequestCode.GET_ROUTEINFO_BY_TOPIC, delta);
      counters.requests.recordFailed(RequestCode.GET_ROUTEINFO_BY_TOPIC, ResponseCode.TOPIC_NOT_EXIST, delta.notFound);
      counters.routeCache.hit += delta.count;
      counters.tlsHandshakes.success += delta.tlsHandshakes.success;
      counters.tlsHandshakes.failure += delta.tlsHandshakes.failure;
    },
  });
  access?.onReload((event) => {
    if (event.outcome === 'reloaded') cluster.updateAcl(access.rulesText);
  });
  return cluster;
}
