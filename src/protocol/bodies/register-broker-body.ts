import { jsonStringArray } from '../../json/fastjson-writer.js';
import type { RegisterBrokerBody } from '../route-types.js';
import { BodyDecodeError } from '../request-error.js';
import { expectObject, parseBody, stringArray } from './body-json.js';
import { decodeCompressedRegisterBrokerBody, encodeCompressedRegisterBrokerBody } from './register-broker-body-compressed.js';
import { readTopicConfigSerializeWrapper, topicConfigSerializeWrapperJson } from './topic-config-serialize-wrapper.js';

const WHAT = 'RegisterBrokerBody';

/**
 * The REGISTER_BROKER body. JSON form: `{"filterServerList":[...],"topicConfigSerializeWrapper":{...}}`.
 * Compressed form (header `compressed=true`, Java 4.9.x/5.x): see register-broker-body-compressed.ts.
 */
/** `brokerVersion` (the sender's remoting version) decides the compressed form's shape. */
export function encodeRegisterBrokerBody(body: RegisterBrokerBody, compressed: boolean, brokerVersion?: number): Buffer {
  if (compressed) return encodeCompressedRegisterBrokerBody(body, brokerVersion);
  const json =
    '{"filterServerList":' + jsonStringArray(body.filterServerList ?? [], 'default') +
    ',"topicConfigSerializeWrapper":' + topicConfigSerializeWrapperJson(body.topicConfigSerializeWrapper) + '}';
  return Buffer.from(json, 'utf8');
}

export function decodeRegisterBrokerBody(bytes: Buffer, compressed: boolean): RegisterBrokerBody {
  if (compressed) return decodeCompressedRegisterBrokerBody(bytes);
  const obj = expectObject(parseBody(bytes, WHAT), '(root)', WHAT);
  if (obj.topicConfigSerializeWrapper == null) throw new BodyDecodeError(`${WHAT}: topicConfigSerializeWrapper is missing`);
  return {
    topicConfigSerializeWrapper: readTopicConfigSerializeWrapper(obj.topicConfigSerializeWrapper, 'topicConfigSerializeWrapper', WHAT),
    filterServerList: stringArray(obj.filterServerList, 'filterServerList', WHAT),
  };
}
