import { decodeKvTable } from '../../protocol/bodies/index.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { parseHostPort } from '../../client/namesrv/address-list.js';
import { clientRequest } from '../../client/namesrv/client-request.js';
import { ClientConnection } from '../../remoting/remoting-client.js';
import { signedCopy, type Credentials } from '../../security/signature.js';

/** Java's GET_BROKER_RUNTIME_INFO, answered by brokers (not NameServers) with a KVTable of stats. */
const GET_BROKER_RUNTIME_INFO = 28;

/** A broker's runtime stats, or null when it cannot be reached or refuses. */
export async function fetchBrokerRuntimeStats(brokerAddr: string, timeoutMs: number, credentials?: Credentials): Promise<Map<string, string> | null> {
  let connection: ClientConnection | null = null;
  try {
    const { host, port } = parseHostPort(brokerAddr);
    connection = await ClientConnection.connect({ host, port, connectTimeoutMs: timeoutMs });
    const response = await connection.invoke(signedCopy(clientRequest(GET_BROKER_RUNTIME_INFO), credentials), timeoutMs);
    if (response.code !== ResponseCode.SUCCESS || !response.body) return null;
    return decodeKvTable(response.body);
  } catch {
    return null;
  } finally {
    connection?.close();
  }
}
