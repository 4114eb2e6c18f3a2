import { encodeClusterInfo } from '../../protocol/bodies/index.js';
import { decodeHeader } from '../../protocol/custom-header.js';
import { BrokerNameHeader } from '../../protocol/namesrv-headers.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Processor, Reply } from './context.js';

const getBrokerClusterInfo: Processor = (_request, ctx) => ({
  code: ResponseCode.SUCCESS,
  body: ctx.cache.clusterInfo(() => encodeClusterInfo(ctx.registry.clusterInfo())),
});

/** WIPE_WRITE_PERM_OF_BROKER / ADD_WRITE_PERM_OF_BROKER: answers how many topics changed, in `countField`. */
function writePermOfBroker(change: 'wipe' | 'add', countField: string): Processor {
  return (request, ctx, connection) => {
    const { brokerName } = decodeHeader(BrokerNameHeader, request.extFields);
    const answer = (count: number): Reply => {
      ctx.logger.info({ brokerName, remote: connection.remoteAddress, topics: count }, `${change} write perm of broker`);
      return { code: ResponseCode.SUCCESS, extFields: { [countField]: String(count) } };
    };
    const counted = ctx.registry.changeWritePerm(brokerName, change);
    return counted instanceof Promise ? counted.then(answer) : answer(counted);
  };
}

export const clusterProcessors: ReadonlyArray<[number, Processor]> = [
  [RequestCode.GET_BROKER_CLUSTER_INFO, getBrokerClusterInfo],
  [RequestCode.WIPE_WRITE_PERM_OF_BROKER, writePermOfBroker('wipe', 'wipeTopicCount')],
  [RequestCode.ADD_WRITE_PERM_OF_BROKER, writePermOfBroker('add', 'addTopicCount')],
];
