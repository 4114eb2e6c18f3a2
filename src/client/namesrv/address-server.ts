import http from 'node:http';
import { parseNameServerList } from './address-list.js';

/**
 * Where Java clients fetch the NameServer list when `rocketmq.namesrv.domain` is set:
 * `http://DOMAIN:8080/rocketmq/SUBGROUP`, or `http://DOMAIN/rocketmq/SUBGROUP` when the domain
 * carries its own port. The answer is `host:port;host:port`.
 */
export interface AddressServerOptions {
  /** Java's `rocketmq.namesrv.domain`: `host` (port 8080) or `host:port`. */
  domain?: string;
  /** Java's `rocketmq.namesrv.domain.subgroup`; default `nsaddr`. */
  subgroup?: string;
  /** The full URL, instead of domain and subgroup. */
  url?: string;
  /** A unit name, appended as Java does (`-UNIT?nofix=1`). */
  unitName?: string;
  /** How often the list is fetched again; default 2 minutes, as Java clients do. */
  refreshIntervalMs?: number;
  /** Timeout of one fetch; default 3 s. */
  timeoutMs?: number;
}

export const DEFAULT_ADDRESS_SERVER_DOMAIN = 'jmenv.tbsite.net';

export function addressServerUrl(options: AddressServerOptions): string {
  let url = options.url;
  if (!url) {
    const domain = options.domain ?? DEFAULT_ADDRESS_SERVER_DOMAIN;
    const subgroup = options.subgroup ?? 'nsaddr';
    url = domain.indexOf(':') > 0 ? `http://${domain}/rocketmq/${subgroup}` : `http://${domain}:8080/rocketmq/${subgroup}`;
  }
  if (options.unitName && options.unitName.trim() !== '') url += `-${options.unitName}?nofix=1`;
  return url;
}

export class AddressServerError extends Error {
  override readonly name = 'AddressServerError';
}

/** One HTTP GET of the address list. Only the first line of the answer counts, as in Java. */
export function fetchNameServerAddresses(url: string, timeoutMs = 3000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers: { connection: 'close' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (err) => reject(new AddressServerError(`fetching ${url} failed: ${err.message}`)));
      response.on('end', () => {
        if (response.statusCode !== 200) {
          reject(new AddressServerError(`fetching ${url} failed: HTTP ${response.statusCode}`));
          return;
        }
        const firstLine = Buffer.concat(chunks).toString('utf8').trim().split(/\r|\n/)[0] ?? '';
        try {
          const addresses = parseNameServerList(firstLine);
          if (addresses.length === 0) throw new AddressServerError(`${url} answered no NameServer address`);
          resolve(addresses);
        } catch (err) {
          reject(err instanceof AddressServerError ? err : new AddressServerError(`${url} answered "${firstLine}": ${(err as Error).message}`));
        }
      });
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (err) => reject(new AddressServerError(`fetching ${url} failed: ${err.message}`)));
  });
}
