import crypto from 'node:crypto';
import { MQVersion } from '../protocol/mq-version.js';
import type { ExtFields, RemotingCommand } from '../remoting/remoting-command.js';

/** Request ext fields Java's `AclClientRPCHook` adds (`SessionCredentials`'s names). */
export const ACCESS_KEY_FIELD = 'AccessKey';
export const SIGNATURE_FIELD = 'Signature';
export const SECURITY_TOKEN_FIELD = 'SecurityToken';
/** A broker-side query flag that old clients sent outside the signed content; servers leave it out for them. */
const UNIQUE_KEY_QUERY_FIELD = '_UNIQUE_KEY_QUERY';

/** An account's keys, as Java's `SessionCredentials` holds them. */
export interface Credentials {
  accessKey: string;
  secretKey: string;
  /** Sent (and signed) when present; NameServers do not check it. */
  securityToken?: string;
}

type Signable = Pick<RemotingCommand, 'extFields' | 'body' | 'version'>;

/**
 * The bytes a signature covers: every ext field's value except `Signature`, in the order of their
 * names (Java's `TreeMap<String, String>`, i.e. UTF-16 code unit order, which is also the order of
 * JavaScript's default sort), as UTF-8, then the body's bytes.
 */
export function signedContent(request: Signable): Buffer {
  const fields = request.extFields ?? {};
  const names = Object.keys(fields)
    .filter((name) => name !== SIGNATURE_FIELD && !(name === UNIQUE_KEY_QUERY_FIELD && request.version <= MQVersion.V4_9_3))
    .sort();
  const text = names.map((name) => fields[name]).join('');
  const head = Buffer.from(text, 'utf8');
  return request.body && request.body.length > 0 ? Buffer.concat([head, request.body]) : head;
}

/** HMAC-SHA1 of `content` keyed with the UTF-8 bytes of `secretKey`, in Base64: Java's `AclSigner`. */
export function computeSignature(content: Buffer, secretKey: string): string {
  return crypto.createHmac('sha1', Buffer.from(secretKey, 'utf8')).update(content).digest('base64');
}

/**
 * Signs a request as Java's `AclClientRPCHook` does: adds `AccessKey` (and `SecurityToken`), then
 * `Signature` over the result. Changes the request in place and returns it.
 */
export function signRequest<T extends Signable>(request: T, credentials: Credentials): T {
  const fields: ExtFields = { ...request.extFields, [ACCESS_KEY_FIELD]: credentials.accessKey };
  if (credentials.securityToken !== undefined) fields[SECURITY_TOKEN_FIELD] = credentials.securityToken;
  delete fields[SIGNATURE_FIELD];
  request.extFields = fields;
  fields[SIGNATURE_FIELD] = computeSignature(signedContent(request), credentials.secretKey);
  return request;
}

/** Whether the request's `Signature` is the one `secretKey` gives, compared in constant time. */
export function hasValidSignature(request: Signable, secretKey: string): boolean {
  const given = request.extFields?.[SIGNATURE_FIELD];
  if (given === undefined) return false;
  const expected = Buffer.from(computeSignature(signedContent(request), secretKey), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}

/** The request signed, as a copy (the caller's command is left as it was); itself without credentials. */
export function signedCopy(request: RemotingCommand, credentials: Credentials | undefined): RemotingCommand {
  return credentials ? signRequest({ ...request }, credentials) : request;
}
