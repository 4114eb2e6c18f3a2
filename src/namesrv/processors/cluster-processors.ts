import { encodeClusterInfo } from '../../protocol/bodies/index.js';
import { decodeHeader } from '../../protocol/custom-header.js';
import { BrokerNameHeader } from '../../protocol/namesrv-headers.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import type { Processor } from './context.js';

const getBrokerClusterInfo: Processor = (_request, ctx) => ({
  code: ResponseCode.SUCCESS,
  body: ctx.cache.clusterInfo(() => encodeClusterInfo(ctx.registry.clusterInfo())),
});

const wipeWritePermOfBroker: Processor = (request, ctx, connection) => {
  const { brokerName } = decodeHeader(BrokerNameHeader, request.extFields);
  const count = ctx.registry.wipeWritePermOfBroker(brokerName);
  ctx.logger.info({ brokerName, remote: connection.remoteAddress, topics: count }, 'wipe write perm of broker');
  return { code: ResponseCode.SUCCESS, extFields: { wipeTopicCount: String(count) } };
};

const addWritePermOfBroker: Processor = (request, ctx, connection) => {
  const { brokerName } = decodeHeader(BrokerNameHeader, request.extFields);
  const count = ctx.registry.addWritePermOfBroker(brokerName);
  ctx.logger.info({ brokerName, remote: connection.remoteAddress, topics: count }, 'add write perm of broker');
  return { code: ResponseCode.SUCCESS, extFields: { addTopicCount: String(count) } };
};

export const clusterProcessors: ReadonlyArray<[number, Processor]> = [
  [RequestCode.GET_BROKER_CLUSTER_INFO, getBrokerClusterInfo],
  [RequestCode.WIPE_WRITE_PERM_OF_BROKER, wipeWritePermOfBroker],
  [RequestCode.ADD_WRITE_PERM_OF_BROKER, addWritePermOfBroker],
];
