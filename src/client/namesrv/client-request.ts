import { MQVersion } from '../../protocol/mq-version.js';
import { createRequest, SerializeType, type RemotingCommand } from '../../remoting/remoting-command.js';

/** The protocol version this SDK speaks: it asks for what a 5.3.3 Java client asks for. */
export const CLIENT_VERSION = MQVersion.V5_3_3;

export type HeaderValues = Record<string, string | number | boolean | null | undefined>;

/**
 * A request as a Java client writes it: JSON header, header fields as strings, unset fields left out.
 * The language is JAVA because NameServers before 5.x do not know the NODE_JS language name and
 * reject a JSON header that carries it.
 */
export function clientRequest(code: number, header: HeaderValues = {}, body: Buffer | string | null = null, version: number = CLIENT_VERSION): RemotingCommand {
  const extFields: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) if (value != null) extFields[name] = String(value);
  return createRequest({ code, extFields, body, version, language: 'JAVA', serializeType: SerializeType.JSON });
}
