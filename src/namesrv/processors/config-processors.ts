import { RequestCode } from '../../protocol/request-code.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { OK, type Processor } from './context.js';

const updateNamesrvConfig: Processor = (request, ctx, connection) => {
  ctx.logger.info({ remote: connection.remoteAddress }, 'update namesrv config');
  if (!request.body) return OK;
  let properties: Map<string, string>;
  try {
    properties = ctx.parseProperties(request.body.toString('utf8'));
  } catch {
    return { code: ResponseCode.SYSTEM_ERROR, remark: 'string2Properties error' };
  }
  const { ignored } = ctx.config.update(properties);
  if (ignored.length > 0) ctx.logger.warn({ remote: connection.remoteAddress, properties: ignored }, 'update namesrv config: unknown properties ignored');
  // Switches such as orderMessageEnable and supportActingMaster shape cached answers.
  ctx.cache.clear();
  if (ctx.logger.level !== ctx.config.logLevel) ctx.logger.level = ctx.config.logLevel;
  return OK;
};

const getNamesrvConfig: Processor = (_request, ctx) => {
  const content = ctx.config.formatAll();
  return { code: ResponseCode.SUCCESS, body: content.trim() === '' ? null : Buffer.from(content, 'utf8') };
};

export const configProcessors: ReadonlyArray<[number, Processor]> = [
  [RequestCode.UPDATE_NAMESRV_CONFIG, updateNamesrvConfig],
  [RequestCode.GET_NAMESRV_CONFIG, getNamesrvConfig],
];
