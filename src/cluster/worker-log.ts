import type { Logger } from '../util/logger.js';

/**
 * Writes a serving worker's log line (pino JSON) with the primary's logger, at its own level, so
 * that it lands where the primary's lines do. A line that does not parse is logged as text.
 */
export function relayWorkerLog(logger: Logger, line: string): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    logger.warn({ line }, 'serving worker wrote an unreadable log line');
    return;
  }
  const { level, msg, time: _time, pid: _pid, hostname: _hostname, name: _name, ...fields } = record;
  const label = typeof level === 'number' ? logger.levels.labels[level] : undefined;
  const write = label && label in logger ? (logger[label as 'info'] as Logger['info']) : logger.info;
  write.call(logger, fields, typeof msg === 'string' ? msg : '');
}
