import { parseJson } from '../json/lenient-json.js';
import { HeaderDecodeError } from './errors.js';
import { readPlainJsonHeader } from './plain-json-header.js';
import type { ExtFields, RemotingCommand } from './remoting-command.js';

/** The header fields of a command, without body and serialize type. */
export type HeaderFields = Omit<RemotingCommand, 'body' | 'serializeType'>;

/**
 * A JSON header as fastjson writes it: keys in alphabetical order, null remark and null
 * extFields left out, `serializeTypeCurrentRPC` always present.
 */
export function jsonHeaderText(cmd: HeaderFields): string {
  let text = `{"code":${cmd.code}`;
  if (cmd.extFields) text += `,"extFields":${encodeExtFields(cmd.extFields)}`;
  text += `,"flag":${cmd.flag},"language":${JSON.stringify(cmd.language)},"opaque":${cmd.opaque}`;
  if (cmd.remark != null) text += `,"remark":${JSON.stringify(cmd.remark)}`;
  text += `,"serializeTypeCurrentRPC":"JSON","version":${cmd.version}}`;
  return text;
}

/**
 * A header without extFields and remark (most answers: a route, an OK) as the bytes before and
 * after its opaque, kept per code, flag, language and version: such a header is written as two
 * copies and the opaque's digits instead of a string built and encoded each time.
 */
export interface HeaderAroundOpaque {
  readonly code: number;
  readonly flag: number;
  readonly language: string;
  readonly version: number;
  readonly before: Buffer;
  readonly after: Buffer;
}

/** Distinct header shapes kept; past it they start afresh (a peer may send any version or language). */
const MAX_HEADER_SHAPES = 256;
const headerShapes = new Map<string, HeaderAroundOpaque>();
let lastShape: HeaderAroundOpaque | null = null;

/** The bytes around the opaque of `cmd`'s header, which must have neither extFields nor remark. */
export function headerAroundOpaque(cmd: HeaderFields): HeaderAroundOpaque {
  const last = lastShape;
  if (last !== null && last.code === cmd.code && last.flag === cmd.flag && last.version === cmd.version && last.language === cmd.language) return last;
  const key = `${cmd.code} ${cmd.flag} ${cmd.version} ${cmd.language}`;
  let shape = headerShapes.get(key);
  if (!shape) {
    const text = jsonHeaderText({ ...cmd, opaque: 0, extFields: null, remark: null });
    const at = text.indexOf(OPAQUE_FIELD) + OPAQUE_FIELD.length;
    shape = { code: cmd.code, flag: cmd.flag, language: cmd.language, version: cmd.version, before: Buffer.from(text.slice(0, at), 'utf8'), after: Buffer.from(text.slice(at + 1), 'utf8') };
    if (headerShapes.size >= MAX_HEADER_SHAPES) headerShapes.clear();
    headerShapes.set(key, shape);
  }
  return (lastShape = shape);
}

const OPAQUE_FIELD = ',"opaque":';

function encodeExtFields(fields: ExtFields): string {
  let text = '{';
  let first = true;
  for (const key in fields) {
    const value = fields[key];
    if (value == null) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(value)}`;
    first = false;
  }
  return text + '}';
}

export function decodeJsonHeader(bytes: Buffer): HeaderFields {
  return readPlainJsonHeader(bytes) ?? parseJsonHeader(bytes);
}

/** Any JSON header, fastjson's relaxed forms too: the text parsed, then its fields checked. */
export function parseJsonHeader(bytes: Buffer): HeaderFields {
  let parsed: unknown;
  try {
    parsed = parseJson(bytes.toString('utf8'));
  } catch (err) {
    throw new HeaderDecodeError(`JSON header does not parse: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HeaderDecodeError('JSON header is not an object');
  }
  const h = parsed as Record<string, unknown>;
  return {
    code: intField(h, 'code', true),
    language: typeof h.language === 'string' ? h.language : 'JAVA',
    version: intField(h, 'version', false),
    opaque: intField(h, 'opaque', false),
    flag: intField(h, 'flag', false),
    remark: typeof h.remark === 'string' ? h.remark : null,
    extFields: extFieldsOf(h.extFields),
  };
}

/** The usual case (every value a string, as Java writes them): the parsed object serves as is. */
function allStrings(obj: Record<string, unknown>): boolean {
  for (const key in obj) if (typeof obj[key] !== 'string') return false;
  return true;
}

function intField(h: Record<string, unknown>, name: string, required: boolean): number {
  const value = h[name];
  if (value == null && !required) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value | 0;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value) | 0;
  throw new HeaderDecodeError(`JSON header field "${name}" is ${value === undefined ? 'missing' : 'not an integer'}`);
}

/** All extFields values are strings on the wire; peers that write numbers or booleans get them as text. */
function extFieldsOf(value: unknown): ExtFields | null {
  if (value == null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new HeaderDecodeError('JSON header field "extFields" is not an object');
  if (allStrings(value as Record<string, unknown>)) return value as ExtFields;
  const fields: ExtFields = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v == null) continue;
    fields[key] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return fields;
}
