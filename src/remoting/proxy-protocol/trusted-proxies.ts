import net from 'node:net';

/** The peers whose PROXY headers are believed (`proxyProtocolTrustedAddresses`). */
export interface TrustedProxies {
  readonly isEmpty: boolean;
  trusts(host: string): boolean;
}

export class TrustedProxiesError extends Error {
  override readonly name = 'TrustedProxiesError';
}

/**
 * Reads a list of addresses and CIDR networks separated by `;`, `,` or spaces, e.g.
 * `10.0.0.0/8;192.168.1.10;fd00::/8`. `0.0.0.0/0` and `::/0` trust everyone.
 */
export function parseTrustedProxies(text: string): TrustedProxies {
  const list = new net.BlockList();
  const entries = text.split(/[;,\s]+/).filter((entry) => entry !== '');
  for (const entry of entries) {
    const [address, prefix, extra] = entry.split('/');
    const type = net.isIPv4(address!) ? 'ipv4' : net.isIPv6(address!) ? 'ipv6' : null;
    const bits = prefix === undefined ? null : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (!type || extra !== undefined || Number.isNaN(bits) || (bits !== null && bits > (type === 'ipv4' ? 32 : 128))) {
      throw new TrustedProxiesError(`"${entry}" is not an IP address or a network (address/prefix)`);
    }
    if (bits === null) list.addAddress(address!, type);
    else list.addSubnet(address!, bits, type);
  }
  return {
    isEmpty: entries.length === 0,
    trusts: (host) => {
      if (entries.length === 0) return false;
      const plain = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host)?.[1] ?? host;
      const type = net.isIPv4(plain) ? 'ipv4' : net.isIPv6(plain) ? 'ipv6' : null;
      return type !== null && list.check(plain, type);
    },
  };
}
