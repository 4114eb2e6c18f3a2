import { parentPort } from 'node:worker_threads';
import { decodeRegisterBrokerBody } from '../../protocol/bodies/index.js';
import { BodyDecodeError } from '../../protocol/request-error.js';
import { packRegisterBody } from './packed-register-body.js';

/** Decodes large REGISTER_BROKER bodies off the main thread, so route lookups keep flowing meanwhile. */
export interface DecodeJob {
  id: number;
  bytes: Uint8Array;
  compressed: boolean;
}

parentPort?.on('message', (job: DecodeJob) => {
  try {
    const body = decodeRegisterBrokerBody(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.compressed);
    const packed = packRegisterBody(body);
    parentPort!.postMessage({ id: job.id, packed }, [packed.numbers.buffer as ArrayBuffer]);
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: (err as Error).message, bodyError: err instanceof BodyDecodeError });
  }
});
