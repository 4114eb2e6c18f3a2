import type { ControllerReport } from '../controller/controller-report.js';
import type { RegistryView } from '../namesrv/route/registry-view.js';
import type { Logger } from '../util/logger.js';
import type { Scrape } from '../metrics/exposition.js';

export interface Endpoint {
  address: string;
  port: number;
}

export type Readiness = { ready: true } | { ready: false; reason: string };

/** Why an account's keys were not accepted. */
export type AccountRefusal = 'unknown-account' | 'wrong-secret' | 'address-not-allowed' | 'not-admin' | 'admin-needs-tls';

/** The ACL file's accounts, as HTTP checks them (HTTP Basic: accessKey as the user, secretKey as the password). */
export interface AccountCheck {
  /**
   * null when `accessKey`/`secretKey` name an account that may call from `host` (an IP address), and
   * is an admin when `admin` (over HTTPS, `secure`, when `aclAdminRequiresTls` asks for it).
   */
  check(accessKey: string, secretKey: string, origin: { host: string; secure: boolean }, admin: boolean): AccountRefusal | null;
}

/** What the HTTP routes read: narrow, read-only views of the NameServer. */
export interface HttpContext {
  logger: Logger;
  now(): number;
  metrics: {
    scrape(openMetrics: boolean): Promise<Scrape>;
    totals(): Promise<{ requests: number; routeLookups: number; routeLookupSeconds: number; connectionsOpen: number }>;
  };
  readiness(): Readiness;
  /** Who may call: null when `aclEnable=false` (everyone may). */
  accounts: AccountCheck | null;
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
    /** `consoleCompareAnyAddress`: a caller may have this server compare NameServers it names, not only `consoleNameServers`. */
    compareAnyAddress(): boolean;
  };
  /** The controller this NameServer runs (`enableControllerInNamesrv=true`), read from its memory; null when none runs here. */
  controller(): ControllerReport | null;
  addressServer: {
    /** `addressServerNamesrvList`, or empty for this server's own address. */
    namesrvList(): string;
    /** `addressServerSubgroups`, raw. */
    subgroups(): string;
  };
}
