/** NameServer addresses as RocketMQ writes them: `host:port;host:port`. */

export interface HostPort {
  host: string;
  port: number;
}

export class InvalidAddressError extends Error {
  override readonly name = 'InvalidAddressError';
}

/** Splits `host:port;host:port` (blanks and empty entries ignored, duplicates dropped, order kept). */
export function parseNameServerList(list: string | readonly string[]): string[] {
  const parts = typeof list === 'string' ? list.split(';') : list.flatMap((entry) => entry.split(';'));
  const addresses: string[] = [];
  for (const part of parts) {
    const address = part.trim();
    if (address === '' || addresses.includes(address)) continue;
    parseHostPort(address);
    addresses.push(address);
  }
  return addresses;
}

/** `host:port`, the port after the last colon (IPv6 hosts may be written `[::1]:9876`). */
export function parseHostPort(address: string): HostPort {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) throw new InvalidAddressError(`not a host:port address: "${address}"`);
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const portText = address.slice(colon + 1);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) {
    throw new InvalidAddressError(`bad port in address "${address}"`);
  }
  return { host, port };
}
