import { decodeRegisterBrokerBody, decodeRegisterBrokerRecords } from '../../protocol/bodies/index.js';
import type { RegisterBrokerBody } from '../../protocol/route-types.js';

/** A JSON register body, or the records of a compressed one, already inflated. */
export type BodyForm = 'json' | 'records';

/** What the decoder posts to its worker. */
export interface DecodeJob {
  id: number;
  bytes: Uint8Array;
  form: BodyForm;
}

export function decodeBodyBytes(bytes: Buffer, form: BodyForm): RegisterBrokerBody {
  return form === 'records' ? decodeRegisterBrokerRecords(bytes) : decodeRegisterBrokerBody(bytes, false);
}

/** Decodes a job's body, as the worker does. */
export function decodeJob(job: DecodeJob): RegisterBrokerBody {
  return decodeBodyBytes(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.form);
}
