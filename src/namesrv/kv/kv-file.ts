import { hashMapOrder } from '../../json/java-hash-order.js';
import { parseJson } from '../../json/lenient-json.js';

/** namespace → key → value */
export type KvTable = Map<string, Map<string, string>>;

export class KvFileFormatError extends Error {
  override readonly name = 'KvFileFormatError';
}

/**
 * kvConfig.json as Java's KVConfigManager writes it with fastjson: `{"configTable":{"NS":{"K":"V"}}}`,
 * compact, non-ASCII raw, `/` unescaped, and both levels in Java HashMap iteration order.
 */
export function serializeKvTable(table: KvTable): string {
  const namespaces = hashMapOrder([...table.keys()]).map((ns) => `${JSON.stringify(ns)}:${serializeMap(table.get(ns)!)}`);
  return `{"configTable":{${namespaces.join(',')}}}`;
}

function serializeMap(map: ReadonlyMap<string, string>): string {
  const entries = hashMapOrder([...map.keys()]).map((key) => `${JSON.stringify(key)}:${JSON.stringify(map.get(key)!)}`);
  return `{${entries.join(',')}}`;
}

/** Reads kvConfig.json (also fastjson's relaxed form). Throws KvFileFormatError if it is not one. */
export function parseKvTable(text: string): KvTable {
  let document: unknown;
  try {
    document = parseJson(text);
  } catch (error) {
    throw new KvFileFormatError(`not JSON (${(error as Error).message})`);
  }
  if (!isObject(document)) throw new KvFileFormatError('not a JSON object');
  const table: KvTable = new Map();
  const configTable = document.configTable;
  if (configTable === undefined || configTable === null) return table;
  if (!isObject(configTable)) throw new KvFileFormatError('"configTable" is not an object');
  for (const [namespace, entries] of Object.entries(configTable)) {
    if (!isObject(entries)) throw new KvFileFormatError(`namespace "${namespace}" is not an object`);
    const map = new Map<string, string>();
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value === 'string') map.set(key, value);
      else if (typeof value === 'number' || typeof value === 'boolean') map.set(key, String(value));
      else throw new KvFileFormatError(`value of "${namespace}"/"${key}" is not a string`);
    }
    table.set(namespace, map);
  }
  return table;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
