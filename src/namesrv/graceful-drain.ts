import { MQVersion } from '../protocol/mq-version.js';
import { ResponseCode } from '../protocol/response-code.js';
import type { RemotingCommand } from '../remoting/remoting-command.js';
import type { Reply } from './processors/context.js';

/** Java's remark on GO_AWAY. */
export const GO_AWAY_REMARK = 'please go away';

/**
 * While the server drains (`enableShutdownGracefully`), what a request is answered instead of
 * being handled: clients newer than 5.3.1 understand GO_AWAY and move to another NameServer;
 * older ones are served until the connection closes, as Java 5.3's remoting server does.
 */
export function goAwayReply(request: RemotingCommand): Reply | null {
  return request.version > MQVersion.V5_3_1 ? { code: ResponseCode.GO_AWAY, remark: GO_AWAY_REMARK } : null;
}

/** A wait that can be called off, so that a drain that ends early leaves no timer behind. */
export function cancellableDelay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
