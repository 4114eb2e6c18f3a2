import type { Logger } from './logger.js';

/** pino's number for `debug`. */
const DEBUG_LEVEL = 20;

/**
 * Whether `logger` writes debug lines, so that their details are worth building: a number
 * comparison, where `isLevelEnabled` looks the level up by name on every call. A module of its
 * own so that serving processes, which load no pino, can use it.
 */
export function debugEnabled(logger: Logger): boolean {
  return logger.levelVal <= DEBUG_LEVEL;
}
