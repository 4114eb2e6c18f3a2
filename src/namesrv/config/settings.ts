import { defaultHttpConfig, type HttpConfig } from './http-config.js';
import { defaultNamesrvConfig, type NamesrvConfig } from './namesrv-config.js';
import { defaultNettyServerConfig, type NettyServerConfig } from './netty-server-config.js';
import type { PropertyValue, ResolvedProperty } from './property-value.js';
import { defaultSecurityConfig, type SecurityConfig } from './security-config.js';
import { defaultServerExtrasConfig, type ServerExtrasConfig } from './server-extras-config.js';

/** Every setting of the NameServer, grouped as Java groups them plus our own and the raw `tls.*` entries. */
export interface Settings {
  namesrv: NamesrvConfig;
  netty: NettyServerConfig;
  extras: ServerExtrasConfig;
  security: SecurityConfig;
  http: HttpConfig;
  tls: Record<string, string>;
}

export function defaultSettings(homeDir: string): Settings {
  return {
    namesrv: defaultNamesrvConfig(homeDir),
    netty: defaultNettyServerConfig(),
    extras: defaultServerExtrasConfig(homeDir),
    security: defaultSecurityConfig(homeDir),
    http: defaultHttpConfig(),
    tls: {},
  };
}

export function copySettings(settings: Settings): Settings {
  return {
    namesrv: { ...settings.namesrv },
    netty: { ...settings.netty },
    extras: { ...settings.extras },
    security: { ...settings.security },
    http: { ...settings.http },
    tls: { ...settings.tls },
  };
}

export function applyProperty(settings: Settings, property: ResolvedProperty): void {
  if (property.kind === 'tls') {
    settings.tls[property.name] = property.value;
  } else {
    (settings[property.spec.group] as unknown as Record<string, PropertyValue>)[property.spec.name] = property.value;
  }
}

/**
 * `[name, value]` of every setting, sorted by name: RocketMQ 5.3.3 sorts them (a TreeMap over the
 * properties) when it answers GET_NAMESRV_CONFIG and persists the config. 4.9.8 wrote them in its
 * Properties' hash order instead (see the capture), which no client depends on.
 * An empty rocketmqHome is left out, as Java leaves out its null.
 */
export function settingEntries(settings: Settings): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (const group of [settings.namesrv, settings.netty, settings.extras, settings.security, settings.http, settings.tls]) {
    for (const [name, value] of Object.entries(group)) entries.push([name, String(value)]);
  }
  return entries
    .filter(([name, value]) => !(name === 'rocketmqHome' && value === ''))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
