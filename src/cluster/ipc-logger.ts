import type { Logger } from '../util/logger.js';

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };
const METHODS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** Errors as pino's serializer writes them. */
function replacer(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return { type: value.name, message: value.message, stack: value.stack, code: (value as NodeJS.ErrnoException).code };
}

/**
 * A serving worker's logger: the calls the remoting code makes (`logger.warn(fields, msg)`...),
 * written as pino-style JSON lines to `write` (the primary, which logs them with its own logger).
 * Small on purpose: pino itself costs a worker about 8 MB of memory.
 */
export function ipcLogger(write: (line: string) => void, bindings: Record<string, unknown>, level = 'info'): Logger {
  const state = { threshold: LEVELS[level] ?? LEVELS.info!, level };
  const make = (base: Record<string, unknown>): Logger => {
    const logger: Record<string, unknown> = {
      get level() {
        return state.level;
      },
      /** pino's number for the level, which `debugEnabled` compares. */
      get levelVal() {
        return state.threshold;
      },
      set level(name: string) {
        if (LEVELS[name] === undefined) return;
        state.level = name;
        state.threshold = LEVELS[name];
      },
      child: (more: Record<string, unknown>) => make({ ...base, ...more }),
      isLevelEnabled: (name: string) => (LEVELS[name] ?? Infinity) >= state.threshold,
    };
    for (const method of METHODS) {
      const value = LEVELS[method]!;
      logger[method] = (first: unknown, msg?: string) => {
        if (value < state.threshold) return;
        const record: Record<string, unknown> = { level: value, time: Date.now(), ...base };
        if (typeof first === 'string') record.msg = first;
        else {
          if (first instanceof Error) record.err = first;
          else if (first && typeof first === 'object') Object.assign(record, first);
          if (msg !== undefined) record.msg = msg;
        }
        try {
          write(JSON.stringify(record, replacer));
        } catch {
          // A field that cannot be written (a cycle) must not take the worker down.
          write(JSON.stringify({ level: value, time: record.time, ...base, msg: record.msg }));
        }
      };
    }
    return logger as unknown as Logger;
  };
  return make(bindings);
}
