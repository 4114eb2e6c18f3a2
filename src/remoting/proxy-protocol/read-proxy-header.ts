import type net from 'node:net';
import type { Logger } from '../../util/logger.js';
import { resumeOnFirstDataListener } from '../tls/first-byte.js';
import { parseProxyHeader, ProxyHeaderError, type ProxyHeader } from './proxy-header.js';
import type { TrustedProxies } from './trusted-proxies.js';

export interface ProxyProtocolOptions {
  trusted: TrustedProxies;
  logger: Logger;
  /** A connection that sends nothing for this long is dropped. */
  timeoutMs: number;
}

/** Larger than any v2 header (16 + 65535 bytes): past this, no header can still be completing. */
const MAX_HEADER_BYTES = 16 + 0xffff;

/**
 * Reads a PROXY protocol header if the connection starts with one, and resolves the `host:port`
 * the connection stands for: the carried source when the peer is a trusted proxy, the peer itself
 * otherwise (the header is then only logged: an untrusted peer must not choose its address).
 * Resolves null when the header is malformed or the peer goes away (the caller drops the socket).
 * The bytes after the header are left unread in the socket, which resumes when the next reader
 * subscribes (TLS detection or the remoting connection).
 */
export function readProxyHeader(socket: net.Socket, options: ProxyProtocolOptions): Promise<string | null> {
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  return new Promise((resolve) => {
    let buffered: Buffer = Buffer.alloc(0);
    const finish = (result: string | null, rest: Buffer | null) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onGone);
      socket.off('close', onGone);
      socket.off('error', onGone);
      if (result !== null) {
        socket.pause();
        if (rest && rest.length > 0) socket.unshift(rest);
        resumeOnFirstDataListener(socket);
      }
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      let parsed;
      try {
        parsed = parseProxyHeader(buffered);
      } catch (err) {
        if (!(err instanceof ProxyHeaderError)) throw err;
        options.logger.warn({ remote: peer, err: err.message }, 'malformed PROXY protocol header, closing connection');
        finish(null, null);
        return;
      }
      if (parsed.state === 'none') finish(peer, buffered);
      else if (parsed.state === 'header') finish(addressFor(parsed.header, peer, socket, options), buffered.subarray(parsed.header.length));
      else if (buffered.length > MAX_HEADER_BYTES) finish(null, null);
    };
    const onGone = () => finish(null, null);
    const timer = setTimeout(onGone, options.timeoutMs);
    socket.on('data', onData);
    socket.once('end', onGone);
    socket.once('close', onGone);
    socket.once('error', onGone);
  });
}

function addressFor(header: ProxyHeader, peer: string, socket: net.Socket, options: ProxyProtocolOptions): string {
  const source = header.source;
  if (!source) return peer;
  const carried = `${source.address}:${source.port}`;
  if (!options.trusted.trusts(socket.remoteAddress ?? '')) {
    options.logger.warn({ remote: peer, claimed: carried }, 'PROXY protocol header from a peer not in proxyProtocolTrustedAddresses; using the peer address');
    return peer;
  }
  options.logger.debug({ remote: carried, proxy: peer, version: header.version, tlvs: header.tlvs.length }, 'PROXY protocol header');
  return carried;
}
