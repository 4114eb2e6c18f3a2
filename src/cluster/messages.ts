import type { CloseReason } from '../remoting/connection/close-reason.js';
import type { RegisterBodyFingerprint } from '../namesrv/processors/register-body-fingerprint.js';
import type { RemotingCommand } from '../remoting/remoting-command.js';
import type { IdentityPems } from '../remoting/tls/tls-material.js';
import type { WorkerAcl } from './worker-access.js';

/** What a serving worker needs to run the remoting port's front door (plain data: it crosses IPC). */
export interface WorkerSettings {
  port: number;
  host?: string;
  backlog?: number;
  idleTimeoutMs: number;
  maxFrameLength: number;
  maxBufferedBytes: number;
  maxAwaitingBytes: number;
  stageTimeoutMs: number;
  serverVersion: number;
  logLevel: string;
  /** `tls.*` properties and the environment variables TLS settings may come from. */
  tlsProperties: Record<string, string>;
  tlsEnv: Record<string, string | undefined>;
  /** `proxyProtocolTrustedAddresses`. */
  trustedProxies: string;
  /** With `aclEnable`: the primary's policy, which a lookup must pass to be answered from a copy. */
  acl: WorkerAcl | null;
  /** Added to each local connection id (times MAX_WORKER_SLOTS) so that ids are unique across workers. */
  slot: number;
  /** The primary's last announcement of stale answers when this worker started. */
  epoch: number;
  /** The primary's directory for the register bodies it fetches (BodyDrop); null: they come through the channel. */
  bodyDrop: string | null;
}

/** Connection ids are `local * MAX_WORKER_SLOTS + slot`: unique across workers, no coordination. */
export const MAX_WORKER_SLOTS = 4096;

/** A cached route answer: the body bytes the primary's handler produced for this topic and variant (flavour, zone). */
export interface RouteAnswerKey {
  topic: string;
  variant: string;
  /** The answer is its route shape's (ResponseCache.shapeIdOf): every topic of that shape gets these bytes. */
  shape?: number;
}

/** Requests served by a worker from its cache since its last report, for the primary's metrics. */
export interface ServedDelta {
  /** Connections open now, and accepted since the worker started (totals, not deltas). */
  open: number;
  accepted: number;
  count: number;
  sum: number;
  buckets: Float64Array;
  /** Lookups answered TOPIC_NOT_EXIST from the worker's copies: count, seconds, latency buckets. */
  notFound: { count: number; sum: number; buckets: Float64Array };
  bytesIn: number;
  bytesOut: number;
  tlsHandshakes: { success: number; failure: number };
}

/** Primary → worker. */
export type ToWorker =
  | { t: 'start'; settings: WorkerSettings }
  | { t: 'response'; seq: number; response: RemotingCommand | null; error?: string; cacheAt?: number; key?: RouteAnswerKey }
  /**
   * Cached answers no longer current (RouteChangeFeed): the topics named (null: any topic), and
   * with `everyAnswer` every answer, though the topics not named keep their route shapes.
   * Acknowledged with `epoch`.
   */
  | { t: 'invalidate'; epoch: number; topics: string[] | null; everyAnswer: boolean }
  /** Topics' route shapes (ShapeDirectory), index by index, as of announcement `epoch`. */
  | { t: 'shapes'; epoch: number; topics: string[]; shapes: Int32Array }
  | { t: 'send'; connection: number; command: RemotingCommand }
  | { t: 'close-connection'; connection: number; reason: CloseReason }
  /** The primary read its ACL file again: the text now in force. */
  | { t: 'acl'; rules: string | null }
  /** Stop accepting and serve nothing from the cache; answer `idle` once no connection is left. */
  | { t: 'drain' }
  /** Send the register body held for the forwarded request `seq` (`body`). */
  | { t: 'send-body'; seq: number }
  /** Send the served counts now (a scrape is waiting for them). */
  | { t: 'report' }
  /** TLS test mode's self-signed certificate, the same for every worker; null with why when it could not be made. */
  | { t: 'self-signed'; identity: IdentityPems | null; error?: string }
  | { t: 'stop' };

/** Worker → primary. */
export type FromWorker =
  /** The worker's message listener is installed: it can be started. */
  | { t: 'ready' }
  | { t: 'listening'; address: { address: string; family: string; port: number } }
  | { t: 'listen-failed'; code?: string; message: string }
  /**
   * A connection the primary must know: sent before its first forwarded request (a connection
   * that only ever gets answers from copies is never reported; the counts come with `served`).
   */
  | { t: 'open'; connection: number; remoteAddress: string; secure: boolean }
  /** A connection reported `open` closed. */
  | { t: 'closed'; connection: number; reason: CloseReason }
  /**
   * `held`: the request's large JSON register body stayed with the worker (its `body` is null); this
   * is its fingerprint. `file`: the body is also in the primary's directory (BodyDrop) under this name.
   */
  | { t: 'request'; seq: number; connection: number; request: RemotingCommand; held?: RegisterBodyFingerprint; file?: string }
  /** The register body held for request `seq`, or null when the worker no longer has it. */
  | { t: 'body'; seq: number; body: Uint8Array | null }
  /** The same body left in the primary's directory (BodyDrop) under the name `file`. */
  | { t: 'body'; seq: number; file: string }
  | { t: 'invalidated'; epoch: number }
  /** `asked`: the answer to a `report` message, not a periodic report. */
  | { t: 'served'; delta: ServedDelta; asked?: boolean }
  | { t: 'idle' }
  | { t: 'stopped' }
  /** A TLS client came in test mode: the self-signed certificate, please. */
  | { t: 'self-signed' }
  /** One of the worker's log lines (pino JSON), written by the primary's logger: to namesrv.log like its own. */
  | { t: 'log'; line: string };

/** Buffers arrive as Uint8Arrays through advanced serialization: view them as Buffers again (no copy). */
export function reviveCommand(command: RemotingCommand): RemotingCommand {
  const body = command.body as Uint8Array | null;
  if (body && !Buffer.isBuffer(body)) command.body = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return command;
}
