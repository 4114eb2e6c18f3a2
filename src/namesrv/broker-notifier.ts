import { RequestCode } from '../protocol/request-code.js';
import { createRequest } from '../remoting/remoting-command.js';
import { ClientConnection } from '../remoting/remoting-client.js';
import { SERVER_VERSION } from '../protocol/mq-version.js';
import type { Logger } from '../util/logger.js';
import type { MinBrokerIdChange } from './route/route-registry.js';

/** Java's remoting client connects within 3 s (its connectTimeoutMillis)... */
const CONNECT_TIMEOUT_MS = 3000;
/** ...and gives the oneway notice 300 ms to leave. */
const NOTIFY_TIMEOUT_MS = 300;

/**
 * Tells brokers that their group's lowest live broker id changed (NOTIFY_MIN_BROKER_ID_CHANGE,
 * oneway), so a slave can start or stop acting as master. Best effort: a broker that cannot be
 * reached learns the state at its next registration.
 */
export function notifyMinBrokerIdChanged(change: MinBrokerIdChange, logger: Logger): void {
  const extFields: Record<string, string> = {
    minBrokerId: String(change.minBrokerId),
    brokerName: change.brokerName,
    minBrokerAddr: change.minBrokerAddr,
  };
  if (change.offlineBrokerAddr) extFields.offlineBrokerAddr = change.offlineBrokerAddr;
  if (change.haBrokerAddr) extFields.haBrokerAddr = change.haBrokerAddr;
  for (const address of change.notify) {
    const [host, port] = splitAddress(address);
    ClientConnection.connect({ host, port, connectTimeoutMs: CONNECT_TIMEOUT_MS })
      .then((connection) => {
        try {
          connection.invokeOneway(createRequest({ code: RequestCode.NOTIFY_MIN_BROKER_ID_CHANGE, extFields, version: SERVER_VERSION }));
        } catch (err) {
          connection.close();
          throw err;
        }
        // A moment for the oneway frame to leave before the connection closes.
        setTimeout(() => connection.close(), NOTIFY_TIMEOUT_MS).unref();
      })
      .catch((err: unknown) => logger.warn({ address, err: (err as Error).message }, 'could not notify broker of min broker id change'));
  }
}

function splitAddress(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at), Number(address.slice(at + 1))];
}
