import { encodeSyncStateSet } from '../../protocol/bodies/controller-bodies.js';
import { ControllerRequestCode } from '../../protocol/controller-codes.js';
import { encodeHeader } from '../../protocol/custom-header.js';
import { SERVER_VERSION } from '../../protocol/mq-version.js';
import { ClientConnection } from '../../remoting/remoting-client.js';
import { createRequest, type RemotingCommand } from '../../remoting/remoting-command.js';
import type { Logger } from '../../util/logger.js';
import type { RoleChange } from '../rules/replicas-rules.js';

/** Sends a oneway request to a broker's address; best effort. */
export type SendOneway = (address: string, request: RemotingCommand) => void;

const CONNECT_TIMEOUT_MS = 3000;
/** Time for the oneway frame to leave before the connection closes. */
const LINGER_MS = 300;

/** NOTIFY_BROKER_ROLE_CHANGED as Java's ControllerManager writes it. */
export function roleChangedRequest(change: RoleChange): RemotingCommand {
  return createRequest({
    code: ControllerRequestCode.NOTIFY_BROKER_ROLE_CHANGED,
    version: SERVER_VERSION,
    oneway: true,
    extFields: encodeHeader({
      masterAddress: change.masterAddress,
      masterEpoch: change.masterEpoch,
      syncStateSetEpoch: change.syncStateSetEpoch,
      masterBrokerId: change.masterBrokerId,
    }),
    body: encodeSyncStateSet({ syncStateSet: [...change.syncStateSet], syncStateSetEpoch: change.syncStateSetEpoch }),
  });
}

/** Connects to the broker, sends the request oneway and closes; failures are logged, never thrown. */
export function connectAndSendOneway(logger: Logger): SendOneway {
  return (address, request) => {
    const at = address.lastIndexOf(':');
    const host = address.slice(0, at);
    const port = Number(address.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port)) {
      logger.warn({ address }, 'cannot notify broker: not a host:port address');
      return;
    }
    ClientConnection.connect({ host, port, connectTimeoutMs: CONNECT_TIMEOUT_MS })
      .then((connection) => {
        try {
          connection.invokeOneway(request);
        } finally {
          setTimeout(() => connection.close(), LINGER_MS).unref();
        }
      })
      .catch((err: unknown) => logger.warn({ address, err: (err as Error).message }, 'could not notify broker of its role change'));
  };
}
