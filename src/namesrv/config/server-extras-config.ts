import path from 'node:path';

/**
 * Settings of this NameServer that Java's NamesrvConfig and NettyServerConfig do not have.
 * Java takes the first from a system property and the other two from its logback configuration.
 */
export interface ServerExtrasConfig {
  /** Largest frame accepted, in bytes. Java's `-Dcom.rocketmq.remoting.frameMaxLength`. */
  frameMaxLength: number;
  /**
   * Bytes all remoting connections together may hold of requests not yet complete; the connection
   * that would go past it is closed. Bounds what peers announcing large frames can make the server keep.
   */
  inputBufferMaxBytes: number;
  /**
   * Bytes all remoting connections together may hold of requests awaiting their answers (large
   * register bodies being decoded, requests a serving process forwarded); past it, no connection is
   * read further until answers bring the sum back under. Bounds what peers sending many large
   * requests at once make the server hold.
   */
  awaitingRequestsMaxBytes: number;
  /** Folder of `namesrv.log`; Java writes its logs to `~/logs/rocketmqlogs`. */
  logDir: string;
  logLevel: string;
  /** `namesrv.log` is rotated at this size (`128M`, `1G`...), as Java's logback rolls at 128 MB. */
  logFileMaxSize: string;
  /** How many rotated (gzipped) logs are kept; Java keeps 10. */
  logFileMaxCount: number;
  /** A compressed REGISTER_BROKER body inflating to more bytes than this is refused. */
  registerBodyMaxInflatedSize: number;
  /** ... or to more than this many times its own size (bodies inflating to 1 MiB or less excepted). */
  registerBodyMaxInflateRatio: number;
  /**
   * Processes serving the remoting port: 0 (the default) is one per core on a host of 4 cores or
   * more and a single process below that; 1 is one process; more fork serving workers beside the process that holds
   * the registry (docs/performance.md).
   */
  servingProcesses: number;
  /**
   * With serving processes: false (the default) lets each one accept from the shared listening
   * socket, the kernel choosing which; true has the primary accept every connection and hand them
   * out in turn (an even spread, at ~250 µs of the primary's CPU per connection).
   */
  servingAcceptRoundRobin: boolean;
}

/** How far a compressed REGISTER_BROKER body may inflate. */
export interface RegisterBodyLimits {
  maxInflatedSize: number;
  maxInflateRatio: number;
}

/**
 * Real compressed bodies inflate to 10-25 times their size (20,000 topics: 46 KB to 0.7 MB, so
 * 64 MiB holds about 1.9 million topics); a zlib bomb to about 1,000 times. A ratio of 100 leaves
 * real bodies room and holds a bomb to 100 bytes of memory per byte sent.
 */
export const DEFAULT_REGISTER_BODY_LIMITS: RegisterBodyLimits = { maxInflatedSize: 64 * 1024 * 1024, maxInflateRatio: 100 };

export const FRAME_MAX_LENGTH_PROPERTY = 'com.rocketmq.remoting.frameMaxLength';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function defaultServerExtrasConfig(homeDir: string): ServerExtrasConfig {
  return {
    frameMaxLength: 16777216,
    inputBufferMaxBytes: 268435456,
    awaitingRequestsMaxBytes: 268435456,
    logDir: path.join(homeDir, 'logs', 'rocketmqlogs'),
    logLevel: 'info',
    logFileMaxSize: '128M',
    logFileMaxCount: 10,
    registerBodyMaxInflatedSize: DEFAULT_REGISTER_BODY_LIMITS.maxInflatedSize,
    registerBodyMaxInflateRatio: DEFAULT_REGISTER_BODY_LIMITS.maxInflateRatio,
    servingProcesses: 0,
    servingAcceptRoundRobin: false,
  };
}
