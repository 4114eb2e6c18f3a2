import { fastjsonString, jsonStringItems } from '../../json/fastjson-writer.js';
import { NEVER_PAUSE, runToEnd, type PauseCheck } from '../../util/slices.js';
import type { TopicList } from '../route-types.js';
import { expectObject, optionalString, parseBody, stringArray } from './body-json.js';
import { concurrentHashSetOrderSteps } from './java-map-order.js';

/** Names per piece of the list's JSON: a piece is encoded between two looks at the pause check. */
const NAMES_PER_PIECE = 4096;
const LIST_END = Buffer.from(']}');

/**
 * TopicList: `{"brokerAddr":"...","topicList":[...]}` (brokerAddr left out when null). Java 5.x
 * holds the topics in `ConcurrentHashMap.newKeySet()`, so they are written in that set's order.
 */
export function encodeTopicList(list: TopicList): Buffer {
  return runToEnd(topicListSteps(list, NEVER_PAUSE));
}

/**
 * `encodeTopicList` as steps that yield when `pause` says (see util/slices): a registry's 300,000
 * names take tens of milliseconds to order and write, which lookups need not wait for.
 */
export function* topicListSteps(list: TopicList, pause: PauseCheck): Generator<void, Buffer> {
  const ordered = yield* concurrentHashSetOrderSteps(list.topicList, pause);
  let head = '{';
  if (list.brokerAddr != null) head += '"brokerAddr":' + fastjsonString(list.brokerAddr) + ',';
  const pieces = [Buffer.from(head + '"topicList":[', 'utf8')];
  for (let from = 0; from < ordered.length; from += NAMES_PER_PIECE) {
    const items = jsonStringItems(ordered.slice(from, from + NAMES_PER_PIECE), 'default');
    pieces.push(Buffer.from(from === 0 ? items : ',' + items, 'utf8'));
    if (pause(NAMES_PER_PIECE)) yield;
  }
  pieces.push(LIST_END);
  return Buffer.concat(pieces);
}

const WHAT = 'TopicList body';

export function decodeTopicList(bytes: Buffer): TopicList {
  const obj = expectObject(parseBody(bytes, WHAT), '(root)', WHAT);
  const list: TopicList = { topicList: stringArray(obj.topicList, 'topicList', WHAT) };
  const brokerAddr = optionalString(obj.brokerAddr, 'brokerAddr', WHAT);
  if (brokerAddr !== undefined) list.brokerAddr = brokerAddr;
  return list;
}
