import { parentPort } from 'node:worker_threads';
import { answerJob, type DecodeJob } from './register-body-job.js';

/** Checks and decodes large REGISTER_BROKER bodies off the main thread, so route lookups keep flowing meanwhile. */
parentPort?.on('message', (job: DecodeJob) => {
  const { reply, transfer } = answerJob(job, (part, partTransfer) => parentPort!.postMessage(part, partTransfer));
  parentPort!.postMessage(reply, transfer);
});
