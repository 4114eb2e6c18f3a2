import { plainStringEnd } from '../json/plain-string.js';
import { KnownBytes, knownStrings } from '../util/known-bytes.js';
import { latin1 } from '../util/latin1.js';
import type { HeaderFields } from './json-header.js';
import type { ExtFields } from './remoting-command.js';

/**
 * Reads a JSON header in the plain form every client writes it (no whitespace, ASCII strings
 * without escapes, integers without exponent, the known fields, extFields of string values)
 * straight from its bytes: a lookup's header costs about a third of what making it a string and
 * JSON.parse cost. Null for anything else, which `decodeJsonHeader` then reads as before; what
 * this accepts, it reads exactly as that does.
 */
export function readPlainJsonHeader(bytes: Buffer): HeaderFields | null {
  const end = bytes.length;
  if (end < 2 || bytes[0] !== OPEN_BRACE || bytes[end - 1] !== CLOSE_BRACE) return null;
  const scan = { at: 1, int: 0, text: '' as string | null };
  let code: number | null = null;
  let flag = 0;
  let opaque = 0;
  let version = 0;
  let language = 'JAVA';
  let remark: string | null = null;
  let extFields: ExtFields | null = null;
  if (bytes[1] === CLOSE_BRACE) return null; // no code: refused by the full reader, in its words
  for (;;) {
    const keyEnd = plainStringEnd(bytes, scan.at);
    if (keyEnd < 0 || bytes[keyEnd] !== COLON) return null;
    const keyStart = scan.at + 1;
    scan.at = keyEnd + 1;
    switch (keyOf(bytes, keyStart, keyEnd - 1)) {
      case Key.code:
        if (!readInt(bytes, scan)) return null;
        code = scan.int;
        break;
      case Key.flag:
        if (!readInt(bytes, scan)) return null;
        flag = scan.int;
        break;
      case Key.opaque:
        if (!readInt(bytes, scan)) return null;
        opaque = scan.int;
        break;
      case Key.version:
        if (!readInt(bytes, scan)) return null;
        version = scan.int;
        break;
      case Key.language:
        if (!readStringOrNull(bytes, scan, LANGUAGES)) return null;
        language = scan.text ?? 'JAVA';
        break;
      case Key.remark:
        if (!readStringOrNull(bytes, scan)) return null;
        remark = scan.text;
        break;
      case Key.serializeTypeCurrentRPC:
        if (!skipStringOrNull(bytes, scan)) return null;
        break;
      case Key.extFields:
        if (isNull(bytes, scan.at)) {
          extFields = null;
          scan.at += 4;
        } else {
          extFields = readExtFields(bytes, scan);
          if (!extFields) return null;
        }
        break;
      default:
        return null;
    }
    const c = bytes[scan.at];
    if (c === COMMA) scan.at++;
    else if (c === CLOSE_BRACE && scan.at === end - 1) break;
    else return null;
  }
  if (code === null) return null;
  return { code, language, version, opaque, flag, remark, extFields };
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
/** Integers of more digits could lose precision as doubles: left to the full reader. */
const MAX_DIGITS = 15;

const enum Key {
  code,
  extFields,
  flag,
  language,
  opaque,
  remark,
  serializeTypeCurrentRPC,
  version,
  other,
}

const KEYS = new KnownBytes<Key>([
  ['code', Key.code],
  ['extFields', Key.extFields],
  ['flag', Key.flag],
  ['language', Key.language],
  ['opaque', Key.opaque],
  ['remark', Key.remark],
  ['serializeTypeCurrentRPC', Key.serializeTypeCurrentRPC],
  ['version', Key.version],
]);

/** LanguageCode names, as clients send them. */
const LANGUAGES = knownStrings(['JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS', 'RUST', 'NODE_JS']);

/** extFields names the requests a NameServer gets most carry. */
const EXT_FIELD_NAMES = knownStrings([
  'topic', 'acceptStandardJsonOnly', 'zoneMode', 'zoneName', 'brokerName', 'brokerAddr', 'brokerId', 'clusterName',
  'haServerAddr', 'compressed', 'bodyCrc32', 'heartbeatTimeoutMillis', 'enableActingMaster', 'namespace', 'key', 'value',
  'AccessKey', 'Signature',
]);

type Scan = { at: number; int: number; text: string | null };

function keyOf(bytes: Buffer, start: number, end: number): Key {
  return KEYS.find(bytes, start, end) ?? Key.other;
}

/** `-?(0|[1-9][0-9]*)` of at most MAX_DIGITS digits, not followed by a fraction or exponent; as the full reader takes it (`| 0`). */
function readInt(bytes: Buffer, scan: Scan): boolean {
  let pos = scan.at;
  const negative = bytes[pos] === MINUS;
  if (negative) pos++;
  const first = pos;
  let value = 0;
  for (let c = bytes[pos]; c !== undefined && c >= ZERO && c <= NINE; c = bytes[++pos]) value = value * 10 + (c - ZERO);
  const digits = pos - first;
  if (digits === 0 || digits > MAX_DIGITS || (digits > 1 && bytes[first] === ZERO)) return false;
  const next = bytes[pos];
  if (next !== COMMA && next !== CLOSE_BRACE) return false;
  scan.int = (negative ? -value : value) | 0;
  scan.at = pos;
  return true;
}

function isNull(bytes: Buffer, at: number): boolean {
  return bytes[at] === 0x6e && bytes[at + 1] === 0x75 && bytes[at + 2] === 0x6c && bytes[at + 3] === 0x6c;
}

/** A plain string into `scan.text` (one of `known` when it is), or null for `null`. */
function readStringOrNull(bytes: Buffer, scan: Scan, known?: KnownBytes<string>): boolean {
  if (isNull(bytes, scan.at)) {
    scan.text = null;
    scan.at += 4;
    return true;
  }
  const end = plainStringEnd(bytes, scan.at);
  if (end < 0) return false;
  scan.text = known?.find(bytes, scan.at + 1, end - 1) ?? latin1(bytes, scan.at + 1, end - 1);
  scan.at = end;
  return true;
}

/** Past a plain string or `null`, whose value nobody reads. */
function skipStringOrNull(bytes: Buffer, scan: Scan): boolean {
  const end = isNull(bytes, scan.at) ? scan.at + 4 : plainStringEnd(bytes, scan.at);
  if (end < 0) return false;
  scan.at = end;
  return true;
}

/**
 * `{"key":"value",...}` with plain strings only. Null for anything else, and for a key JSON.parse
 * would place differently (an array index comes first) or treat specially (`__proto__`).
 */
function readExtFields(bytes: Buffer, scan: Scan): ExtFields | null {
  if (bytes[scan.at] !== OPEN_BRACE) return null;
  const fields: ExtFields = {};
  let pos = scan.at + 1;
  if (bytes[pos] === CLOSE_BRACE) {
    scan.at = pos + 1;
    return fields;
  }
  for (;;) {
    const keyEnd = plainStringEnd(bytes, pos);
    if (keyEnd < 0 || bytes[keyEnd] !== COLON) return null;
    let key = EXT_FIELD_NAMES.find(bytes, pos + 1, keyEnd - 1);
    if (key === undefined) {
      key = latin1(bytes, pos + 1, keyEnd - 1);
      if (key === '__proto__' || isArrayIndex(key)) return null;
    }
    const valueEnd = plainStringEnd(bytes, keyEnd + 1);
    if (valueEnd < 0) return null;
    fields[key] = latin1(bytes, keyEnd + 2, valueEnd - 1);
    pos = valueEnd;
    const c = bytes[pos];
    if (c === COMMA) pos++;
    else if (c === CLOSE_BRACE) {
      scan.at = pos + 1;
      return fields;
    } else return null;
  }
}

/** Keys JavaScript objects order before all others. */
function isArrayIndex(key: string): boolean {
  if (key.length === 0) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
  }
  return true;
}
