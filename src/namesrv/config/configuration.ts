import os from 'node:os';
import { RequestError } from '../../protocol/request-error.js';
import { ResponseCode } from '../../protocol/response-code.js';
import { writeFileAtomicSync } from '../../util/atomic-file.js';
import { JAVA_ONLY_PROPERTIES } from './java-only-properties.js';
import type { HttpConfig } from './http-config.js';
import type { NamesrvConfig } from './namesrv-config.js';
import type { NettyServerConfig } from './netty-server-config.js';
import { formatProperties } from '../../util/java-properties.js';
import { canonicalPropertyName } from './property-specs.js';
import { InvalidPropertyError, resolveProperty, type ResolvedProperty } from './property-value.js';
import type { ServerExtrasConfig } from './server-extras-config.js';
import { applyProperty, copySettings, defaultSettings, settingEntries, type Settings } from './settings.js';

export interface ConfigurationInit {
  /** Stands for Java's `user.home` in the defaults; the process's home folder when left out. */
  homeDir?: string;
  namesrv?: Partial<NamesrvConfig>;
  netty?: Partial<NettyServerConfig>;
  http?: Partial<HttpConfig>;
  tls?: Record<string, string>;
  frameMaxLength?: number;
  logDir?: string;
  logLevel?: string;
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
];

export const BLACKLIST_REMARK = 'Can not update config in black list.';

/** The NameServer's settings. `namesrv`, `netty`, `http` and `tls` are live: updates change them in place. */
export class Configuration {
  readonly namesrv: NamesrvConfig;
  readonly netty: NettyServerConfig;
  /** Ours: the HTTP listener. Where it listens is read at start-up only. */
  readonly http: HttpConfig;
  readonly tls: Record<string, string>;
  private readonly extras: ServerExtrasConfig;

  constructor(init: ConfigurationInit = {}) {
    const defaults = defaultSettings(init.homeDir ?? os.homedir());
    this.namesrv = { ...defaults.namesrv, ...init.namesrv };
    this.netty = { ...defaults.netty, ...init.netty };
    this.http = { ...defaults.http, ...init.http };
    this.tls = { ...init.tls };
    this.extras = {
      frameMaxLength: init.frameMaxLength ?? defaults.extras.frameMaxLength,
      logDir: init.logDir ?? defaults.extras.logDir,
      logLevel: init.logLevel ?? defaults.extras.logLevel,
    };
  }

  /** Largest frame the server accepts, in bytes (ours; Java's `-Dcom.rocketmq.remoting.frameMaxLength`). */
  get frameMaxLength(): number {
    return this.extras.frameMaxLength;
  }

  /** Folder of `namesrv.log` (ours). */
  get logDir(): string {
    return this.extras.logDir;
  }

  /** pino level name (ours). */
  get logLevel(): string {
    return this.extras.logLevel;
  }

  /** configBlackList's names plus ALWAYS_BLACKLISTED. */
  get blackList(): ReadonlySet<string> {
    const names = this.namesrv.configBlackList
      .split(';')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    return new Set([...names, ...ALWAYS_BLACKLISTED]);
  }

  /** `[name, value]` of every effective setting, in the order `formatAll` writes them. */
  entries(): Array<[string, string]> {
    return settingEntries(this.settings());
  }

  /** The GET_NAMESRV_CONFIG body, and what `persist` writes: `key=value\n` per setting. */
  formatAll(): string {
    return formatProperties(this.entries());
  }

  /**
   * UPDATE_NAMESRV_CONFIG: refuses blacklisted names (NO_PERMISSION), then unknown names and malformed
   * values (SYSTEM_ERROR) before changing anything; then saves the new settings to configStorePath
   * and applies them. If saving fails nothing changes.
   */
  update(properties: Map<string, string>): void {
    const blackList = this.blackList;
    for (const name of properties.keys()) {
      if (blackList.has(name) || blackList.has(canonicalPropertyName(name))) {
        throw new RequestError(ResponseCode.NO_PERMISSION, BLACKLIST_REMARK);
      }
    }
    const resolved: ResolvedProperty[] = [];
    for (const [name, raw] of properties) {
      // Settings of Java's remoting client or controller: Java takes them, they change nothing here.
      if (JAVA_ONLY_PROPERTIES.has(name)) continue;
      try {
        resolved.push(resolveProperty(name, raw));
      } catch (error) {
        if (error instanceof InvalidPropertyError) {
          throw new RequestError(ResponseCode.SYSTEM_ERROR, `Can not update config: ${error.message}`);
        }
        throw error;
      }
    }
    if (resolved.length === 0) return;

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
    Object.assign(this.http, next.http);
    Object.assign(this.tls, next.tls);
  }

  /** Writes every setting to configStorePath (atomically, the previous content kept as `.bak`). */
  persist(): void {
    this.save(this.settings());
  }

  private save(settings: Settings): void {
    writeFileAtomicSync(settings.namesrv.configStorePath, formatProperties(settingEntries(settings)), { keepBackup: true });
  }

  private settings(): Settings {
    return { namesrv: this.namesrv, netty: this.netty, extras: this.extras, http: this.http, tls: this.tls };
  }
}
