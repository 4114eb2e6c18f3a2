/** Java's NettyDecoder limit: a frame, its 4-byte length prefix included, is at most 16 MiB. */
export const DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;

/** What all connections of a server may hold together of requests not yet complete. */
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

/**
 * How long a connection may take over its preamble (PROXY header, TLS handshake) and over any
 * frame it has started: Java's NameServer closes channels idle for 120 s.
 */
export const DEFAULT_STAGE_TIMEOUT_MS = 120_000;

/**
 * A connection is read no further while this many bytes of its requests wait for their answers and
 * of its answers wait to be sent: a client that pipelines requests without reading the answers, or
 * faster than they are answered (register bodies of megabytes), must not grow the server's memory.
 * One whole frame of the largest size still fits.
 */
export const DEFAULT_MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** What all connections of a server may hold together of requests awaiting their answers; past it, connections stop reading. */
export const DEFAULT_MAX_AWAITING_BYTES = 256 * 1024 * 1024;

/** The bounds a server puts on each connection and on all of them together. */
export interface ConnectionLimits {
  /** Largest frame, length prefix included. */
  maxFrameLength: number;
  /** Bytes all connections may hold of incomplete frames and preambles; past it, a connection is closed. */
  maxBufferedBytes: number;
  stageTimeoutMs: number;
  /** Bytes of requests awaiting answers plus answers not yet sent, past which a connection is read no further. */
  maxPendingBytes: number;
  /** Bytes all connections may hold of requests awaiting answers; past it, every connection is read no further until answers bring it under. */
  maxAwaitingBytes: number;
  /** Close connections with no traffic either way for this long; 0 disables. */
  idleTimeoutMs: number;
}
