/**
 * Entry of a serving process (forked by ServingCluster with node:cluster). It serves until the
 * primary says stop, and exits as soon as the primary is gone (its IPC channel closes).
 */
import { ipcLogger } from './ipc-logger.js';
import type { FromWorker, ToWorker } from './messages.js';
import { ServingWorker } from './serving-worker.js';

const send = (message: FromWorker): void => {
  if (process.connected) process.send!(message);
};
// Log lines go to the primary, whose logger writes them (to namesrv.log, at its level): the
// worker opens no log file of its own.
const logger = ipcLogger((line) => send({ t: 'log', line }), { servingWorker: process.pid }, process.env.NAMESRV_LOG_LEVEL ?? 'info');
const worker = new ServingWorker(send, logger);
process.on('message', (message: ToWorker) => {
  // Nothing may escape an IPC listener: it would end this process and every connection it serves.
  try {
    worker.receive(message);
    if (message.t === 'start') logger.level = message.settings.logLevel;
  } catch (err) {
    logger.error({ err, message: message.t }, 'failed to handle a message from the primary');
  }
});
process.on('disconnect', () => process.exit(0));
send({ t: 'ready' });
// The primary decides when to stop (draining first if configured): a signal sent to the whole
// process group must not end this process ahead of it.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => undefined);
