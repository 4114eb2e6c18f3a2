import net from 'node:net';

/** An address allow-list entry in one of the forms of Java's `RemoteAddressStrategyFactory`. */
export interface AddressPattern {
  readonly source: string;
  matches(host: string): boolean;
}

export class AddressPatternError extends Error {
  override readonly name = 'AddressPatternError';
}

/** A range of values one address part may take. */
interface PartRange {
  min: number;
  max: number;
}

/**
 * Parses one entry:
 * - blank: matches nothing; `*`, `*.*.*.*`, `*:*:*:*:*:*:*:*`: matches everything;
 * - one IPv4 or IPv6 address;
 * - a list: `192.168.1.{1,2,3}`, `1050::{a,b}`, or addresses separated by commas;
 * - IPv4 parts as `*` (trailing) or ranges: `192.168.*.*`, `192.168.1.1-100`, `10.1-3.*.*`;
 * - IPv6 with a last group `*` or a range, the group before a `*` may be a range: `2::ac5:78:*`,
 *   `2::ac5:78:1-200`, `2::ac5:78:1-200:*`.
 * Throws AddressPatternError for anything else.
 */
export function parseAddressPattern(text: string): AddressPattern {
  const source = text.trim();
  if (source === '') return { source, matches: () => false };
  if (source === '*' || source === '*.*.*.*' || source === '*:*:*:*:*:*:*:*') return { source, matches: () => true };
  if (source.endsWith('}')) return listPattern(source, expandBraces(source));
  if (source.includes(',')) return listPattern(source, source.split(',').map((s) => s.trim()));
  if (source.includes('*') || source.includes('-')) return rangePattern(source);
  return listPattern(source, [source]);
}

/** The host part of a `host:port` remote address, IPv4-mapped IPv6 addresses as plain IPv4. */
export function hostOf(remoteAddress: string): string {
  const colon = remoteAddress.lastIndexOf(':');
  const host = colon < 0 ? remoteAddress : remoteAddress.slice(0, colon);
  return normalizeHost(host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);
}

export function normalizeHost(host: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  return mapped ? mapped[1]! : host;
}

function expandBraces(source: string): string[] {
  const open = source.lastIndexOf('{');
  const separator = source[open - 1];
  if (open <= 0 || (separator !== '.' && separator !== ':')) throw new AddressPatternError(`bad address list "${source}"`);
  const prefix = source.slice(0, open);
  return source
    .slice(open + 1, -1)
    .split(',')
    .map((last) => prefix + last.trim());
}

function listPattern(source: string, addresses: string[]): AddressPattern {
  const keys = new Set<string>();
  for (const address of addresses) {
    const key = addressKey(address);
    if (key === null) throw new AddressPatternError(`"${address}" is not an IP address (in "${source}")`);
    keys.add(key);
  }
  return {
    source,
    matches: (host) => {
      const key = addressKey(normalizeHost(host));
      return key !== null && keys.has(key);
    },
  };
}

/** One spelling per address: IPv4 as is, IPv6 as its eight groups in decimal. */
function addressKey(address: string): string | null {
  if (net.isIPv4(address)) return address;
  const groups = ipv6Groups(address);
  return groups ? groups.join(':') : null;
}

function ipv6Groups(address: string): number[] | null {
  if (!net.isIPv6(address)) return null;
  let text = address;
  const embedded = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (embedded) {
    const [a, b, c, d] = embedded.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, embedded.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(zeros).fill('0'), ...right].map((g) => parseInt(g, 16));
}

function rangePattern(source: string): AddressPattern {
  const parts = source.includes(':') ? ipv6Ranges(source) : ipv4Ranges(source);
  if (!parts) throw new AddressPatternError(`bad address range "${source}"`);
  const ipv6 = source.includes(':');
  return {
    source,
    matches: (host) => {
      const normalized = normalizeHost(host);
      const values = ipv6 ? ipv6Groups(normalized) : net.isIPv4(normalized) ? normalized.split('.').map(Number) : null;
      return values !== null && values.every((v, i) => v >= parts[i]!.min && v <= parts[i]!.max);
    },
  };
}

function ipv4Ranges(source: string): PartRange[] | null {
  const parts = source.split('.');
  if (parts.length !== 4) return null;
  const ranges: PartRange[] = [];
  let wild = false;
  for (const part of parts) {
    if (part === '*') {
      wild = true;
      ranges.push({ min: 0, max: 255 });
      continue;
    }
    const range = wild ? null : parseRange(part, /^\d{1,3}$/, 10, 255);
    if (!range) return null;
    ranges.push(range);
  }
  return ranges;
}

function ipv6Ranges(source: string): PartRange[] | null {
  const groups = source.split(':');
  const special: PartRange[] = [];
  const last = groups.pop()!;
  if (last === '*') {
    special.unshift({ min: 0, max: 0xffff });
    if (groups.length > 0 && groups[groups.length - 1]!.includes('-')) {
      const range = parseRange(groups.pop()!, /^[0-9a-f]{1,4}$/i, 16, 0xffff);
      if (!range) return null;
      special.unshift(range);
    }
  } else {
    const range = parseRange(last, /^[0-9a-f]{1,4}$/i, 16, 0xffff);
    if (!range || !last.includes('-')) return null;
    special.unshift(range);
  }
  const prefix = groups.join(':');
  const fixed = expandPrefix(prefix, 8 - special.length);
  if (!fixed) return null;
  return [...fixed.map((v) => ({ min: v, max: v })), ...special];
}

/** The first `count` groups of an IPv6 address written as a prefix, e.g. `2::ac5:78` for 7 groups. */
function expandPrefix(prefix: string, count: number): number[] | null {
  const padding = Array<string>(8 - count).fill('0').join(':');
  const groups = ipv6Groups(prefix.endsWith(':') ? prefix + padding : `${prefix}:${padding}`);
  return groups ? groups.slice(0, count) : null;
}

function parseRange(part: string, number: RegExp, radix: number, limit: number): PartRange | null {
  const [low, high, extra] = part.split('-');
  if (extra !== undefined || low === undefined || !number.test(low) || (high !== undefined && !number.test(high))) return null;
  const min = parseInt(low, radix);
  const max = high === undefined ? min : parseInt(high, radix);
  return min <= max && max <= limit ? { min, max } : null;
}
