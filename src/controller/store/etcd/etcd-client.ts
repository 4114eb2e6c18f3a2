/**
 * The few etcd v3 calls the controller store needs, over etcd's JSON gateway (`/v3/kv/range`,
 * `/v3/kv/txn`, `/v3/lease/*`) with node:http and node:https (TLS with a CA of its own and a client
 * certificate, which `fetch` cannot do without another package): keys and values travel
 * base64-encoded, 64-bit numbers as decimal strings. Lease ids stay strings (they exceed 2^53).
 * With a user and password it authenticates first (`/v3/auth/authenticate`) and sends the token
 * with every call, authenticating again when etcd says the token is no longer valid.
 *
 * Endpoints are tried in turn, starting with the last one that answered. A request that may have
 * been applied (it reached a member, then timed out or the member failed) is only retried on another
 * member when it is idempotent; otherwise the caller learns that its outcome is unknown.
 */
import { X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { Deadline } from './deadline.js';

export interface KeyValue {
  readonly key: string;
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
  /** The lease the key is attached to, or '0'. */
  readonly lease: string;
}

export interface RangeResult {
  readonly kvs: KeyValue[];
  readonly more: boolean;
  readonly revision: number;
}

export type Compare = { key: string; target: 'CREATE'; result: 'EQUAL'; createRevision: number };

export type Operation =
  | { op: 'put'; key: string; value: string; lease?: string }
  | { op: 'delete'; key: string }
  | { op: 'range'; key: string };

export interface TxnResult {
  readonly succeeded: boolean;
  /** The key/values read by each `range` operation of the branch that ran, in order. */
  readonly ranges: KeyValue[][];
}

/** etcd could not be asked, or did not answer in time: nothing is known of the cluster's state. */
export class EtcdUnreachableError extends Error {
  constructor(
    message: string,
    /** The request may have reached etcd and been applied. */
    readonly maybeApplied: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EtcdUnreachableError';
  }
}

/** etcd answered and refused the request (invalid argument, lease not found, too many operations...). */
export class EtcdRequestError extends Error {
  constructor(
    message: string,
    /** The gRPC status code etcd gave. */
    readonly code: number,
  ) {
    super(message);
    this.name = 'EtcdRequestError';
  }
}

export interface EtcdClientOptions {
  endpoints: readonly string[];
  /** How long one attempt on one member may take before the next member is tried. */
  requestTimeoutMs: number;
  /** For `https://` endpoints: the CA that signed the members' certificates, and this client's certificate and key (PEM). */
  tls?: EtcdTls;
  /** An etcd user (etcd's auth enabled). */
  auth?: { user: string; password: string };
  /** The largest answer body taken from a member; `MAX_ANSWER_BYTES` by default. */
  maxAnswerBytes?: number;
}

export interface EtcdTls {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface CallOptions {
  /** Safe to send again to another member when the first may have received it. */
  idempotent: boolean;
  timeoutMs?: number;
}

const GRPC_NOT_FOUND = 5;
const GRPC_UNAUTHENTICATED = 16;
/**
 * etcd's refusals that a new token cures besides UNAUTHENTICATED: ErrGRPCAuthOldRevision (the
 * token was issued before the auth store last changed) and ErrGRPCUserEmpty (a token the member
 * cannot tie to a user); both come with gRPC code 3, matched by their message.
 */
const STALE_TOKEN_MESSAGES = ['revision of auth store is old', 'user name is empty'];
/** The most of an answer body kept: a member (or something posing as one) cannot fill the heap. */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
/** etcd's "no leader", "request timed out", "leader changed": the member cannot serve right now. */
const GRPC_UNAVAILABLE = 14;

export class EtcdClient {
  private readonly endpoints: string[];
  private preferred = 0;
  private readonly closing = new AbortController();
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent: https.Agent;
  /** The auth token, once authenticated. */
  private token: string | null = null;

  constructor(private readonly options: EtcdClientOptions) {
    if (options.endpoints.length === 0) throw new Error('etcd: no endpoints given');
    this.endpoints = options.endpoints.map(normalizeEndpoint);
    if (options.tls) checkTls(options.tls);
    this.httpsAgent = new https.Agent({ keepAlive: true, ...options.tls });
  }

  get endpointList(): readonly string[] {
    return this.endpoints;
  }

  /** A linearizable read of one key, or of every key from `key` up to `rangeEnd` (exclusive). */
  async range(key: string, options: { rangeEnd?: string; limit?: number; revision?: number } = {}): Promise<RangeResult> {
    const body: Record<string, unknown> = { key: encode(key) };
    if (options.rangeEnd !== undefined) body.range_end = encode(options.rangeEnd);
    if (options.limit !== undefined) body.limit = String(options.limit);
    if (options.revision !== undefined) body.revision = String(options.revision);
    const answer = await this.call('/kv/range', body, { idempotent: true });
    return {
      kvs: decodeKvs(answer.kvs),
      more: answer.more === true,
      revision: Number((answer.header as Record<string, unknown> | undefined)?.revision ?? 0),
    };
  }

  async txn(compare: Compare[], success: Operation[], failure: Operation[], options: CallOptions): Promise<TxnResult> {
    const answer = await this.call(
      '/kv/txn',
      {
        compare: compare.map((c) => ({ key: encode(c.key), target: c.target, result: c.result, create_revision: String(c.createRevision) })),
        success: success.map(encodeOperation),
        failure: failure.map(encodeOperation),
      },
      options,
    );
    const responses = Array.isArray(answer.responses) ? (answer.responses as Record<string, unknown>[]) : [];
    const ranges = responses
      .filter((response) => response.response_range !== undefined)
      .map((response) => decodeKvs((response.response_range as Record<string, unknown>).kvs));
    return { succeeded: answer.succeeded === true, ranges };
  }

  /** Grants a lease; resolves with its id and the TTL etcd chose (etcd may raise a TTL below its minimum). */
  async grantLease(ttlSeconds: number): Promise<{ id: string; ttlSeconds: number }> {
    // Not idempotent in effect, but a duplicate only leaves an unused lease that expires by itself.
    const answer = await this.call('/lease/grant', { TTL: String(ttlSeconds), ID: '0' }, { idempotent: true });
    return { id: String(answer.ID), ttlSeconds: Number(answer.TTL ?? 0) };
  }

  /** Renews a lease once; resolves with the TTL it now has, 0 when the lease has expired or is unknown. */
  async keepAlive(leaseId: string): Promise<number> {
    const answer = await this.call('/lease/keepalive', { ID: leaseId }, { idempotent: true });
    const result = (answer.result ?? {}) as Record<string, unknown>;
    return Number(result.TTL ?? 0);
  }

  /** Revokes a lease, deleting the keys attached to it. A lease already gone is not an error. */
  async revokeLease(leaseId: string, timeoutMs?: number): Promise<void> {
    try {
      await this.call('/lease/revoke', { ID: leaseId }, { idempotent: true, timeoutMs });
    } catch (err) {
      if (!(err instanceof EtcdRequestError && err.code === GRPC_NOT_FOUND)) throw err;
    }
  }

  /** Aborts every request in flight and refuses new ones. */
  close(): void {
    this.closing.abort();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** A call, authenticated when a user is configured: a token etcd no longer knows is replaced once. */
  private async call(path: string, body: unknown, options: CallOptions): Promise<Record<string, unknown>> {
    const auth = this.options.auth;
    if (!auth) return this.callAnyMember(path, body, options, null);
    for (let attempt = 1; ; attempt++) {
      this.token ??= await this.authenticate(auth);
      const token = this.token;
      try {
        return await this.callAnyMember(path, body, options, token);
      } catch (err) {
        // Refused, so not applied: safe to send again with a new token.
        if (attempt >= 2 || !needsNewToken(err)) throw err;
        if (this.token === token) this.token = null;
      }
    }
  }

  private async authenticate(auth: { user: string; password: string }): Promise<string> {
    const answer = await this.callAnyMember('/auth/authenticate', { name: auth.user, password: auth.password }, { idempotent: true }, null);
    if (typeof answer.token !== 'string' || answer.token === '') throw new EtcdRequestError('etcd gave no auth token (is auth enabled?)', 0);
    return answer.token;
  }

  private async callAnyMember(path: string, body: unknown, options: CallOptions, token: string | null): Promise<Record<string, unknown>> {
    const failures: string[] = [];
    const count = this.endpoints.length;
    const first = this.preferred;
    for (let attempt = 0; attempt < count; attempt++) {
      const index = (first + attempt) % count;
      const endpoint = this.endpoints[index];
      const outcome = await this.attempt(endpoint, path, body, options.timeoutMs ?? this.options.requestTimeoutMs, token);
      if (outcome.kind === 'answer') {
        this.preferred = index;
        return outcome.body;
      }
      if (outcome.kind === 'refused') throw outcome.error;
      failures.push(`${endpoint}: ${outcome.reason}`);
      // The next call starts elsewhere too: a hung member would otherwise cost every call its timeout.
      this.preferred = (index + 1) % count;
      if (this.closing.signal.aborted) break;
      if (outcome.maybeApplied && !options.idempotent) {
        throw new EtcdUnreachableError(`etcd did not confirm ${path} (${failures.join('; ')})`, true);
      }
    }
    throw new EtcdUnreachableError(`etcd unreachable (${failures.join('; ')})`, false);
  }

  private async attempt(
    endpoint: string,
    path: string,
    body: unknown,
    timeoutMs: number,
    token: string | null,
  ): Promise<
    | { kind: 'answer'; body: Record<string, unknown> }
    | { kind: 'refused'; error: EtcdRequestError }
    | { kind: 'failed'; reason: string; maybeApplied: boolean }
  > {
    const deadline = new Deadline(timeoutMs, this.closing.signal);
    const exchange = this.exchange(`${endpoint}/v3${path}`, JSON.stringify(body), token, deadline.signal);
    let response: { status: number; text: string };
    try {
      response = await deadline.bound(exchange.response);
    } catch (err) {
      return { kind: 'failed', reason: describeRequestError(err, timeoutMs), maybeApplied: exchange.reached() };
    } finally {
      deadline.end();
    }
    const { status, text } = response;
    // Streaming endpoints (lease keep-alive) answer with one JSON object per line.
    const first = text.split('\n', 1)[0] ?? '';
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(first) as Record<string, unknown>;
    } catch {
      return { kind: 'failed', reason: `HTTP ${status}: ${text.trim().slice(0, 200) || 'no body'}`, maybeApplied: true };
    }
    if (status >= 200 && status < 300 && parsed.error === undefined) return { kind: 'answer', body: parsed };
    // The gateway's error: {"error": "...", "message": "...", "code": <gRPC status>}; a streaming
    // call's: {"error": {"grpc_code": <gRPC status>, "message": "..."}}.
    const detail = (typeof parsed.error === 'object' && parsed.error !== null ? parsed.error : parsed) as Record<string, unknown>;
    const code = Number(detail.code ?? detail.grpc_code ?? 0);
    const message = String(detail.message ?? detail.error ?? `HTTP ${status}`);
    if (code === GRPC_UNAVAILABLE || status >= 500) return { kind: 'failed', reason: message, maybeApplied: true };
    return { kind: 'refused', error: new EtcdRequestError(message, code) };
  }

  /**
   * One POST and its whole answer. `reached` tells whether the request can have got to etcd: not
   * when the connection (or its TLS handshake) failed before it was sent.
   */
  private exchange(url: string, body: string, token: string | null, signal: AbortSignal): { response: Promise<{ status: number; text: string }>; reached: () => boolean } {
    let connected = false;
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const secure = url.startsWith('https:');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers.authorization = token;
      const request = (secure ? https : http).request(url, { method: 'POST', headers, agent: secure ? this.httpsAgent : this.httpAgent, signal }, (answer) => {
        const chunks: Buffer[] = [];
        const limit = this.options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
        let length = 0;
        answer.on('data', (chunk: Buffer) => {
          length += chunk.length;
          if (length <= limit) {
            chunks.push(chunk);
            return;
          }
          // Rejected first: the connection's end that follows (closed mid-answer) changes nothing.
          chunks.length = 0;
          reject(new Error(`the member's answer is larger than ${limit} bytes`));
          request.destroy();
        });
        answer.on('end', () => resolve({ status: answer.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        answer.on('error', reject);
        answer.on('close', () => {
          if (!answer.complete) reject(new Error('the member closed the connection mid-answer'));
        });
      });
      request.on('socket', (socket) => {
        if (!socket.connecting) connected = true;
        else socket.once(secure ? 'secureConnect' : 'connect', () => (connected = true));
      });
      request.on('error', reject);
      request.end(body);
    });
    return { response, reached: () => connected };
  }
}

/** A refusal that authenticating again may cure (then the call, refused and so not applied, is sent again). */
function needsNewToken(err: unknown): boolean {
  if (!(err instanceof EtcdRequestError)) return false;
  return err.code === GRPC_UNAUTHENTICATED || STALE_TOKEN_MESSAGES.some((message) => err.message.includes(message));
}

/**
 * The TLS material checked once, at start, naming the setting it comes from: a PEM that cannot be
 * used would otherwise fail every call, each time with OpenSSL's words only.
 */
function checkTls({ ca, cert, key }: EtcdTls): void {
  const check = (setting: string, use: () => unknown) => {
    try {
      use();
    } catch (error) {
      throw new Error(`etcd TLS: ${setting}: ${String((error as Error).message).split('\n', 1)[0]}`);
    }
  };
  if (ca !== undefined) {
    check('controllerEtcdCaFile is not a PEM certificate', () => {
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no "-----BEGIN CERTIFICATE-----" in it');
      new X509Certificate(ca);
      tls.createSecureContext({ ca });
    });
  }
  if ((cert === undefined) !== (key === undefined)) {
    throw new Error(`etcd TLS: ${cert === undefined ? 'controllerEtcdKeyFile is given without controllerEtcdCertFile' : 'controllerEtcdCertFile is given without controllerEtcdKeyFile'}`);
  }
  if (cert !== undefined && key !== undefined) {
    check('controllerEtcdCertFile is not a usable PEM certificate', () => tls.createSecureContext({ cert }));
    check('controllerEtcdKeyFile is not a usable PEM private key', () => tls.createSecureContext({ key }));
    check('controllerEtcdKeyFile is not the key of controllerEtcdCertFile', () => tls.createSecureContext({ cert, key }));
  }
}

function normalizeEndpoint(endpoint: string): string {
  const trimmed = endpoint.trim().replace(/\/+$/, '');
  const url = /^https?:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`;
  if (!URL.canParse(url) || new URL(url).pathname !== '/') throw new Error(`etcd: not an endpoint URL (http://host:port): ${endpoint}`);
  return url;
}

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function decode(base64: unknown): string {
  return typeof base64 === 'string' ? Buffer.from(base64, 'base64').toString('utf8') : '';
}

function encodeOperation(operation: Operation): Record<string, unknown> {
  switch (operation.op) {
    case 'put':
      return { request_put: { key: encode(operation.key), value: encode(operation.value), ...(operation.lease ? { lease: operation.lease } : {}) } };
    case 'delete':
      return { request_delete_range: { key: encode(operation.key) } };
    case 'range':
      return { request_range: { key: encode(operation.key) } };
  }
}

function decodeKvs(kvs: unknown): KeyValue[] {
  if (!Array.isArray(kvs)) return [];
  return kvs.map((kv: Record<string, unknown>) => ({
    key: decode(kv.key),
    value: decode(kv.value),
    createRevision: Number(kv.create_revision ?? 0),
    modRevision: Number(kv.mod_revision ?? 0),
    lease: String(kv.lease ?? '0'),
  }));
}

function describeRequestError(err: unknown, timeoutMs: number): string {
  const error = err as { name?: string; message?: string; code?: string };
  if (error?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  if (error?.name === 'AbortError') return 'closed';
  // OpenSSL's messages run on over several lines of internals: the first says it.
  const message = String(error?.message ?? err).split('\n', 1)[0]!;
  return error?.code && !message.includes(error.code) ? `${error.code}: ${message}` : message;
}
