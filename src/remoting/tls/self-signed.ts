import type { IdentityPems } from './tls-material.js';

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

/**
 * A fresh self-signed certificate for `localhost`, as Java's test mode makes with Netty's
 * `SelfSignedCertificate`. The generator is loaded only when needed.
 */
export async function generateSelfSignedIdentity(commonName = 'localhost'): Promise<IdentityPems> {
  const { generate } = await import('selfsigned');
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 24 * 3600 * 1000),
    notAfterDate: new Date(now + TEN_YEARS_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: commonName }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
    ],
  });
  return { cert: pems.cert, key: pems.private, passphrase: null };
}
