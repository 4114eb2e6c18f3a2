import net from 'node:net';

/**
 * HAProxy PROXY protocol headers (v1 text, v2 binary), as load balancers put them before the
 * connection's own bytes: https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt
 * Pure functions of bytes; a connection reads them in src/remoting/connection/proxy-stage.ts.
 */

export const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
/** A v1 line is at most 107 bytes, CRLF included. */
export const V1_MAX_LENGTH = 107;
/** The v2 signature, version/command, family and the 2-byte length of what follows. */
export const V2_FIXED_LENGTH = 16;
/** The longest header there is: v2 with 65535 bytes of addresses and TLVs. */
export const MAX_PROXY_HEADER_LENGTH = V2_FIXED_LENGTH + 0xffff;

export interface ProxyEndpoint {
  address: string;
  port: number;
}

export interface ProxyTlv {
  type: number;
  value: Buffer;
}

export interface ProxyHeader {
  version: 1 | 2;
  /** Bytes the header takes; the connection's own bytes start after them. */
  length: number;
  /**
   * The client the balancer speaks for; null for a v2 LOCAL command (the balancer's own health
   * check), v1 UNKNOWN, and address families other than IPv4/IPv6.
   */
  source: ProxyEndpoint | null;
  destination: ProxyEndpoint | null;
  /** v2 type-length-value extensions, in order. */
  tlvs: ProxyTlv[];
}

export type ProxyHeaderParse = { state: 'none' } | { state: 'incomplete' } | { state: 'header'; header: ProxyHeader };

export class ProxyHeaderError extends Error {
  override readonly name = 'ProxyHeaderError';
}

/**
 * Looks at the first bytes of a connection: `none` when they cannot start a PROXY header,
 * `incomplete` when more bytes are needed to tell or to finish it. Throws ProxyHeaderError for a
 * header that starts as one but is malformed.
 */
export function parseProxyHeader(bytes: Buffer): ProxyHeaderParse {
  if (startsLike(bytes, V2_SIGNATURE)) return bytes.length < V2_SIGNATURE.length ? { state: 'incomplete' } : parseV2(bytes);
  if (startsLike(bytes, V1_PREFIX)) return bytes.length < V1_PREFIX.length ? { state: 'incomplete' } : parseV1(bytes);
  return { state: 'none' };
}

/** Whether the bytes there are (possibly fewer than the prefix) agree with the prefix. */
function startsLike(bytes: Buffer, prefix: Buffer): boolean {
  const n = Math.min(bytes.length, prefix.length);
  return n > 0 && bytes.subarray(0, n).equals(prefix.subarray(0, n));
}

function parseV1(bytes: Buffer): ProxyHeaderParse {
  const end = bytes.indexOf('\r\n', 0, 'latin1');
  if (end < 0) {
    if (bytes.length >= V1_MAX_LENGTH) throw new ProxyHeaderError(`PROXY v1 line longer than ${V1_MAX_LENGTH} bytes`);
    return { state: 'incomplete' };
  }
  const length = end + 2;
  if (length > V1_MAX_LENGTH) throw new ProxyHeaderError(`PROXY v1 line longer than ${V1_MAX_LENGTH} bytes`);
  const line = bytes.toString('latin1', 0, end);
  const parts = line.split(' ');
  const family = parts[1];
  if (family === 'UNKNOWN') return { state: 'header', header: { version: 1, length, source: null, destination: null, tlvs: [] } };
  if ((family !== 'TCP4' && family !== 'TCP6') || parts.length !== 6) throw new ProxyHeaderError(`malformed PROXY v1 line "${printable(line)}"`);
  const ipVersion = family === 'TCP4' ? 4 : 6;
  const source = endpoint(parts[2]!, parts[4]!, ipVersion, line);
  const destination = endpoint(parts[3]!, parts[5]!, ipVersion, line);
  return { state: 'header', header: { version: 1, length, source, destination, tlvs: [] } };
}

function endpoint(address: string, port: string, ipVersion: 4 | 6, line: string): ProxyEndpoint {
  // A zone id (`fe80::1%eth0`) names an interface of the balancer's host: meaningless here.
  const valid = ipVersion === 4 ? net.isIPv4(address) : net.isIPv6(address) && !address.includes('%');
  if (!valid || !/^(0|[1-9]\d{0,4})$/.test(port) || Number(port) > 65535) {
    throw new ProxyHeaderError(`malformed PROXY v1 line "${printable(line)}"`);
  }
  return { address: ipVersion === 6 ? canonicalIPv6(address) : address, port: Number(port) };
}

function parseV2(bytes: Buffer): ProxyHeaderParse {
  if (bytes.length < V2_FIXED_LENGTH) return { state: 'incomplete' };
  const versionCommand = bytes[12]!;
  if (versionCommand >> 4 !== 2) throw new ProxyHeaderError(`PROXY v2 header with version ${versionCommand >> 4}`);
  const command = versionCommand & 0x0f;
  if (command > 1) throw new ProxyHeaderError(`PROXY v2 header with unknown command ${command}`);
  const family = bytes[13]! >> 4;
  const addressesLength = bytes.readUInt16BE(14);
  const length = V2_FIXED_LENGTH + addressesLength;
  if (bytes.length < length) return { state: 'incomplete' };
  const block = bytes.subarray(V2_FIXED_LENGTH, length);
  const addressBytes = family === 1 ? 12 : family === 2 ? 36 : family === 3 ? 216 : family === 0 ? 0 : -1;
  if (addressBytes < 0) throw new ProxyHeaderError(`PROXY v2 header with unknown address family ${family}`);
  if (block.length < addressBytes) throw new ProxyHeaderError(`PROXY v2 address block of ${block.length} bytes is too short for family ${family}`);
  const tlvs = parseTlvs(block.subarray(addressBytes));
  let source: ProxyEndpoint | null = null;
  let destination: ProxyEndpoint | null = null;
  // LOCAL: the balancer's own connection (a health check); the addresses, if any, mean nothing.
  if (command === 1 && family === 1) {
    source = { address: ipv4At(block, 0), port: block.readUInt16BE(8) };
    destination = { address: ipv4At(block, 4), port: block.readUInt16BE(10) };
  } else if (command === 1 && family === 2) {
    source = { address: ipv6At(block, 0), port: block.readUInt16BE(32) };
    destination = { address: ipv6At(block, 16), port: block.readUInt16BE(34) };
  }
  return { state: 'header', header: { version: 2, length, source, destination, tlvs } };
}

function parseTlvs(bytes: Buffer): ProxyTlv[] {
  const tlvs: ProxyTlv[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 3 > bytes.length) throw new ProxyHeaderError('PROXY v2 TLV cut short');
    const type = bytes[offset]!;
    const size = bytes.readUInt16BE(offset + 1);
    if (offset + 3 + size > bytes.length) throw new ProxyHeaderError(`PROXY v2 TLV 0x${type.toString(16)} longer than the header`);
    tlvs.push({ type, value: Buffer.from(bytes.subarray(offset + 3, offset + 3 + size)) });
    offset += 3 + size;
  }
  return tlvs;
}

function ipv4At(bytes: Buffer, offset: number): string {
  return Array.from(bytes.subarray(offset, offset + 4)).join('.');
}

function ipv6At(bytes: Buffer, offset: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(bytes.readUInt16BE(offset + 2 * i).toString(16));
  return canonicalIPv6(groups.join(':'));
}

/** The usual short spelling (RFC 5952), IPv4-mapped addresses dotted, as Node writes socket addresses. */
function canonicalIPv6(address: string): string {
  const short = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(short);
  if (!mapped) return short;
  const [high, low] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return `::ffff:${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 120);
}
