import fs from 'node:fs/promises';

/**
 * Parses the text of a Java `.properties` file: `#`/`!` comments, `=`, `:` or blank separators,
 * backslash line continuations and escapes (`\t`, `\n`, `\uXXXX`...). Later keys win.
 */
export function parseProperties(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = stripLeadingBlanks(lines[i]);
    if (line === '' || line[0] === '#' || line[0] === '!') continue;
    while (endsWithOddBackslashes(line)) {
      line = line.slice(0, -1);
      if (i + 1 >= lines.length) break;
      line += stripLeadingBlanks(lines[++i]);
    }
    const [key, value] = splitKeyValue(line);
    result[unescape(key)] = unescape(value);
  }
  return result;
}

/** Reads and parses a properties file; resolves null when it does not exist. */
export async function readPropertiesFile(file: string): Promise<Record<string, string> | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return parseProperties(decodeText(bytes));
}

/** UTF-8 when the bytes are valid UTF-8, else ISO-8859-1 (what Java's `Properties.load` assumes). */
function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

function stripLeadingBlanks(line: string): string {
  return line.replace(/^[ \t\f]+/, '');
}

function endsWithOddBackslashes(line: string): boolean {
  let count = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

function splitKeyValue(line: string): [string, string] {
  let keyEnd = line.length;
  let valueStart = line.length;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '=' || c === ':') {
      keyEnd = i;
      valueStart = i + 1;
      break;
    }
    if (c === ' ' || c === '\t' || c === '\f') {
      keyEnd = i;
      valueStart = i;
      while (valueStart < line.length && /[ \t\f]/.test(line[valueStart])) valueStart++;
      if (line[valueStart] === '=' || line[valueStart] === ':') valueStart++;
      break;
    }
  }
  return [line.slice(0, keyEnd), stripLeadingBlanks(line.slice(valueStart))];
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}
