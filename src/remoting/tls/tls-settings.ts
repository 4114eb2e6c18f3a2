import type { Logger } from '../../util/logger.js';
import { readPropertiesFile } from './properties-file.js';
import {
  ALL_TLS_PROPERTIES,
  DEFAULT_TLS_CONFIG_FILE,
  NOT_FROM_CONFIG_FILE,
  TlsProperty,
  tlsEnvName,
  type TlsPropertyName,
} from './tls-property-names.js';

export type TlsMode = 'disabled' | 'permissive' | 'enforcing';
export type ClientAuthMode = 'none' | 'optional' | 'require';
export type TlsSettingSource = 'default' | 'properties' | 'tls.config.file' | 'environment';
export type TlsEnvironment = Record<string, string | undefined>;

export interface ServerTlsSettings {
  certPath: string | null;
  keyPath: string | null;
  keyPassword: string | null;
  trustCertPath: string | null;
  needClientAuth: ClientAuthMode;
  /** Verify client certificates against the trust certificate; false accepts any certificate (as Java does). */
  authClient: boolean;
}

export interface ClientTlsSettings {
  certPath: string | null;
  keyPath: string | null;
  keyPassword: string | null;
  trustCertPath: string | null;
  /** Verify the server's certificate against the trust certificate; false trusts any certificate (as Java does). */
  authServer: boolean;
}

export interface TlsSettings {
  mode: TlsMode;
  /** Client side: whether connections are made over TLS at all. */
  enable: boolean;
  configFile: string;
  testModeEnable: boolean;
  server: ServerTlsSettings;
  client: ClientTlsSettings;
  /** Where each property's effective value came from. */
  sources: Record<TlsPropertyName, TlsSettingSource>;
}

export interface TlsSettingsInput {
  /** The `tls.*` entries of the `-c` properties file, raw. */
  properties?: Record<string, string>;
  /** Defaults to `process.env`. */
  env?: TlsEnvironment;
  logger?: Logger;
}

/** Java's defaults (`TlsSystemConfig`). */
const DEFAULTS: Partial<Record<TlsPropertyName, string>> = {
  [TlsProperty.serverMode]: 'permissive',
  [TlsProperty.enable]: 'false',
  [TlsProperty.configFile]: DEFAULT_TLS_CONFIG_FILE,
  [TlsProperty.testModeEnable]: 'true',
  [TlsProperty.serverNeedClientAuth]: 'none',
  [TlsProperty.serverAuthClient]: 'false',
  [TlsProperty.clientAuthServer]: 'false',
};

/**
 * Resolves the TLS settings. Each property takes the value of the highest layer that sets it
 * (lowest first): Java's default, the `-c` properties, `tls.config.file`, the environment
 * (`TLS_SERVER_MODE`...). As in Java, `tls.config.file` cannot set `tls.server.mode` or `tls.enable`.
 * Empty values count as unset.
 */
export async function resolveTlsSettings(input: TlsSettingsInput = {}): Promise<TlsSettings> {
  const properties = input.properties ?? {};
  const env = input.env ?? process.env;
  const values = new Map<TlsPropertyName, string>();
  const sources = {} as Record<TlsPropertyName, TlsSettingSource>;
  const set = (name: TlsPropertyName, value: string | undefined, source: TlsSettingSource) => {
    const trimmed = value?.trim();
    if (!trimmed) return;
    values.set(name, trimmed);
    sources[name] = source;
  };

  for (const name of ALL_TLS_PROPERTIES) {
    set(name, DEFAULTS[name], 'default');
    set(name, properties[name], 'properties');
  }
  const fromEnv = (name: TlsPropertyName) => env[tlsEnvName(name)];
  set(TlsProperty.configFile, fromEnv(TlsProperty.configFile), 'environment');

  const configFile = values.get(TlsProperty.configFile) ?? DEFAULT_TLS_CONFIG_FILE;
  const fileValues = await readConfigFile(configFile, sources[TlsProperty.configFile] !== 'default', input.logger);
  for (const name of ALL_TLS_PROPERTIES) {
    const value = fileValues?.[name];
    if (value === undefined) continue;
    if (NOT_FROM_CONFIG_FILE.includes(name)) {
      input.logger?.warn({ file: configFile, property: name }, 'ignoring this property in tls.config.file, as Apache RocketMQ does');
      continue;
    }
    set(name, value, 'tls.config.file');
  }
  for (const name of ALL_TLS_PROPERTIES) set(name, fromEnv(name), 'environment');

  const get = (name: TlsPropertyName) => values.get(name) ?? null;
  return {
    mode: parseMode(get(TlsProperty.serverMode), input.logger),
    enable: parseJavaBoolean(get(TlsProperty.enable)),
    configFile,
    testModeEnable: parseJavaBoolean(get(TlsProperty.testModeEnable)),
    server: {
      certPath: get(TlsProperty.serverCertPath),
      keyPath: get(TlsProperty.serverKeyPath),
      keyPassword: get(TlsProperty.serverKeyPassword),
      trustCertPath: get(TlsProperty.serverTrustCertPath),
      needClientAuth: parseClientAuth(get(TlsProperty.serverNeedClientAuth), input.logger),
      authClient: parseJavaBoolean(get(TlsProperty.serverAuthClient)),
    },
    client: {
      certPath: get(TlsProperty.clientCertPath),
      keyPath: get(TlsProperty.clientKeyPath),
      keyPassword: get(TlsProperty.clientKeyPassword),
      trustCertPath: get(TlsProperty.clientTrustCertPath),
      authServer: parseJavaBoolean(get(TlsProperty.clientAuthServer)),
    },
    sources,
  };
}

/** The settings as a log-friendly object, passwords masked. */
export function describeTlsSettings(settings: TlsSettings): Record<string, unknown> {
  const mask = (value: string | null) => (value === null ? null : '******');
  return {
    mode: settings.mode,
    enable: settings.enable,
    configFile: settings.configFile,
    testModeEnable: settings.testModeEnable,
    server: { ...settings.server, keyPassword: mask(settings.server.keyPassword) },
    client: { ...settings.client, keyPassword: mask(settings.client.keyPassword) },
    sources: settings.sources,
  };
}

async function readConfigFile(file: string, explicit: boolean, logger?: Logger): Promise<Record<string, string> | null> {
  try {
    const values = await readPropertiesFile(file);
    if (values === null) {
      if (explicit) logger?.warn({ file }, 'tls.config.file does not exist, skipping it');
      else logger?.debug({ file }, 'no tls.config.file at the default path');
    }
    return values;
  } catch (err) {
    logger?.warn({ file, err: (err as Error).message }, 'cannot read tls.config.file, skipping it');
    return null;
  }
}

/** Like Java's `Boolean.parseBoolean`: only "true" (any case) is true. */
function parseJavaBoolean(value: string | null): boolean {
  return value?.toLowerCase() === 'true';
}

function parseMode(value: string | null, logger?: Logger): TlsMode {
  if (value === 'disabled' || value === 'permissive' || value === 'enforcing') return value;
  logger?.warn({ value }, 'unknown tls.server.mode, using permissive as Apache RocketMQ does');
  return 'permissive';
}

function parseClientAuth(value: string | null, logger?: Logger): ClientAuthMode {
  const lower = value?.toLowerCase() ?? 'none';
  if (lower === 'none' || lower === 'optional' || lower === 'require') return lower;
  logger?.warn({ value }, 'unknown tls.server.need.client.auth, using none as Apache RocketMQ does');
  return 'none';
}
