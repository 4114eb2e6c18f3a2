import { encodeKvTable } from '../../protocol/bodies/index.js';
import { decodeHeader } from '../../protocol/custom-header.js';
import {
  DeleteKvConfigHeader,
  GetKvConfigHeader,
  GetKvListByNamespaceHeader,
  PutKvConfigHeader,
} from '../../protocol/namesrv-headers.js';
import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { OK, type Processor, type Reply } from './context.js';

const putKvConfig: Processor = (request, ctx) => {
  const { namespace, key, value } = decodeHeader(PutKvConfigHeader, request.extFields);
  // Answered once the change is on disk, as Java answers after its (synchronous) write.
  return ctx.kv.put(namespace, key, value).then(() => OK);
};

const getKvConfig: Processor = (request, ctx): Reply => {
  const { namespace, key } = decodeHeader(GetKvConfigHeader, request.extFields);
  const value = ctx.kv.get(namespace, key);
  if (value !== undefined) return { code: ResponseCode.SUCCESS, extFields: { value } };
  return {
    code: ResponseCode.QUERY_NOT_FOUND,
    remark: `No config item, Namespace: ${namespace} Key: ${key}`,
    extFields: {},
  };
};

const deleteKvConfig: Processor = (request, ctx) => {
  const { namespace, key } = decodeHeader(DeleteKvConfigHeader, request.extFields);
  return ctx.kv.delete(namespace, key).then(() => OK);
};

const getKvListByNamespace: Processor = (request, ctx) => {
  const { namespace } = decodeHeader(GetKvListByNamespaceHeader, request.extFields);
  const table = ctx.kv.namespace(namespace);
  if (!table) return { code: ResponseCode.QUERY_NOT_FOUND, remark: `No config item, Namespace: ${namespace}` };
  return { code: ResponseCode.SUCCESS, body: encodeKvTable(new Map(table)) };
};

export const kvProcessors: ReadonlyArray<[number, Processor]> = [
  [RequestCode.PUT_KV_CONFIG, putKvConfig],
  [RequestCode.GET_KV_CONFIG, getKvConfig],
  [RequestCode.DELETE_KV_CONFIG, deleteKvConfig],
  [RequestCode.GET_KVLIST_BY_NAMESPACE, getKvListByNamespace],
];
