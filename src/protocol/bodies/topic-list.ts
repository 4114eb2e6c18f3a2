import { fastjsonString, jsonStringArray } from '../../json/fastjson-writer.js';
import type { TopicList } from '../route-types.js';
import { expectObject, optionalString, parseBody, stringArray } from './body-json.js';
import { concurrentHashSetOrder } from './java-map-order.js';

/**
 * TopicList: `{"brokerAddr":"...","topicList":[...]}` (brokerAddr left out when null). Java 5.x
 * holds the topics in `ConcurrentHashMap.newKeySet()`, so they are written in that set's order.
 */
export function encodeTopicList(list: TopicList): Buffer {
  let out = '{';
  if (list.brokerAddr != null) out += '"brokerAddr":' + fastjsonString(list.brokerAddr) + ',';
  out += '"topicList":' + jsonStringArray(concurrentHashSetOrder(list.topicList), 'default');
  return Buffer.from(out + '}', 'utf8');
}

const WHAT = 'TopicList body';

export function decodeTopicList(bytes: Buffer): TopicList {
  const obj = expectObject(parseBody(bytes, WHAT), '(root)', WHAT);
  const list: TopicList = { topicList: stringArray(obj.topicList, 'topicList', WHAT) };
  const brokerAddr = optionalString(obj.brokerAddr, 'brokerAddr', WHAT);
  if (brokerAddr !== undefined) list.brokerAddr = brokerAddr;
  return list;
}
