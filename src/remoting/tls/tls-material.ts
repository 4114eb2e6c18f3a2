import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import tls from 'node:tls';

/** A certificate chain and its private key, as PEM text. */
export interface IdentityPems {
  cert: string;
  key: string;
  passphrase: string | null;
}

/** Everything new TLS connections are given, checked to be usable. */
export interface ServerMaterial {
  identity: IdentityPems;
  trustPem: string | null;
  contextOptions: tls.SecureContextOptions;
  /** SHA-256 fingerprint of the leaf certificate, colon-separated hex as `X509Certificate.fingerprint256`. */
  fingerprint: string;
  subject: string;
  validTo: string;
}

/** How errors name the certificate, key and trust certificate (property and path, say). */
export interface MaterialLabels {
  cert: string;
  key: string;
  trust: string;
}

const DEFAULT_LABELS: MaterialLabels = { cert: 'certificate', key: 'private key', trust: 'trust certificate' };

/** Why material cannot be used; names the file or property at fault. */
export class TlsMaterialError extends Error {
  override name = 'TlsMaterialError';
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export async function readIdentityFiles(certPath: string, keyPath: string, passphrase: string | null): Promise<IdentityPems> {
  return { cert: await readText(certPath, 'certificate'), key: await readText(keyPath, 'private key'), passphrase };
}

export async function readText(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new TlsMaterialError(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

/**
 * Checks that the certificate parses, the key parses (decrypting it with the passphrase) and belongs
 * to the certificate, and the trust certificates parse, then builds the secure-context options.
 */
export function buildServerMaterial(identity: IdentityPems, trustPem: string | null, labels: MaterialLabels = DEFAULT_LABELS): ServerMaterial {
  const chain = parseCertificates(identity.cert, labels.cert);
  const leaf = chain[0];
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey({ key: identity.key, format: 'pem', passphrase: identity.passphrase ?? undefined });
  } catch (err) {
    throw new TlsMaterialError(`${labels.key}: cannot load it${identity.passphrase ? ' with the configured password' : ''}: ${(err as Error).message}`);
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new TlsMaterialError(`${labels.key} does not match ${labels.cert} (${leaf.subject.replace(/\n/g, ', ')})`);
  }
  if (trustPem !== null) parseCertificates(trustPem, labels.trust);

  const contextOptions: tls.SecureContextOptions = {
    cert: identity.cert,
    key: identity.key,
    passphrase: identity.passphrase ?? undefined,
    ca: trustPem ?? undefined,
  };
  try {
    tls.createSecureContext(contextOptions);
  } catch (err) {
    throw new TlsMaterialError(`cannot build a TLS context: ${(err as Error).message}`);
  }
  return {
    identity,
    trustPem,
    contextOptions,
    fingerprint: leaf.fingerprint256,
    subject: leaf.subject.replace(/\n/g, ', '),
    validTo: leaf.validTo,
  };
}

function parseCertificates(pem: string, label: string): crypto.X509Certificate[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) throw new TlsMaterialError(`${label}: no PEM certificate found`);
  return blocks.map((block, index) => {
    try {
      return new crypto.X509Certificate(block);
    } catch (err) {
      throw new TlsMaterialError(`${label}: certificate #${index + 1} does not parse: ${(err as Error).message}`);
    }
  });
}
