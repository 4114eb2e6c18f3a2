import os from 'node:os';

/** `servingProcesses` as a number of processes: 0 is one per core. */
export function servingProcessCount(setting: number): number {
  return setting === 0 ? os.availableParallelism() : setting;
}
