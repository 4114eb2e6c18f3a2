import os from 'node:os';

/**
 * Below this many cores the default is one process: the primary (registry, accept and hand-over,
 * timers, HTTP) and the serving processes would share two or three cores, and measured on two
 * cores the extra process bought 8–32 % more lookups for 2.6 times the memory and ~25 % less
 * connection churn (docs/performance.md, "Default").
 */
export const PER_CORE_MIN_CORES = 4;

/** `servingProcesses` as a number of processes: 0 is one per core on hosts of 4 cores or more, else one. */
export function servingProcessCount(setting: number, cores = os.availableParallelism()): number {
  if (setting !== 0) return setting;
  return cores >= PER_CORE_MIN_CORES ? cores : 1;
}
