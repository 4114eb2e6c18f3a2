import type { RegistryView } from '../namesrv/route/registry-view.js';
import type { Logger } from '../util/logger.js';
import type { Scrape } from '../metrics/exposition.js';

export interface Endpoint {
  address: string;
  port: number;
}

export type Readiness = { ready: true } | { ready: false; reason: string };

/** What the HTTP routes read: narrow, read-only views of the NameServer. */
export interface HttpContext {
  logger: Logger;
  now(): number;
  metrics: {
    scrape(openMetrics: boolean): Promise<Scrape>;
    totals(): { requests: number; routeLookups: number; routeLookupSeconds: number; connectionsOpen: number };
  };
  readiness(): Readiness;
  registry: RegistryView;
  kv: {
    namespaces(): string[];
    namespace(name: string): ReadonlyMap<string, string> | undefined;
  };
  /** Every effective setting, sorted by name, secrets redacted. */
  settings(): Array<[string, string]>;
  server: {
    startedAt: number;
    tlsMode: string;
    remoting(): Endpoint | null;
    http(): Endpoint | null;
  };
  console: {
    /** `consoleNameServers`, raw: the NameServers the console compares this one with. */
    nameServers(): string;
    /** Only this NameServer and `consoleNameServers` may be compared (with `aclEnable=true`). */
    listedOnly(): boolean;
  };
  addressServer: {
    /** `addressServerNamesrvList`, or empty for this server's own address. */
    namesrvList(): string;
    /** `addressServerSubgroups`, raw. */
    subgroups(): string;
  };
}
