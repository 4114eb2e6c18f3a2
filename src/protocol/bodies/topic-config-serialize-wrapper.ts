import { jsonStringKey } from '../../json/fastjson-writer.js';
import type { TopicConfig, TopicConfigSerializeWrapper, TopicQueueMappingInfo } from '../route-types.js';
import { expectObject, optionalObject, parseBody } from './body-json.js';
import { dataVersionJson, readDataVersion } from './data-version.js';
import { readTopicConfig, topicConfigJson } from './topic-config.js';
import { readTopicQueueMappingInfo, topicQueueMappingInfoJson } from './topic-queue-mapping-info.js';

/**
 * `TopicConfigSerializeWrapper` (and 5.x's `TopicConfigAndMappingSerializeWrapper`) as plain
 * fastjson writes it: dataVersion, topicConfigTable, then topicQueueMappingInfoMap when present.
 * Tables keep the order they were built in (Java's come from a broker-side ConcurrentHashMap).
 */
export function topicConfigSerializeWrapperJson(wrapper: TopicConfigSerializeWrapper): string {
  let out = '{"dataVersion":' + dataVersionJson(wrapper.dataVersion) + ',"topicConfigTable":{';
  let first = true;
  for (const [name, config] of wrapper.topicConfigTable) {
    if (config == null) continue;
    if (!first) out += ',';
    out += jsonStringKey(name, 'default') + topicConfigJson(config);
    first = false;
  }
  out += '}';
  if (wrapper.topicQueueMappingInfoMap != null) {
    const parts: string[] = [];
    for (const [topic, info] of wrapper.topicQueueMappingInfoMap) {
      if (info == null) continue;
      parts.push(jsonStringKey(topic, 'default') + topicQueueMappingInfoJson(info, 'default'));
    }
    out += ',"topicQueueMappingInfoMap":{' + parts.join(',') + '}';
  }
  return out + '}';
}

export function readTopicConfigSerializeWrapper(value: unknown, path: string, what: string): TopicConfigSerializeWrapper {
  const obj = expectObject(value, path, what);
  const dataVersion =
    obj.dataVersion == null
      ? { stateVersion: 0, timestamp: 0, counter: 0 }
      : readDataVersion(obj.dataVersion, `${path}.dataVersion`, what);

  const topicConfigTable = new Map<string, TopicConfig>();
  const table = optionalObject(obj.topicConfigTable, `${path}.topicConfigTable`, what);
  if (table) {
    for (const name in table) {
      if (!Object.prototype.hasOwnProperty.call(table, name) || table[name] === null) continue;
      topicConfigTable.set(name, readTopicConfig(table[name], name, () => `${path}.topicConfigTable.${name}`, what));
    }
  }

  const wrapper: TopicConfigSerializeWrapper = { dataVersion, topicConfigTable };
  const mappings = optionalObject(obj.topicQueueMappingInfoMap, `${path}.topicQueueMappingInfoMap`, what);
  if (mappings) {
    const infoMap = new Map<string, TopicQueueMappingInfo>();
    for (const topic of Object.keys(mappings)) {
      if (mappings[topic] === null) continue;
      infoMap.set(topic, readTopicQueueMappingInfo(mappings[topic], `${path}.topicQueueMappingInfoMap.${topic}`, what));
    }
    wrapper.topicQueueMappingInfoMap = infoMap;
  }
  return wrapper;
}

/** The body pre-3.0.11 brokers send with REGISTER_BROKER: the wrapper alone. */
export function decodeTopicConfigSerializeWrapper(bytes: Buffer): TopicConfigSerializeWrapper {
  const what = 'TopicConfigSerializeWrapper body';
  return readTopicConfigSerializeWrapper(parseBody(bytes, what), '(root)', what);
}
