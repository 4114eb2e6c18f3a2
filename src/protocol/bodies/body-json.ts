import { parseJson } from '../../json/lenient-json.js';
import { BodyDecodeError } from '../request-error.js';

/**
 * Reading request and response bodies: JSON text as Java peers write it, and typed access to its
 * fields that fails with a BodyDecodeError naming the offending field.
 */

export type JsonObject = Record<string, unknown>;

/**
 * Parses a body. Standard JSON goes straight to JSON.parse. fastjson's bare number keys
 * (`{0:"a"}`) are quoted in one linear pass and parsed again; anything stranger goes to the
 * lenient reader.
 */
export function parseBody(bytes: Buffer, what: string): unknown {
  if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new BodyDecodeError(`${what}: empty body`);
  return parseBodyText(bytes.toString('utf8'), what);
}

export function parseBodyText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // fall through to the fastjson forms
  }
  const quoted = quoteBareKeys(text);
  if (quoted !== null) {
    try {
      return JSON.parse(quoted);
    } catch {
      // the lenient reader reports the error position
    }
  }
  try {
    return parseJson(text);
  } catch (err) {
    throw new BodyDecodeError(`${what}: not JSON (${(err as Error).message})`);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isBareKeyChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x5f || code === 0x24 || code === 0x2d || code === 0x2e || code === 0x2b // _ $ - . +
  );
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** Index of the quote closing the string that starts at `open`, or -1. */
function closingQuote(text: string, open: number): number {
  let pos = open + 1;
  for (;;) {
    const q = text.indexOf('"', pos);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let i = q - 1; i > open && text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return q;
    pos = q + 1;
  }
}

/**
 * Rewrites bare object keys (`{0:"a",brokerName:"b"}`) as quoted ones. Returns null when the text
 * holds something this pass does not handle (single quotes, unbalanced brackets).
 */
export function quoteBareKeys(text: string): string | null {
  const pieces: string[] = [];
  const inObject: boolean[] = [];
  let copiedUpTo = 0;
  let expectKey = false;
  const length = text.length;
  for (let pos = 0; pos < length; pos++) {
    const code = text.charCodeAt(pos);
    if (code === QUOTE) {
      const end = closingQuote(text, pos);
      if (end < 0) return null;
      pos = end;
      expectKey = false;
      continue;
    }
    if (code === 0x27) return null; // single-quoted strings
    if (isWhitespace(code)) continue;
    if (expectKey) {
      expectKey = false;
      if (code === 0x7d) {
        inObject.pop(); // empty object
        continue;
      }
      if (!isBareKeyChar(code)) return null;
      let end = pos + 1;
      while (end < length && isBareKeyChar(text.charCodeAt(end))) end++;
      pieces.push(text.slice(copiedUpTo, pos), '"', text.slice(pos, end), '"');
      copiedUpTo = end;
      pos = end - 1;
      continue;
    }
    switch (code) {
      case 0x7b: // {
        inObject.push(true);
        expectKey = true;
        break;
      case 0x5b: // [
        inObject.push(false);
        break;
      case 0x7d: // }
      case 0x5d: // ]
        if (inObject.pop() === undefined) return null;
        break;
      case 0x2c: // ,
        expectKey = inObject[inObject.length - 1] === true;
        break;
      default:
        break;
    }
  }
  if (copiedUpTo === 0) return null;
  pieces.push(text.slice(copiedUpTo));
  return pieces.join('');
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

export function expectObject(value: unknown, path: string, what: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BodyDecodeError(`${what}: ${path} must be an object, found ${describe(value)}`);
  }
  return value as JsonObject;
}

/** An object-valued field; null or absent gives undefined. */
export function optionalObject(value: unknown, path: string, what: string): JsonObject | undefined {
  return value === null || value === undefined ? undefined : expectObject(value, path, what);
}

export function expectArray(value: unknown, path: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw new BodyDecodeError(`${what}: ${path} must be an array, found ${describe(value)}`);
  return value;
}

export function optionalString(value: unknown, path: string, what: string): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') throw new BodyDecodeError(`${what}: ${path} must be a string, found ${describe(value)}`);
  return value;
}

export function requiredString(value: unknown, path: string, what: string): string {
  const s = optionalString(value, path, what);
  if (s === undefined) throw new BodyDecodeError(`${what}: ${path} is missing`);
  return s;
}

const INTEGER_TEXT = /^-?\d{1,19}$/;

/** A Java int/long field (fastjson also takes numeric strings); null or absent gives the default. */
export function integerField(value: unknown, path: string, what: string, fallback: number): number {
  if (value === null || value === undefined) return fallback;
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) n = Number(value.trim());
  if (n === undefined || !Number.isInteger(n)) {
    throw new BodyDecodeError(`${what}: ${path} must be an integer, found ${describe(value)}`);
  }
  return n;
}

/** A Java boolean field (fastjson also takes "true"/"false" and 1/0); null or absent gives the default. */
export function booleanField(value: unknown, path: string, what: string, fallback: boolean): boolean {
  if (value === null || value === undefined) return fallback;
  if (value === true || value === 'true' || value === 1) return true;
  if (value === false || value === 'false' || value === 0) return false;
  throw new BodyDecodeError(`${what}: ${path} must be a boolean, found ${describe(value)}`);
}

/** A map key of Java type Long/Integer. */
export function numberKey(key: string, path: string, what: string): number {
  const n = INTEGER_TEXT.test(key) ? Number(key) : NaN;
  if (!Number.isSafeInteger(n)) throw new BodyDecodeError(`${what}: ${path} has a key that is not an integer: ${JSON.stringify(key)}`);
  return n;
}

export function stringArray(value: unknown, path: string, what: string): string[] {
  if (value === null || value === undefined) return [];
  const items = expectArray(value, path, what);
  for (let i = 0; i < items.length; i++) {
    if (typeof items[i] !== 'string') {
      throw new BodyDecodeError(`${what}: ${path}[${i}] must be a string, found ${describe(items[i])}`);
    }
  }
  return items as string[];
}

/** A Map<String, String> field. */
export function stringMap(value: unknown, path: string, what: string): Map<string, string> {
  const result = new Map<string, string>();
  const obj = optionalObject(value, path, what);
  if (!obj) return result;
  for (const key of Object.keys(obj)) result.set(key, requiredString(obj[key], `${path}.${key}`, what));
  return result;
}
