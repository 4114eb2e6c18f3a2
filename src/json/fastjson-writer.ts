/**
 * Pieces of JSON text written exactly as fastjson 1.2.83 `JSON.toJSONString` writes them.
 *
 * Two modes matter on the wire:
 * - default (`JSON.toJSONString(obj)`): map keys of a number type are written bare (`{0:"a"}`),
 *   non-ASCII text is written raw, and only control characters, `"`, `\`, U+007F–U+009F and
 *   U+2028/U+2029 are escaped;
 * - BrowserCompatible (with QuoteFieldNames): number keys are quoted (`{"0":"a"}`), `/` is escaped,
 *   and every character outside printable ASCII becomes `\uXXXX` (UTF-16 units, upper-case hex).
 *   Long values beyond ±(2^53 - 1) are written as strings.
 *
 * Bean properties are always written in alphabetical order and null properties are left out;
 * callers write them in that order themselves.
 */

export type FastjsonMode = 'default' | 'browserCompatible';

const HEX = '0123456789ABCDEF';

function unicodeEscape(code: number): string {
  return '\\u' + HEX[(code >>> 12) & 15] + HEX[(code >>> 8) & 15] + HEX[(code >>> 4) & 15] + HEX[code & 15];
}

// Short escapes fastjson uses in both modes; '/' only in BrowserCompatible mode.
const SHORT_ESCAPES: Record<number, string> = {
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0c: '\\f',
  0x0d: '\\r',
  0x22: '\\"',
  0x5c: '\\\\',
};

const NEEDS_DEFAULT_ESCAPE = /[\u0000-\u001f"\\\u007f-\u009f\u2028\u2029]/;
const NEEDS_BROWSER_ESCAPE = /[\u0000-\u001f"\\/\u007f-\uffff]/;

const needsDefaultEscape = (text: string): boolean => NEEDS_DEFAULT_ESCAPE.test(text);
const needsBrowserEscape = (text: string): boolean => NEEDS_BROWSER_ESCAPE.test(text);

/** A JSON string literal as fastjson writes it by default (SerializeWriter with no escaping features). */
export function fastjsonString(text: string): string {
  if (!NEEDS_DEFAULT_ESCAPE.test(text)) return '"' + text + '"';
  let out = '"';
  let chunkStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let escaped: string | undefined;
    if (code < 0x20) escaped = SHORT_ESCAPES[code] ?? unicodeEscape(code);
    else if (code === 0x22 || code === 0x5c) escaped = SHORT_ESCAPES[code];
    else if ((code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029) escaped = unicodeEscape(code);
    if (escaped !== undefined) {
      out += text.slice(chunkStart, i) + escaped;
      chunkStart = i + 1;
    }
  }
  return out + text.slice(chunkStart) + '"';
}

/** A JSON string literal as fastjson writes it with SerializerFeature.BrowserCompatible. */
export function browserCompatibleString(text: string): string {
  if (!NEEDS_BROWSER_ESCAPE.test(text)) return '"' + text + '"';
  let out = '"';
  let chunkStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let escaped: string | undefined;
    if (code === 0x2f) escaped = '\\/';
    else if (code < 0x20 || code === 0x22 || code === 0x5c) escaped = SHORT_ESCAPES[code] ?? unicodeEscape(code);
    else if (code >= 0x7f) escaped = unicodeEscape(code);
    if (escaped !== undefined) {
      out += text.slice(chunkStart, i) + escaped;
      chunkStart = i + 1;
    }
  }
  return out + text.slice(chunkStart) + '"';
}

export function jsonString(text: string, mode: FastjsonMode): string {
  return mode === 'browserCompatible' ? browserCompatibleString(text) : fastjsonString(text);
}

const MAX_BROWSER_SAFE_LONG = 9007199254740991;

/** A Java long/int value. BrowserCompatible quotes longs a browser could not hold exactly. */
export function jsonLong(value: number, mode: FastjsonMode): string {
  const digits = Number.isSafeInteger(value) ? String(value) : BigInt(Math.trunc(value)).toString();
  if (mode === 'browserCompatible' && (value > MAX_BROWSER_SAFE_LONG || value < -MAX_BROWSER_SAFE_LONG)) {
    return '"' + digits + '"';
  }
  return digits;
}

/** A map key of Java type Long or Integer, colon included: `0:` by default, `"0":` when BrowserCompatible. */
export function jsonNumberKey(key: number, mode: FastjsonMode): string {
  const digits = Number.isSafeInteger(key) ? String(key) : BigInt(Math.trunc(key)).toString();
  return mode === 'browserCompatible' ? '"' + digits + '":' : digits + ':';
}

/** A map key of Java type String, colon included (QuoteFieldNames is on in every mode RocketMQ uses). */
export function jsonStringKey(key: string, mode: FastjsonMode): string {
  return jsonString(key, mode) + ':';
}

/** String keys in the order MapSortField writes them: a TreeMap's natural order (UTF-16 code units). */
export function mapSortFieldOrder(keys: Iterable<string>): string[] {
  return Array.from(keys).sort(compareUtf16);
}

/** Number keys in a TreeMap's natural order. */
export function mapSortFieldNumberOrder(keys: Iterable<number>): number[] {
  return Array.from(keys).sort((a, b) => a - b);
}

function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A JSON array of strings, as fastjson writes a List<String> or Set<String>. */
export function jsonStringArray(items: Iterable<string>, mode: FastjsonMode): string {
  return '[' + jsonStringItems(Array.isArray(items) ? items : Array.from(items), mode) + ']';
}

/** The entries of a JSON array of strings, comma-separated, without the brackets. */
export function jsonStringItems(items: readonly string[], mode: FastjsonMode): string {
  // A long list of names that need no escaping (a registry's topics, 300,000 of them) is joined
  // natively rather than quoted one by one.
  if (items.length > 1 && !items.some(mode === 'browserCompatible' ? needsBrowserEscape : needsDefaultEscape)) {
    return '"' + items.join('","') + '"';
  }
  let out = '';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += jsonString(items[i]!, mode);
  }
  return out;
}
