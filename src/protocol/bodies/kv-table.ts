import { jsonString, jsonStringKey } from '../../json/fastjson-writer.js';
import { expectObject, parseBody, stringMap } from './body-json.js';
import { defaultHashMapOrder } from './java-map-order.js';

/**
 * KVTable: `{"table":{...}}`. Java's table is a `HashMap<String, String>`, written in that order.
 */
export function encodeKvTable(table: Map<string, string> | Record<string, string>): Buffer {
  const entries = table instanceof Map ? table : new Map(Object.entries(table));
  const parts: string[] = [];
  for (const key of defaultHashMapOrder(Array.from(entries.keys()))) {
    const value = entries.get(key);
    if (value == null) continue;
    parts.push(jsonStringKey(key, 'default') + jsonString(value, 'default'));
  }
  return Buffer.from('{"table":{' + parts.join(',') + '}}', 'utf8');
}

const WHAT = 'KVTable body';

export function decodeKvTable(bytes: Buffer): Map<string, string> {
  const obj = expectObject(parseBody(bytes, WHAT), '(root)', WHAT);
  return stringMap(obj.table, 'table', WHAT);
}
