import type { PropertySpec, ValueType } from './property-specs.js';
import { findPropertySpec, isTlsProperty } from './property-specs.js';

export type PropertyValue = string | number | boolean;

/** A property the NameServer does not know, or a value that does not parse as its type. */
export class InvalidPropertyError extends Error {
  override readonly name = 'InvalidPropertyError';

  constructor(
    readonly kind: 'unknown' | 'malformed',
    readonly property: string,
    message: string,
  ) {
    super(message);
  }
}

/** A property resolved to where it goes: a typed setting, or a raw `tls.*` entry. */
export type ResolvedProperty =
  | { readonly kind: 'setting'; readonly spec: PropertySpec; readonly value: PropertyValue }
  | { readonly kind: 'tls'; readonly name: string; readonly value: string };

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

const EXPECTED: Record<ValueType, string> = {
  int: 'an integer (int)',
  long: 'an integer (long)',
  boolean: 'true or false',
  string: 'a string',
};

export function resolveProperty(name: string, raw: string): ResolvedProperty {
  if (isTlsProperty(name)) return { kind: 'tls', name, value: raw };
  const spec = findPropertySpec(name);
  if (!spec) throw new InvalidPropertyError('unknown', name, `unknown property "${name}"`);
  return { kind: 'setting', spec, value: parsePropertyValue(spec, raw, name) };
}

/** Converts as Java does, but refuses what Java would silently ignore or misread (`maybe` as false). */
export function parsePropertyValue(spec: PropertySpec, raw: string, givenName = spec.name): PropertyValue {
  const text = raw.trim();
  const value = convert(spec.type, text);
  const check = spec.check;
  if (value === undefined || (check && !check.test(value as number | string))) {
    const expected = check?.expected ?? EXPECTED[spec.type];
    throw new InvalidPropertyError('malformed', givenName, `invalid value "${raw}" for ${givenName}: expected ${expected}`);
  }
  return value;
}

function convert(type: ValueType, text: string): PropertyValue | undefined {
  switch (type) {
    case 'string':
      return text;
    case 'boolean':
      if (/^true$/i.test(text)) return true;
      if (/^false$/i.test(text)) return false;
      return undefined;
    case 'int': {
      if (!/^[+-]?\d+$/.test(text)) return undefined;
      const n = Number(text);
      return n >= INT32_MIN && n <= INT32_MAX ? n : undefined;
    }
    case 'long': {
      // Java longs beyond 2^53 would lose precision here; no NameServer setting needs them.
      if (!/^[+-]?\d+$/.test(text)) return undefined;
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : undefined;
    }
  }
}
