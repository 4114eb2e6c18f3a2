import { encodeTopicRouteData } from '../../protocol/bodies/index.js';
import { decodeHeader, type HeaderOf } from '../../protocol/custom-header.js';
import { GetRouteInfoHeader } from '../../protocol/namesrv-headers.js';
import { MQVersion } from '../../protocol/mq-version.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { MASTER_ID, type TopicRouteData } from '../../protocol/route-types.js';
import type { ExtFields, RemotingCommand } from '../../remoting/remoting-command.js';
import { ORDER_TOPIC_CONFIG_NAMESPACE } from './broker-processors.js';
import type { NamesrvContext, Processor } from './context.js';
import type { RouteFlavor } from './response-cache.js';


const FAQ_SUGGESTION = '\nSee http://rocketmq.apache.org/docs/faq/ for further details.';

const getRouteInfoByTopic: Processor = (request, ctx) => {
  const header = readRouteInfoHeader(request.extFields);
  const switches = ctx.config.namesrv;
  if (switches.needWaitForService && ctx.clock.now() - ctx.startedAt < switches.waitSecondsForService * 1000) {
    return { code: ResponseCode.SYSTEM_ERROR, remark: 'name server not ready' };
  }
  const flavor = routeFlavor(request.version, header);
  const zoneName = zoneOf(header);
  const body = zoneName
    ? encodeRoute(ctx, header.topic, flavor, (route) => filterByZone(route, zoneName))
    : cachedRoute(ctx, header.topic, flavor);
  if (!body) return { code: ResponseCode.TOPIC_NOT_EXIST, remark: topicNotExistRemark(header.topic) };
  return { code: ResponseCode.SUCCESS, body };
};

/** What a lookup of a topic without a route is told (Java's words). */
export function topicNotExistRemark(topic: string): string {
  return `No topic route info in name server for the topic: ${topic}${FAQ_SUGGESTION}`;
}

/** Clients from 4.9.4 on, and those that ask, get standard JSON; older ones fastjson's. */
function routeFlavor(version: number, header: HeaderOf<typeof GetRouteInfoHeader>): RouteFlavor {
  return version >= MQVersion.V4_9_4 || header.acceptStandardJsonOnly === true ? 'standard' : 'fastjson';
}

/** The zone a lookup asks its route to be filtered for (Java's ZoneRouteRPCHook), if any. */
function zoneOf(header: HeaderOf<typeof GetRouteInfoHeader>): string | undefined {
  return header.zoneMode ? header.zoneName?.trim() || undefined : undefined;
}

/**
 * What a route lookup's answer depends on besides the registry and the switches: its topic, and
 * its variant: the JSON flavour and the zone it is filtered for (compared without case, as the
 * filter compares). Null when the header is refused.
 */
export function routeAnswerKey(request: RemotingCommand): { topic: string; variant: string } | null {
  if (request.extFields?.topic == null) return null;
  const header = readRouteInfoHeader(request.extFields);
  const flavor = routeFlavor(request.version, header);
  const zone = zoneOf(header);
  return { topic: header.topic, variant: zone === undefined ? flavor : `${flavor} zone ${zone.toLowerCase()}` };
}

/**
 * GET_ROUTEINFO_BY_TOPIC's header (GetRouteInfoHeader) read field by field: the generic
 * decodeHeader walks the spec with keyed reads and writes, several times the cost, and this
 * header comes with most requests a NameServer gets. Same rules (tested against decodeHeader).
 */
export function readRouteInfoHeader(extFields: ExtFields | null): HeaderOf<typeof GetRouteInfoHeader> {
  const topic = extFields?.topic;
  if (topic == null) return decodeHeader(GetRouteInfoHeader, extFields); // refused, with decodeHeader's words
  const header: { topic: string; acceptStandardJsonOnly?: boolean; zoneMode?: boolean; zoneName?: string } = { topic };
  const { acceptStandardJsonOnly, zoneMode, zoneName } = extFields!;
  if (acceptStandardJsonOnly != null) header.acceptStandardJsonOnly = acceptStandardJsonOnly.toLowerCase() === 'true';
  if (zoneMode != null) header.zoneMode = zoneMode.toLowerCase() === 'true';
  if (zoneName != null) header.zoneName = zoneName;
  return header;
}

function cachedRoute(ctx: NamesrvContext, topic: string, flavor: RouteFlavor): Buffer | null {
  const { orderMessageEnable } = ctx.config.namesrv;
  // Routes carry KV only with orderMessageEnable, and then only the order-topic config.
  const kvVersion = orderMessageEnable ? ctx.kv.namespaceVersion(ORDER_TOPIC_CONFIG_NAMESPACE) : 0;
  // Without the order-topic config (per topic) in answers, topics of one route shape share one
  // answer; a topic whose shape is its own alone has its answer kept as its own.
  const shareable = !orderMessageEnable;
  const cached = (shareable ? ctx.cache.sharedRoute(topic, flavor) : undefined) ?? ctx.cache.getRoute(topic, flavor, kvVersion);
  ctx.observer.routeCacheLookup(cached !== undefined);
  if (cached) return cached;
  const built = encodeRoute(ctx, topic, flavor);
  if (built && !(shareable && ctx.cache.putSharedRoute(topic, flavor, built))) ctx.cache.putRoute(topic, flavor, kvVersion, built);
  return built;
}

function encodeRoute(
  ctx: NamesrvContext,
  topic: string,
  flavor: RouteFlavor,
  shape?: (route: TopicRouteData) => TopicRouteData,
): Buffer | null {
  let route = ctx.registry.pickupTopicRoute(topic, { copies: false });
  if (!route) return null;
  if (ctx.config.namesrv.orderMessageEnable) route.orderTopicConf = ctx.kv.get(ORDER_TOPIC_CONFIG_NAMESPACE, topic) ?? null;
  if (shape) route = shape(route);
  return encodeTopicRouteData(route, flavor, ctx.cache.fragments);
}

/**
 * Zone routing (Java's ZoneRouteRPCHook): keep the brokers of the caller's zone, plus any group
 * whose master is down, so that consumers can still read from its slaves.
 */
function filterByZone(route: TopicRouteData, zoneName: string): TopicRouteData {
  const wanted = zoneName.toLowerCase();
  const removed = route.brokerDatas.filter(
    (b) => b.brokerAddrs.has(MASTER_ID) && (b.zoneName ?? '').toLowerCase() !== wanted,
  );
  if (removed.length === 0) return route;
  const removedNames = new Set(removed.map((b) => b.brokerName));
  const filterServerTable = new Map(route.filterServerTable);
  for (const b of removed) for (const addr of b.brokerAddrs.values()) filterServerTable.delete(addr);
  return {
    ...route,
    brokerDatas: route.brokerDatas.filter((b) => !removedNames.has(b.brokerName)),
    queueDatas: route.queueDatas.filter((q) => !removedNames.has(q.brokerName)),
    filterServerTable,
  };
}

export const routeProcessors: ReadonlyArray<[number, Processor]> = [[RequestCode.GET_ROUTEINFO_BY_TOPIC, getRouteInfoByTopic]];
