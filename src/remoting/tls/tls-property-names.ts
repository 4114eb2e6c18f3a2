/** The `tls.*` property names of Apache RocketMQ (`TlsSystemConfig`), server and client side. */
export const TlsProperty = {
  serverMode: 'tls.server.mode',
  enable: 'tls.enable',
  configFile: 'tls.config.file',
  testModeEnable: 'tls.test.mode.enable',

  serverNeedClientAuth: 'tls.server.need.client.auth',
  serverKeyPath: 'tls.server.keyPath',
  serverKeyPassword: 'tls.server.keyPassword',
  serverCertPath: 'tls.server.certPath',
  serverAuthClient: 'tls.server.authClient',
  serverTrustCertPath: 'tls.server.trustCertPath',

  clientKeyPath: 'tls.client.keyPath',
  clientKeyPassword: 'tls.client.keyPassword',
  clientCertPath: 'tls.client.certPath',
  clientAuthServer: 'tls.client.authServer',
  clientTrustCertPath: 'tls.client.trustCertPath',
} as const;

export type TlsPropertyName = (typeof TlsProperty)[keyof typeof TlsProperty];

export const ALL_TLS_PROPERTIES: readonly TlsPropertyName[] = Object.values(TlsProperty);

/** Java never takes these from `tls.config.file` (only from system properties). */
export const NOT_FROM_CONFIG_FILE: readonly TlsPropertyName[] = [TlsProperty.serverMode, TlsProperty.enable, TlsProperty.configFile];

export const DEFAULT_TLS_CONFIG_FILE = '/etc/rocketmq/tls.properties';

/**
 * The environment variable that sets a property: upper case, dots as underscores
 * (`tls.server.certPath` → `TLS_SERVER_CERTPATH`), which is also the name of Java's constant.
 */
export function tlsEnvName(property: TlsPropertyName): string {
  return property.toUpperCase().replace(/\./g, '_');
}
