import { parseJson } from '../json/lenient-json.js';
import { HeaderDecodeError } from './errors.js';
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
