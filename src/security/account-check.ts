import crypto from 'node:crypto';
import type { AclRules } from './acl-file.js';
import { normalizeHost } from './address-pattern.js';

/** Why an account's keys were not accepted. */
export type AccountKeyRefusal = 'unknown-account' | 'wrong-secret' | 'address-not-allowed' | 'not-admin' | 'admin-needs-tls';

/**
 * Checks an account's keys given as they are (HTTP Basic), not as a request signature: the account
 * exists, the secret key is its own (compared in constant time), it may call from `host` (its
 * `whiteRemoteAddress`), and it is an admin when `admin` is asked. null when all hold.
 */
export function checkAccountKeys(rules: AclRules, accessKey: string, secretKey: string, host: string, admin: boolean): AccountKeyRefusal | null {
  const account = rules.accounts.get(accessKey);
  if (!account) return 'unknown-account';
  if (!sameSecret(account.secretKey, secretKey)) return 'wrong-secret';
  if (account.allowedFrom && !account.allowedFrom.matches(normalizeHost(host))) return 'address-not-allowed';
  if (admin && !account.admin) return 'not-admin';
  return null;
}

function sameSecret(expected: string, given: string): boolean {
  const digest = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest();
  return crypto.timingSafeEqual(digest(expected), digest(given));
}
