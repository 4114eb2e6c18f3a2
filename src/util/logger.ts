import fs from 'node:fs';
import { pino, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import { createStream as createRotatingStream } from 'rotating-file-stream';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: string;
  /** Also write JSON lines to `<logDir>/namesrv.log`, as Java writes under its logs folder. */
  logDir?: string;
  /** When `namesrv.log` is rotated (`128M`: size with B, K, M or G) and how many gzipped old ones are kept. */
  rotation?: { maxSize: string; maxFiles: number };
  /** Human-readable lines on stdout; defaults to whether stdout is a terminal. */
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.NAMESRV_LOG_LEVEL ?? 'info';
  const streams: pino.StreamEntry[] = [];
  const usePretty = options.pretty ?? Boolean(process.stdout.isTTY);
  streams.push({
    // Streams take everything; the logger's own level filters, so it can change at run time.
    level: 'trace',
    stream: usePretty ? pretty({ colorize: true, translateTime: 'SYS:standard', ignore: 'pid,hostname' }) : pino.destination({ fd: 1, sync: false }),
  });
  if (options.logDir) {
    fs.mkdirSync(options.logDir, { recursive: true });
    fs.accessSync(options.logDir, fs.constants.W_OK);
    streams.push({ level: 'trace', stream: rotatingLogFile(options.logDir, options.rotation ?? DEFAULT_ROTATION) });
  }
  return pino({ level, base: { name: 'namesrv' } }, pino.multistream(streams));
}

const LOG_FILE = 'namesrv.log';
const DEFAULT_ROTATION = { maxSize: '128M', maxFiles: 10 };

/**
 * `namesrv.log`, rotated by size into `namesrv.<time>.<n>.log.gz` with the oldest removed past
 * `maxFiles`, as Java's logback rolls `namesrv.log` (so `tail -F namesrv.log` keeps working).
 */
export function rotatingLogFile(logDir: string, rotation: { maxSize: string; maxFiles: number }): NodeJS.WritableStream {
  const name = (time: Date | number | null, index?: number): string => {
    if (!time) return LOG_FILE;
    const stamp = new Date(time).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    return `namesrv.${stamp}.${index ?? 1}.log.gz`;
  };
  const stream = createRotatingStream(name, {
    path: logDir,
    size: rotation.maxSize as `${number}M`,
    maxFiles: rotation.maxFiles,
    compress: 'gzip',
    history: `.${LOG_FILE}.history`,
  });
  // A full disk or a removed folder must not take the server down: lines are lost, and said so on stderr.
  stream.on('error', (err: Error) => process.stderr.write(`namesrv.log: ${err.message}\n`));
  return stream;
}

/** A logger that drops everything, for tests and embedding. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
