import { MAX_PROXY_HEADER_LENGTH, parseProxyHeader, V1_MAX_LENGTH, V1_PREFIX, V2_FIXED_LENGTH, V2_SIGNATURE, type ProxyHeader } from '../proxy-protocol/proxy-header.js';
import type { TrustedProxies } from '../proxy-protocol/trusted-proxies.js';
import type { ChunkQueue } from './chunk-queue.js';
import { failure, type Failure } from './failure.js';

export interface ProxyProtocolOptions {
  /** Peers whose headers are believed (`proxyProtocolTrustedAddresses`); others keep their own address. */
  trusted: TrustedProxies;
  /** Replaces the parser (tests make it throw to show a failure stays within its connection). */
  parse?: typeof parseProxyHeader;
}

/** What reading a PROXY header gave: more bytes needed, the header (null: the connection has none), or a failure. */
export type ProxyStep = 'more' | { header: ProxyHeader | null } | Failure;

const NO_HEADER = { header: null };

/**
 * Reads a PROXY protocol header (v1 or v2) at the start of `queue` and removes it. A connection
 * whose first byte cannot start one (a remoting frame, a TLS record) costs one comparison.
 */
export function readProxyHeader(queue: ChunkQueue, parse: typeof parseProxyHeader = parseProxyHeader): ProxyStep {
  const first = queue.byteAt(0);
  if (first !== V1_PREFIX[0] && first !== V2_SIGNATURE[0]) return NO_HEADER;
  // Parse only once a header can be complete: a peer trickling a 64 KiB v2 header byte by byte
  // must not make the server re-read it on every byte.
  let need = Math.min(queue.length, V1_MAX_LENGTH + 1);
  if (first === V2_SIGNATURE[0] && queue.length >= V2_FIXED_LENGTH) {
    const fixed = queue.peek(V2_FIXED_LENGTH);
    if (fixed.subarray(0, V2_SIGNATURE.length).equals(V2_SIGNATURE)) {
      need = V2_FIXED_LENGTH + fixed.readUInt16BE(14);
      if (queue.length < need) return 'more';
    }
  }
  let parsed;
  try {
    parsed = parse(queue.peek(Math.min(need, MAX_PROXY_HEADER_LENGTH)));
  } catch (err) {
    return failure('malformed PROXY protocol header, closing connection', { err: (err as Error).message });
  }
  if (parsed.state === 'none') return NO_HEADER;
  if (parsed.state === 'incomplete') return 'more';
  queue.skip(parsed.header.length);
  return { header: parsed.header };
}
