/** Java's `%-Ns` (left-justified) and `%Ns` (right-justified): padded, never cut. */
export function left(value: unknown, width: number): string {
  return String(value ?? '').padEnd(width);
}

export function right(value: unknown, width: number): string {
  return String(value ?? '').padStart(width);
}

/**
 * Maps and sets as plain objects and arrays, for JSON output. With `sortFields`, the properties of
 * objects (not of maps) come in alphabetical order, as fastjson writes Java beans.
 */
export function toPlain(value: unknown, sortFields = false): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = toPlain(v, sortFields);
    return out;
  }
  if (value instanceof Set) return Array.from(value, (v) => toPlain(v, sortFields));
  if (Array.isArray(value)) return value.map((v) => toPlain(v, sortFields));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const entries = Object.entries(value);
    if (sortFields) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [k, v] of entries) if (v !== undefined && !(sortFields && v === null)) out[k] = toPlain(v, sortFields);
    return out;
  }
  return value;
}

export function json(value: unknown, indent: string | number = 2): string {
  return JSON.stringify(toPlain(value), null, indent) + '\n';
}

/** Java's `String.compareTo` order (UTF-16 code units), as TreeSet sorts names. */
export function javaSort(values: Iterable<string>): string[] {
  return Array.from(values).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Settings per server as Java's getNamesrvConfig / getControllerConfig print them. */
export function configsByServer(configs: Iterable<readonly [string, Iterable<readonly [string, string]>]>): string {
  let text = '';
  for (const [address, config] of configs) {
    text += `============${address}============\n`;
    for (const [key, value] of config) text += `${left(key, 50)}=  ${value}\n`;
  }
  return text;
}
