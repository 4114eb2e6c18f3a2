import { parentPort } from 'node:worker_threads';
import { BodyDecodeError } from '../../protocol/request-error.js';
import { packRegisterBody } from './packed-register-body.js';
import { decodeJob, type DecodeJob } from './register-body-job.js';

/** Decodes large REGISTER_BROKER bodies off the main thread, so route lookups keep flowing meanwhile. */
parentPort?.on('message', (job: DecodeJob) => {
  try {
    const packed = packRegisterBody(decodeJob(job));
    parentPort!.postMessage({ id: job.id, packed }, [packed.numbers.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message, bodyError: err instanceof BodyDecodeError });
  }
});
