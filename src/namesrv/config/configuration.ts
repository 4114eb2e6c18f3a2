import os from 'node:os';
import { RequestError } from '../../protocol/request-error.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { removeStaleTempFiles, writeFileAtomicSync } from '../../util/atomic-file.js';
import { JAVA_ONLY_PROPERTIES } from './java-only-properties.js';
import { controllerPropertyName } from '../../controller/config/controller-config.js';
import type { HttpConfig } from './http-config.js';
import type { NamesrvConfig } from './namesrv-config.js';
import type { NettyServerConfig } from './netty-server-config.js';
import { formatProperties } from '../../util/java-properties.js';
import { canonicalPropertyName, findPropertySpec, isTlsProperty } from './property-specs.js';
import { redactSettings } from './redact.js';
import { InvalidPropertyError, resolveProperty, type ResolvedProperty } from './property-value.js';
import { defaultAclFile, type SecurityConfig } from './security-config.js';
import type { RegisterBodyLimits, ServerExtrasConfig } from './server-extras-config.js';
import { applyProperty, copySettings, defaultSettings, settingEntries, type Settings } from './settings.js';

/** The settings to start from; extras (this server's own settings) are given at the top level. */
export interface ConfigurationInit extends Partial<ServerExtrasConfig> {
  /** Stands for Java's `user.home` in the defaults; the process's home folder when left out. */
  homeDir?: string;
  namesrv?: Partial<NamesrvConfig>;
  netty?: Partial<NettyServerConfig>;
  /** aclFile defaults to `conf/plain_acl.yml` under rocketmqHome, or under homeDir without one. */
  security?: Partial<SecurityConfig>;
  http?: Partial<HttpConfig>;
  tls?: Record<string, string>;
}

/**
 * Names UPDATE_NAMESRV_CONFIG may never change, whatever configBlackList says: a remote caller
 * must not be able to choose a file the server writes, nor lift the blacklist itself.
 */
export const ALWAYS_BLACKLISTED: readonly string[] = [
  'configBlackList',
  'configStorePath',
  'kvConfigPath',
  'rocketmqHome',
  'logDir',
  'frameMaxLength',
  'inputBufferMaxBytes',
  'awaitingRequestsMaxBytes',
  'logFileMaxSize',
  'logFileMaxCount',
  // Nor lift the limits that keep a hostile register body from costing the server memory.
  'registerBodyMaxInflatedSize',
  'registerBodyMaxInflateRatio',
  // Serving processes are forked at start only.
  'servingProcesses',
  'servingAcceptRoundRobin',
  // A remote caller must not switch signature checks off, point them at another file or trust a proxy.
  'aclEnable',
  'aclFile',
  'aclBrokerRequests',
  'aclReads',
  'aclAdminRequiresTls',
  'proxyProtocolTrustedAddresses',
  // Nor choose where the console's comparison connects.
  'consoleNameServers',
  'consoleCompareAnyAddress',
];

export const BLACKLIST_REMARK = 'Can not update config in black list.';

/** The NameServer's settings. `namesrv`, `netty`, `security`, `http` and `tls` are live: updates change them in place. */
export class Configuration {
  readonly namesrv: NamesrvConfig;
  readonly netty: NettyServerConfig;
  readonly security: SecurityConfig;
  /** Ours: the HTTP listener. Where it listens is read at start-up only. */
  readonly http: HttpConfig;
  readonly tls: Record<string, string>;
  private readonly extras: ServerExtrasConfig;

  constructor(init: ConfigurationInit = {}) {
    const defaults = defaultSettings(init.homeDir ?? os.homedir());
    this.namesrv = { ...defaults.namesrv, ...init.namesrv };
    this.netty = { ...defaults.netty, ...init.netty };
    this.security = {
      ...defaults.security,
      aclFile: defaultAclFile(this.namesrv.rocketmqHome, init.homeDir ?? os.homedir()),
      ...init.security,
    };
    this.http = {
      ...defaults.http,
      ...init.http,
    };
    this.tls = { ...init.tls };
    this.extras = { ...defaults.extras };
    for (const name of Object.keys(this.extras) as Array<keyof ServerExtrasConfig>) {
      if (init[name] !== undefined) Object.assign(this.extras, { [name]: init[name] });
    }
  }

  /** Largest frame the server accepts, in bytes (ours; Java's `-Dcom.rocketmq.remoting.frameMaxLength`). */
  get frameMaxLength(): number {
    return this.extras.frameMaxLength;
  }

  /** Bytes all remoting connections may hold of requests not yet complete (ours). */
  get inputBufferMaxBytes(): number {
    return this.extras.inputBufferMaxBytes;
  }

  /** Bytes all remoting connections may hold of requests awaiting their answers (ours). */
  get awaitingRequestsMaxBytes(): number {
    return this.extras.awaitingRequestsMaxBytes;
  }

  /** Processes serving the remoting port; 0 is one per core (ours). */
  get servingProcesses(): number {
    return this.extras.servingProcesses;
  }

  /** Whether the primary hands connections to serving processes in turn instead of each accepting (ours). */
  get servingAcceptRoundRobin(): boolean {
    return this.extras.servingAcceptRoundRobin;
  }

  /** Folder of `namesrv.log` (ours). */
  get logDir(): string {
    return this.extras.logDir;
  }

  /** pino level name (ours). */
  get logLevel(): string {
    return this.extras.logLevel;
  }

  /** Size at which `namesrv.log` is rotated, and how many rotated files are kept (ours). */
  get logRotation(): { maxSize: string; maxFiles: number } {
    return { maxSize: this.extras.logFileMaxSize, maxFiles: this.extras.logFileMaxCount };
  }

  /** How far a compressed REGISTER_BROKER body may inflate (ours). */
  get registerBodyLimits(): RegisterBodyLimits {
    return { maxInflatedSize: this.extras.registerBodyMaxInflatedSize, maxInflateRatio: this.extras.registerBodyMaxInflateRatio };
  }

  /** configBlackList's names plus ALWAYS_BLACKLISTED. */
  get blackList(): ReadonlySet<string> {
    const names = this.namesrv.configBlackList
      .split(';')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    return new Set([...names, ...ALWAYS_BLACKLISTED]);
  }

  /**
   * `[name, value]` of every effective setting, in the order `formatAll` writes them, secrets
   * redacted: this is what leaves the process (GET_NAMESRV_CONFIG, `-p`, the start-up log line).
   */
  entries(): Array<[string, string]> {
    return redactSettings(settingEntries(this.settings()));
  }

  /** The GET_NAMESRV_CONFIG body: `key=value\n` per setting, secrets redacted. */
  formatAll(): string {
    return formatProperties(this.entries());
  }

  /** Whether UPDATE_NAMESRV_CONFIG may never change `name`: blacklisted, or a TLS setting. */
  isRefusedRemotely(name: string): boolean {
    const blackList = this.blackList;
    // TLS settings are not part of Java's configuration objects at all; a remote caller must not
    // be able to weaken them (e.g. tls.server.mode=disabled at the next start).
    return blackList.has(name) || blackList.has(canonicalPropertyName(name)) || isTlsProperty(name);
  }

  /**
   * UPDATE_NAMESRV_CONFIG: refuses blacklisted and TLS names (NO_PERMISSION), then malformed values
   * (SYSTEM_ERROR) before changing anything; ignores names it does not know, as Java does, and
   * returns them; then saves the new settings to configStorePath and applies them. If saving fails
   * nothing changes.
   */
  update(properties: Map<string, string>): { ignored: string[] } {
    for (const name of properties.keys()) {
      if (this.isRefusedRemotely(name)) throw new RequestError(ResponseCode.NO_PERMISSION, BLACKLIST_REMARK);
    }
    const ignored: string[] = [];
    const resolved: ResolvedProperty[] = [];
    for (const [name, raw] of properties) {
      // Settings of Java's remoting client, or the controller's (UPDATE_CONTROLLER_CONFIG changes those): Java takes them, they change nothing here.
      if (JAVA_ONLY_PROPERTIES.has(name) || (controllerPropertyName(name) && !findPropertySpec(name))) continue;
      if (!findPropertySpec(name)) {
        ignored.push(name);
        continue;
      }
      try {
        resolved.push(resolveProperty(name, raw));
      } catch (error) {
        if (error instanceof InvalidPropertyError) {
          throw new RequestError(ResponseCode.SYSTEM_ERROR, `Can not update config: ${error.message}`);
        }
        throw error;
      }
    }
    if (resolved.length === 0) return { ignored };

    const next = copySettings(this.settings());
    for (const property of resolved) applyProperty(next, property);
    try {
      this.save(next);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new RequestError(ResponseCode.SYSTEM_ERROR, `Can not save config to ${this.namesrv.configStorePath}: ${reason}`);
    }
    Object.assign(this.namesrv, next.namesrv);
    Object.assign(this.netty, next.netty);
    Object.assign(this.extras, next.extras);
    Object.assign(this.security, next.security);
    Object.assign(this.http, next.http);
    Object.assign(this.tls, next.tls);
    return { ignored };
  }

  /** Writes every setting to configStorePath (atomically, the previous content kept as `.bak`). */
  persist(): void {
    this.save(this.settings());
  }

  /** Removes temporary files a crashed settings write left beside configStorePath (call at start). */
  removeStaleTempFiles(): string[] {
    return removeStaleTempFiles(this.namesrv.configStorePath);
  }

  // New settings files are the owner's alone: they may hold secrets (tls.server.keyPassword).
  private save(settings: Settings): void {
    const data = formatProperties(settingEntries(settings));
    writeFileAtomicSync(settings.namesrv.configStorePath, data, { keepBackup: true, newFileMode: 0o600 });
  }

  private settings(): Settings {
    return { namesrv: this.namesrv, netty: this.netty, extras: this.extras, security: this.security, http: this.http, tls: this.tls };
  }
}
