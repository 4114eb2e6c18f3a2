import { decodeTopicRouteData, encodeTopicList, topicListSteps } from '../../protocol/bodies/index.js';
import { decodeHeader } from '../../protocol/custom-header.js';
import { DeleteTopicFromNamesrvHeader, GetTopicsByClusterHeader, RegisterTopicHeader } from '../../protocol/namesrv-headers.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { TopicList } from '../../protocol/route-types.js';
import { runListPass } from '../../util/slices.js';
import { OK, type NamesrvContext, type Processor, type Reply } from './context.js';

const DISABLED: Reply = Object.freeze({ code: ResponseCode.SYSTEM_ERROR, remark: 'disable' });

function topicList(topics: string[], brokerAddr?: string | null): Reply {
  return { code: ResponseCode.SUCCESS, body: encodeTopicList({ topicList: topics, brokerAddr }) };
}

/** Large lists (and a cluster's list from a large registry) are made and written in slices, lookups served in between. */
function encodedList(list: TopicList): Buffer | Promise<Buffer> {
  return runListPass(list.topicList.length, (pause) => topicListSteps(list, pause));
}

function listReply(body: Buffer | Promise<Buffer>): Reply | Promise<Reply> {
  if (body instanceof Promise) return body.then((bytes) => ({ code: ResponseCode.SUCCESS, body: bytes }));
  return { code: ResponseCode.SUCCESS, body };
}

/** A list that is a pass over every topic, kept encoded under `name` while the registry is unchanged. */
function keptTopicList(ctx: NamesrvContext, name: string, list: () => string[] | Promise<string[]>): Reply | Promise<Reply> {
  return listReply(
    ctx.cache.topicList(name, () => {
      const topics = list();
      return topics instanceof Promise ? topics.then((topicList) => encodedList({ topicList })) : encodedList({ topicList: topics });
    }),
  );
}

/** The unit-topic lists are all gated by `enableTopicList`. */
function gatedTopicList(name: string, list: (ctx: NamesrvContext) => string[]): Processor {
  return (_request, ctx) => (ctx.config.namesrv.enableTopicList ? keptTopicList(ctx, name, () => list(ctx)) : DISABLED);
}

const getAllTopicList: Processor = (_request, ctx, connection) => {
  ctx.logger.info({ remote: connection.remoteAddress, enabled: ctx.config.namesrv.enableAllTopicList }, 'get all topic list');
  if (!ctx.config.namesrv.enableAllTopicList) return DISABLED;
  return listReply(ctx.cache.allTopics(() => encodedList({ topicList: ctx.registry.allTopics() })));
};

const getTopicsByCluster: Processor = (request, ctx) => {
  if (!ctx.config.namesrv.enableTopicList) return DISABLED;
  const { cluster } = decodeHeader(GetTopicsByClusterHeader, request.extFields);
  // Only clusters that exist are kept: the name is the caller's choice.
  if (!ctx.registry.clusterInfo().clusterAddrTable.has(cluster)) return topicList([]);
  return keptTopicList(ctx, `cluster:${cluster}`, () => runListPass(ctx.registry.topicCount, (pause) => ctx.registry.topicsOfCluster(cluster, pause)));
};

const getSystemTopicList: Processor = (_request, ctx) => {
  const { topicList: topics, brokerAddr } = ctx.registry.systemTopicList();
  return topicList(topics, brokerAddr);
};

const deleteTopicInNamesrv: Processor = (request, ctx) => {
  const { topic, clusterName } = decodeHeader(DeleteTopicFromNamesrvHeader, request.extFields);
  ctx.registry.deleteTopic(topic, clusterName);
  return OK;
};

const registerTopicInNamesrv: Processor = (request, ctx) => {
  const { topic } = decodeHeader(RegisterTopicHeader, request.extFields);
  if (request.body) {
    const route = decodeTopicRouteData(request.body);
    if (route.queueDatas.length > 0) ctx.registry.registerTopic(topic, route.queueDatas);
  }
  return OK;
};

export const topicProcessors: ReadonlyArray<[number, Processor]> = [
  [RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, getAllTopicList],
  [RequestCode.GET_TOPICS_BY_CLUSTER, getTopicsByCluster],
  [RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS, getSystemTopicList],
  [RequestCode.GET_UNIT_TOPIC_LIST, gatedTopicList('unit', (ctx) => ctx.registry.unitTopics())],
  [RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST, gatedTopicList('unit-sub', (ctx) => ctx.registry.hasUnitSubTopics())],
  [RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, gatedTopicList('unit-sub-ununit', (ctx) => ctx.registry.hasUnitSubUnUnitTopics())],
  [RequestCode.DELETE_TOPIC_IN_NAMESRV, deleteTopicInNamesrv],
  [RequestCode.REGISTER_TOPIC_IN_NAMESRV, registerTopicInNamesrv],
];
