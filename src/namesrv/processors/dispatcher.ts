import { performance } from 'node:perf_hooks';
import { RequestError } from '../../protocol/request-error.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { requestCodeName } from '../../protocol/request-code.js';
import { createResponse, type RemotingCommand } from '../../remoting/remoting-command.js';
import type { Connection, RequestHandler } from '../../remoting/remoting-server.js';
import type { NamesrvContext, Processor, Reply } from './context.js';

/**
 * Answers a request instead of its handler when it must not run (not allowed, server draining);
 * null lets it through. Runs before the handler, so a refused request changes nothing.
 */
export type RequestGuard = (request: RemotingCommand, connection: Connection) => Reply | null;

/**
 * Routes each request to the processor registered for its code and turns what it answers, or
 * the RequestError it throws, into a response. This is the one place where failures become
 * response codes.
 */
export function createDispatcher(
  processors: ReadonlyMap<number, Processor>,
  ctx: NamesrvContext,
  serverVersion: number,
  guard?: RequestGuard,
): RequestHandler {
  const refused = (request: RemotingCommand, connection: Connection, err: unknown, started: number): Reply => {
    if (!(err instanceof RequestError)) {
      ctx.observer.requestHandled(request.code, ResponseCode.SYSTEM_ERROR, performance.now() - started);
      throw err; // the transport answers SYSTEM_ERROR and logs it
    }
    ctx.logger.warn({ code: requestCodeName(request.code), remote: connection.remoteAddress, remark: err.remark }, 'request refused');
    return { code: err.code, remark: err.remark };
  };
  const answer = (request: RemotingCommand, reply: Reply, started: number): RemotingCommand => {
    ctx.observer.requestHandled(request.code, reply.code, performance.now() - started);
    return createResponse(request, reply, serverVersion);
  };
  return (request: RemotingCommand, connection: Connection) => {
    const started = performance.now();
    const processor = processors.get(request.code);
    if (!processor) {
      ctx.logger.warn({ code: request.code, remote: connection.remoteAddress }, 'request code not supported');
      const remark = ` request type ${request.code} not supported`;
      return answer(request, { code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED, remark }, started);
    }
    const refusal = guard?.(request, connection);
    if (refusal) return answer(request, refusal, started);
    let reply: Reply | Promise<Reply>;
    try {
      reply = processor(request, ctx, connection);
    } catch (err) {
      reply = refused(request, connection, err, started);
    }
    if (reply instanceof Promise) {
      return reply.then(
        (r) => answer(request, r, started),
        (err: unknown) => answer(request, refused(request, connection, err, started), started),
      );
    }
    return answer(request, reply, started);
  };
}
