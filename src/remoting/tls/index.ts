export { clientTlsOptions, clientTlsOptionsFromSettings } from './client-tls.js';
export { createServerTls, type ServerTls, type ServerTlsOptions, type TlsReloadEvent } from './server-tls.js';
export { DEFAULT_TLS_CONFIG_FILE, TlsProperty, tlsEnvName, type TlsPropertyName } from './tls-property-names.js';
export {
  describeTlsSettings,
  resolveTlsSettings,
  type ClientAuthMode,
  type ClientTlsSettings,
  type ServerTlsSettings,
  type TlsEnvironment,
  type TlsMode,
  type TlsSettings,
  type TlsSettingsInput,
} from './tls-settings.js';
