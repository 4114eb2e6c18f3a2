import os from 'node:os';
import type { NamesrvCounters } from '../metrics/namesrv-counters.js';
import type { Configuration } from '../namesrv/config/configuration.js';
import { routeAnswerKey } from '../namesrv/processors/route-processors.js';
import type { RouteGenerationsView } from '../namesrv/route/route-generations.js';
import { RequestCode } from '../protocol/request-code.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { ConnectionListener, RequestHandler } from '../remoting/remoting-server.js';
import type { Logger } from '../util/logger.js';
import type { WorkerSettings } from './messages.js';
import { RouteChangeFeed } from './route-change-feed.js';
import { ServingCluster } from './serving-cluster.js';

export { ServingCluster } from './serving-cluster.js';

/** `servingProcesses` as a number of processes: 0 is one per core. */
export function servingProcessCount(setting: number): number {
  return setting === 0 ? os.availableParallelism() : setting;
}

export interface ServingClusterWiring {
  processes: number;
  transport: Pick<WorkerSettings, 'port' | 'host' | 'backlog' | 'idleTimeoutMs' | 'maxFrameLength' | 'maxBufferedBytes' | 'stageTimeoutMs' | 'serverVersion'>;
  handler: RequestHandler;
  listener: ConnectionListener;
  logger: Logger;
  configuration: Configuration;
  env: Readonly<Record<string, string | undefined>>;
  generations: RouteGenerationsView;
  counters: NamesrvCounters;
  /**
   * False while no route answer may be served without the primary: signatures to check (ACL),
   * a drain, the needWaitForService window.
   */
  mayKeepRoutes(): boolean;
}

/** The NameServer's remoting port served by `processes` processes, wired to its registry and metrics. */
export function startServingCluster(wiring: ServingClusterWiring): ServingCluster {
  const { configuration, counters } = wiring;
  const switches = configuration.namesrv;
  return new ServingCluster({
    processes: wiring.processes,
    settings: {
      ...wiring.transport,
      logLevel: configuration.logLevel,
      tlsProperties: { ...configuration.tls },
      tlsEnv: { ...wiring.env },
      trustedProxies: configuration.security.proxyProtocolTrustedAddresses,
    },
    handler: wiring.handler,
    listener: wiring.listener,
    logger: wiring.logger,
    // Route answers depend on the registry and on these switches only (order-topic config from
    // KV only with orderMessageEnable, when no answer is kept).
    changes: new RouteChangeFeed(wiring.generations, () => `${switches.orderMessageEnable} ${switches.needWaitForService} ${switches.waitSecondsForService}`),
    cacheKey: (request, response) => {
      if (request.code !== RequestCode.GET_ROUTEINFO_BY_TOPIC || response.code !== ResponseCode.SUCCESS || !response.body) return null;
      if (switches.orderMessageEnable || !wiring.mayKeepRoutes()) return null;
      return routeAnswerKey(request);
    },
    onServed: (delta) => {
      counters.requests.recordSucceeded(RequestCode.GET_ROUTEINFO_BY_TOPIC, delta);
      counters.routeCache.hit += delta.count;
      counters.tlsHandshakes.success += delta.tlsHandshakes.success;
      counters.tlsHandshakes.failure += delta.tlsHandshakes.failure;
    },
  });
}
