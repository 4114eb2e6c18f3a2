import type { ExtFields } from '../remoting/remoting-command.js';
import { HeaderFieldError } from './request-error.js';

/**
 * Typed request headers ("custom headers" in Java) read from a command's extFields.
 * A header is declared once as a field map; `decodeHeader` returns a typed object.
 */
type FieldType = 'string' | 'int' | 'long' | 'boolean';

interface FieldSpec {
  type: FieldType;
  required?: boolean;
}

type HeaderSpec = Record<string, FieldSpec>;

type ValueOf<T extends FieldType> = T extends 'string' ? string : T extends 'boolean' ? boolean : number;

export type HeaderOf<S extends HeaderSpec> = {
  [K in keyof S as S[K]['required'] extends true ? K : never]: ValueOf<S[K]['type']>;
} & {
  [K in keyof S as S[K]['required'] extends true ? never : K]?: ValueOf<S[K]['type']>;
};

export function defineHeader<const S extends HeaderSpec>(spec: S): S {
  return spec;
}

const JAVA_INT = /^[+-]?\d{1,10}$/;
const JAVA_LONG = /^[+-]?\d{1,19}$/;

/**
 * Reads a header as Java's `decodeCommandCustomHeader` does: a missing required field is an error;
 * booleans are true only for "true" (any case). Unlike Java, a number that does not parse is an
 * error too, rather than a silently null field that fails later.
 */
export function decodeHeader<S extends HeaderSpec>(spec: S, extFields: ExtFields | null): HeaderOf<S> {
  const out: Record<string, unknown> = {};
  for (const name in spec) {
    const field = spec[name]!;
    const raw = extFields?.[name];
    if (raw == null) {
      if (field.required) throw new HeaderFieldError(`the custom field <${name}> is null`);
      continue;
    }
    out[name] = parseField(name, field.type, raw);
  }
  return out as HeaderOf<S>;
}

function parseField(name: string, type: FieldType, raw: string): string | number | boolean {
  switch (type) {
    case 'string':
      return raw;
    case 'boolean':
      return headerBoolean(raw);
    case 'int': {
      if (raw.length <= 9 && isDigits(raw)) return Number(raw);
      const n = Number(raw);
      if (!JAVA_INT.test(raw.trim()) || n > 2147483647 || n < -2147483648) {
        throw new HeaderFieldError(`the custom field <${name}> is not an int: ${raw}`);
      }
      return n;
    }
    case 'long': {
      if (raw.length <= 15 && isDigits(raw)) return Number(raw);
      if (!JAVA_LONG.test(raw.trim())) throw new HeaderFieldError(`the custom field <${name}> is not a long: ${raw}`);
      return Number(raw);
    }
  }
}

/** A boolean header field as Java reads it (`Boolean.parseBoolean`): true only for "true", in any case. */
export function headerBoolean(raw: string): boolean {
  return raw.toLowerCase() === 'true';
}

/** Plain decimal digits, the usual form of a number field: read without a regular expression or a trim. */
export function isDigits(raw: string): boolean {
  if (raw.length === 0) return false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Writes response header values as extFields strings, leaving out undefined and null ones. */
export function encodeHeader(values: Record<string, string | number | boolean | null | undefined>): ExtFields {
  const out: ExtFields = {};
  for (const [k, v] of Object.entries(values)) if (v != null) out[k] = String(v);
  return out;
}
