import { jsonLong, jsonNumberKey, jsonString, type FastjsonMode } from '../../json/fastjson-writer.js';
import type { TopicQueueMappingInfo } from '../route-types.js';
import { booleanField, expectObject, integerField, numberKey, optionalObject, optionalString } from './body-json.js';

const GLOBAL_SCOPE = '__global__';

/**
 * Checks a static-topic mapping (Java `TopicQueueMappingInfo`) and keeps it as sent, so it can be
 * passed on. `currIdMap` has Integer keys, which plain fastjson writes bare (`{0:0}`).
 */
export function readTopicQueueMappingInfo(value: unknown, path: string, what: string): TopicQueueMappingInfo {
  const info = expectObject(value, path, what);
  optionalString(info.bname, `${path}.bname`, what);
  optionalString(info.topic, `${path}.topic`, what);
  optionalString(info.scope, `${path}.scope`, what);
  integerField(info.totalQueues, `${path}.totalQueues`, what, 0);
  integerField(info.epoch, `${path}.epoch`, what, 0);
  booleanField(info.dirty, `${path}.dirty`, what, false);
  const ids = optionalObject(info.currIdMap, `${path}.currIdMap`, what);
  if (ids) {
    for (const key of Object.keys(ids)) {
      numberKey(key, `${path}.currIdMap`, what);
      integerField(ids[key], `${path}.currIdMap.${key}`, what, 0);
    }
  }
  return info as TopicQueueMappingInfo;
}

/**
 * What Java writes after reading the mapping into its class: its properties in alphabetical
 * order (bname, currIdMap, dirty, epoch, scope, topic, totalQueues), Java's defaults for absent
 * ones, nulls left out, unknown properties dropped.
 */
export function topicQueueMappingInfoJson(info: TopicQueueMappingInfo, mode: FastjsonMode): string {
  const parts: string[] = [];
  if (typeof info.bname === 'string') parts.push('"bname":' + jsonString(info.bname, mode));
  if (info.currIdMap !== null) parts.push('"currIdMap":' + currIdMapJson(info.currIdMap, mode));
  parts.push('"dirty":' + (info.dirty === true || info.dirty === 'true' ? 'true' : 'false'));
  parts.push('"epoch":' + jsonLong(numberOr(info.epoch, 0), mode));
  const scope = info.scope === undefined ? GLOBAL_SCOPE : info.scope;
  if (typeof scope === 'string') parts.push('"scope":' + jsonString(scope, mode));
  if (typeof info.topic === 'string') parts.push('"topic":' + jsonString(info.topic, mode));
  parts.push('"totalQueues":' + numberOr(info.totalQueues, 0));
  return '{' + parts.join(',') + '}';
}

function numberOr(value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isInteger(Number(value))) return Number(value);
  return fallback;
}

// A ConcurrentHashMap<Integer, Integer>: small ids iterate ascending, and MapSortField sorts them.
function currIdMapJson(ids: unknown, mode: FastjsonMode): string {
  if (typeof ids !== 'object' || ids === null) return '{}';
  const entries = ids instanceof Map ? Array.from(ids as Map<unknown, unknown>) : Object.entries(ids);
  const numeric = entries
    .map(([k, v]) => [Number(k), numberOr(v, 0)] as const)
    .filter(([k]) => Number.isInteger(k))
    .sort((a, b) => a[0] - b[0]);
  return '{' + numeric.map(([k, v]) => jsonNumberKey(k, mode) + v).join(',') + '}';
}
