import type tls from 'node:tls';
import { readText } from './tls-material.js';
import { resolveTlsSettings, type TlsEnvironment, type TlsSettings } from './tls-settings.js';

/**
 * TLS options for connecting to a RocketMQ server, from the same `tls.*` properties
 * (`tls.client.*`, `tls.test.mode.enable`, `tls.config.file`, the environment), or null when
 * `tls.enable` is not true.
 */
export async function clientTlsOptions(properties: Record<string, string> = {}, env: TlsEnvironment = process.env): Promise<tls.ConnectionOptions | null> {
  const settings = await resolveTlsSettings({ properties, env });
  return settings.enable ? clientTlsOptionsFromSettings(settings) : null;
}

/**
 * Maps resolved settings to connection options, as Java's client does: the server certificate is
 * verified only with `tls.client.authServer` and outside test mode, against `tls.client.trustCertPath`
 * (or the system's roots), and without host name checks (Netty makes none). The client certificate
 * and key are presented whenever configured.
 */
export async function clientTlsOptionsFromSettings(settings: TlsSettings): Promise<tls.ConnectionOptions> {
  const { certPath, keyPath, keyPassword, trustCertPath, authServer } = settings.client;
  const verify = authServer && !settings.testModeEnable;
  const options: tls.ConnectionOptions = {
    rejectUnauthorized: verify,
    checkServerIdentity: () => undefined,
  };
  if (verify && trustCertPath) options.ca = await readText(trustCertPath, 'tls.client.trustCertPath');
  if (certPath) options.cert = await readText(certPath, 'tls.client.certPath');
  if (keyPath) options.key = await readText(keyPath, 'tls.client.keyPath');
  if (keyPassword) options.passphrase = keyPassword;
  return options;
}
