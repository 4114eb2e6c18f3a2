/**
 * Java `.properties` text, read as `java.util.Properties.load` reads it and written so that it reads back.
 * Writing follows `MixAll.properties2String` (`key=value\n`, no comment or date line), escaping only what
 * `load` would otherwise misread, so ordinary settings come out byte-for-byte as Java writes them.
 */

export class PropertiesSyntaxError extends SyntaxError {
  override readonly name = 'PropertiesSyntaxError';
}

const BLANK = /^[ \t\f]*/;

/** Keys in file order; a repeated key keeps its last value, as in Java. */
export function parseProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let logical = stripLeadingBlanks(lines[i]!);
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (endsWithOddBackslashes(logical)) {
      logical = logical.slice(0, -1);
      if (++i >= lines.length) break;
      logical += stripLeadingBlanks(lines[i]!);
    }
    const [key, value] = splitKeyValue(logical);
    result.set(unescape(key), unescape(value));
  }
  return result;
}

function stripLeadingBlanks(line: string): string {
  return line.replace(BLANK, '');
}

function endsWithOddBackslashes(s: string): boolean {
  let count = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\f';
}

/** The key ends at the first unescaped `=`, `:` or blank; one `=`/`:` and the blanks around it are dropped. */
function splitKeyValue(line: string): [string, string] {
  let keyEnd = 0;
  let valueStart = line.length;
  let hasSeparator = false;
  let escaped = false;
  for (; keyEnd < line.length; keyEnd++) {
    const c = line[keyEnd]!;
    if (!escaped && (c === '=' || c === ':')) {
      valueStart = keyEnd + 1;
      hasSeparator = true;
      break;
    }
    if (!escaped && isBlank(c)) {
      valueStart = keyEnd + 1;
      break;
    }
    escaped = c === '\\' ? !escaped : false;
  }
  for (; valueStart < line.length; valueStart++) {
    const c = line[valueStart]!;
    if (isBlank(c)) continue;
    if (!hasSeparator && (c === '=' || c === ':')) {
      hasSeparator = true;
      continue;
    }
    break;
  }
  return [line.slice(0, keyEnd), line.slice(valueStart)];
}

const UNESCAPES: Record<string, string> = { t: '\t', r: '\r', n: '\n', f: '\f' };

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[++i];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesSyntaxError('Malformed \\uxxxx encoding.');
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += UNESCAPES[next] ?? next;
    }
  }
  return out;
}

/** `key=value\n` per entry, in the order given. */
export function formatProperties(entries: Iterable<readonly [string, string]>): string {
  let out = '';
  for (const [key, value] of entries) out += `${escapeKey(key)}=${escapeValue(value)}\n`;
  return out;
}

function escapeControl(s: string): string {
  return s.replace(/[\\\n\r\t\f]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f' })[c]!);
}

function escapeKey(key: string): string {
  return escapeControl(key)
    .replace(/[=: ]/g, (c) => `\\${c}`)
    .replace(/^[#!]/, (c) => `\\${c}`);
}

function escapeValue(value: string): string {
  // Leading blanks would be skipped on reading.
  return escapeControl(value).replace(/^ /, '\\ ');
}

/** A properties file's text: UTF-8 when the bytes are valid UTF-8, else ISO-8859-1 (what Java's `Properties.load` reads). */
export function decodePropertiesBytes(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
