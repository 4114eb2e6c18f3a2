import { RequestCode, requestCodeName } from '../protocol/request-code.js';
import type { RemotingCommand } from '../remoting/remoting-command.js';
import type { AclRules } from './acl-file.js';
import { hostOf } from './address-pattern.js';
import { ACCESS_KEY_FIELD, hasValidSignature } from './signature.js';

/** What a request needs, by the kind of request. */
export type RequestKind = 'admin' | 'broker' | 'read';

const ADMIN_CODES: ReadonlySet<number> = new Set([
  RequestCode.UPDATE_NAMESRV_CONFIG,
  RequestCode.PUT_KV_CONFIG,
  RequestCode.DELETE_KV_CONFIG,
  RequestCode.WIPE_WRITE_PERM_OF_BROKER,
  RequestCode.ADD_WRITE_PERM_OF_BROKER,
  RequestCode.DELETE_TOPIC_IN_NAMESRV,
  RequestCode.REGISTER_TOPIC_IN_NAMESRV,
]);

const BROKER_CODES: ReadonlySet<number> = new Set([
  RequestCode.REGISTER_BROKER,
  RequestCode.UNREGISTER_BROKER,
  RequestCode.BROKER_HEARTBEAT,
  RequestCode.QUERY_DATA_VERSION,
]);

/** Every other code is a read (routes, cluster info, topic lists, KV reads, GET_NAMESRV_CONFIG). */
export function requestKind(code: number): RequestKind {
  if (ADMIN_CODES.has(code)) return 'admin';
  if (BROKER_CODES.has(code)) return 'broker';
  return 'read';
}

/** The switches of the policy, read live. */
export interface PolicySwitches {
  /** Broker requests need a signature. */
  readonly aclBrokerRequests: boolean;
  /** Reads need a signature. */
  readonly aclReads: boolean;
  /** Admin requests need a TLS connection as well as a signature. */
  readonly aclAdminRequiresTls?: boolean;
}

/** What the policy knows of the connection a request came on. */
export interface RequestOrigin {
  /** `host:port` of the peer. */
  readonly remoteAddress: string;
  /** The connection is TLS. */
  readonly secure: boolean;
}

/** Why a request is refused: `remark` goes to the client (never a secret), `reason` to the log. */
export interface Refusal {
  reason: 'unsigned' | 'unknown-access-key' | 'address-not-allowed' | 'bad-signature' | 'not-admin' | 'admin-needs-tls';
  remark: string;
  accessKey?: string;
}

/**
 * Decides whether a request may run: with `aclAdminRequiresTls`, admin requests on a plain-text
 * connection never may; otherwise a host on `globalWhiteRemoteAddresses` always may, as in Java;
 * otherwise admin requests need a valid signature of an admin account, broker requests and reads a
 * valid signature of any account when their switch asks for one. An account with a
 * `whiteRemoteAddress` may sign only from there.
 */
export function checkAccess(request: RemotingCommand, origin: RequestOrigin, rules: AclRules, switches: PolicySwitches): Refusal | null {
  const kind = requestKind(request.code);
  if (kind === 'read' && !switches.aclReads) return null;
  if (kind === 'broker' && !switches.aclBrokerRequests) return null;
  if (kind === 'admin' && switches.aclAdminRequiresTls && !origin.secure) {
    return { reason: 'admin-needs-tls', remark: `${requestCodeName(request.code)} is an admin request: it is accepted over TLS only (aclAdminRequiresTls)` };
  }
  const host = hostOf(origin.remoteAddress);
  if (rules.globalWhiteRemoteAddresses.some((pattern) => pattern.matches(host))) return null;
  const accessKey = request.extFields?.[ACCESS_KEY_FIELD];
  if (accessKey === undefined) {
    return { reason: 'unsigned', remark: `${requestCodeName(request.code)} needs a signed request: no AccessKey` };
  }
  const account = rules.accounts.get(accessKey);
  if (!account) return { reason: 'unknown-access-key', remark: `No acl config for ${accessKey}`, accessKey };
  if (account.allowedFrom && !account.allowedFrom.matches(host)) {
    return { reason: 'address-not-allowed', remark: `accessKey ${accessKey} is not allowed from ${host}`, accessKey };
  }
  if (!hasValidSignature(request, account.secretKey)) {
    return { reason: 'bad-signature', remark: `Check signature failed for accessKey=${accessKey}`, accessKey };
  }
  if (kind === 'admin' && !account.admin) {
    return { reason: 'not-admin', remark: `${requestCodeName(request.code)} needs an admin account; ${accessKey} is not one`, accessKey };
  }
  return null;
}
