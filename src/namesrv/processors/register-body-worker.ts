import { parentPort } from 'node:worker_threads';
import { answerJob, type DecodeJob } from './register-body-job.js';

/** Checks and decodes large REGISTER_BROKER bodies off the main thread, so route lookups keep flowing meanwhile. */
parentPort?.on('message', (job: DecodeJob) => {
  const { reply, transfer } = answerJob(job, (part, partTransfer) => parentPort!.postMessage(part, partTransfer));
  if ('part' in reply) return parentPort!.postMessage(reply, transfer);
  // The body's buffer goes back with the answer: copying the next body into fresh memory would cost a page fault every 4 KB.
  parentPort!.postMessage({ ...reply, spent: job.bytes }, [...transfer, job.bytes.buffer as ArrayBuffer]);
});
