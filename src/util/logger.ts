import fs from 'node:fs';
import path from 'node:path';
import { pino, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: string;
  /** Also write JSON lines to `<logDir>/namesrv.log`, as Java writes under its logs folder. */
  logDir?: string;
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
    streams.push({
      level: 'trace',
      stream: pino.destination({ dest: path.join(options.logDir, 'namesrv.log'), sync: false, mkdir: true }),
    });
  }
  return pino({ level, base: { name: 'namesrv' } }, pino.multistream(streams));
}

/** A logger that drops everything, for tests and embedding. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
