import { parse as parseYaml } from 'yaml';
import { AddressPatternError, parseAddressPattern, type AddressPattern } from './address-pattern.js';

/** One account of the ACL file. */
export interface AclAccount {
  readonly accessKey: string;
  readonly secretKey: string;
  /** Where the account may sign from; null when the file sets no `whiteRemoteAddress` (anywhere). */
  readonly allowedFrom: AddressPattern | null;
  readonly admin: boolean;
}

/** What the NameServer uses of Java's `plain_acl.yml`. */
export interface AclRules {
  readonly globalWhiteRemoteAddresses: readonly AddressPattern[];
  readonly accounts: ReadonlyMap<string, AclAccount>;
}

export class AclFileError extends Error {
  override readonly name = 'AclFileError';
}

/** Java refuses shorter keys (`PlainPermissionManager`'s checks). */
const MIN_KEY_LENGTH = 6;

/**
 * Reads Java's `plain_acl.yml`: `globalWhiteRemoteAddresses` (a list of address patterns) and
 * `accounts` (each with `accessKey`, `secretKey`, optional `whiteRemoteAddress` and `admin`). The
 * topic and group permissions Java's brokers use are allowed and ignored. Throws AclFileError
 * naming the first problem; nothing of a file with a problem is used.
 */
export function parseAclFile(text: string): AclRules {
  let doc: unknown;
  try {
    // Every scalar as the text it is: `secretKey: 0123456789` must not become a number.
    doc = parseYaml(text, { schema: 'failsafe' });
  } catch (err) {
    throw new AclFileError(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return { globalWhiteRemoteAddresses: [], accounts: new Map() };
  if (!isRecord(doc)) throw new AclFileError('the file must be a YAML mapping');
  const globalWhiteRemoteAddresses = listOf(doc.globalWhiteRemoteAddresses, 'globalWhiteRemoteAddresses').map((entry) =>
    pattern(scalar(entry, 'globalWhiteRemoteAddresses entry'), 'globalWhiteRemoteAddresses'),
  );
  const accounts = new Map<string, AclAccount>();
  listOf(doc.accounts, 'accounts').forEach((entry, index) => {
    if (!isRecord(entry)) throw new AclFileError(`accounts[${index}] must be a mapping`);
    const account = readAccount(entry, `accounts[${index}]`);
    if (accounts.has(account.accessKey)) throw new AclFileError(`accessKey ${account.accessKey} appears twice`);
    accounts.set(account.accessKey, account);
  });
  return { globalWhiteRemoteAddresses, accounts };
}

function readAccount(entry: Record<string, unknown>, where: string): AclAccount {
  const accessKey = scalar(entry.accessKey, `${where}.accessKey`);
  const secretKey = scalar(entry.secretKey, `${where}.secretKey`);
  if (accessKey.length < MIN_KEY_LENGTH) throw new AclFileError(`${where}.accessKey must have at least ${MIN_KEY_LENGTH} characters`);
  if (secretKey.length < MIN_KEY_LENGTH) throw new AclFileError(`${where}.secretKey of ${accessKey} must have at least ${MIN_KEY_LENGTH} characters`);
  const white = entry.whiteRemoteAddress;
  const allowedFrom = white === undefined || white === null ? null : pattern(scalar(white, `${where}.whiteRemoteAddress`), `${where}.whiteRemoteAddress`);
  const admin = entry.admin === undefined || entry.admin === null ? false : entry.admin;
  if (typeof admin !== 'boolean' && admin !== 'true' && admin !== 'false') throw new AclFileError(`${where}.admin must be true or false`);
  return { accessKey, secretKey, allowedFrom: allowedFrom?.source === '' ? null : allowedFrom, admin: admin === true || admin === 'true' };
}

function pattern(text: string, where: string): AddressPattern {
  try {
    return parseAddressPattern(text);
  } catch (err) {
    if (err instanceof AddressPatternError) throw new AclFileError(`${where}: ${err.message}`);
    throw err;
  }
}

function listOf(value: unknown, where: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new AclFileError(`${where} must be a list`);
  return value;
}

function scalar(value: unknown, where: string): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new AclFileError(`${where} is missing or not a single value`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
