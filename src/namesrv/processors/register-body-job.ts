import { decodeRegisterBrokerBody, decodeRegisterBrokerRecords } from '../../protocol/bodies/index.js';
import { bodyCrc32 } from '../../protocol/body-crc.js';
import { BodyDecodeError } from '../../protocol/request-error.js';
import { decodedRegistrationOf, type DecodedRegistration } from '../route/topic-rows.js';
import type { RegisterBrokerBody } from '../../protocol/route-types.js';
import { packTopicNames, transferablesOf } from './packed-register-body.js';
import { scanRegisterBody } from './register-body-scanner.js';

/** A JSON register body, or the records of a compressed one, already inflated. */
export type BodyForm = 'json' | 'records';

/** The body's `bodyCrc32` header did not match its bytes: refused ("crc32 not match"), nothing applied. */
export class BodyCrcMismatch extends Error {
  constructor() {
    super('crc32 not match');
  }
}

/** What the decoder posts to its worker. */
export interface DecodeJob {
  id: number;
  bytes: Uint8Array;
  form: BodyForm;
  /** The header's checksum of these bytes, checked before they are decoded; null: not sent. */
  crc32: number | null;
}

export type DecodeReply =
  | { id: number; decoded: DecodedRegistration }
  | { id: number; error: string; kind: 'body' | 'crc' | 'other' };

/** Checks the header's checksum (when sent), then decodes. */
export function decodeBodyBytes(bytes: Buffer, form: BodyForm, crc32: number | null): DecodedRegistration {
  if (crc32 && bodyCrc32(bytes) !== crc32) throw new BodyCrcMismatch();
  if (form === 'records') return decodedOf(decodeRegisterBrokerRecords(bytes));
  return scanRegisterBody(bytes) ?? decodedOf(decodeRegisterBrokerBody(bytes, false));
}

/** Decodes a job's body, as the worker does: the reply to post, and what to transfer with it. */
export function answerJob(job: DecodeJob): { reply: DecodeReply; transfer: ArrayBuffer[] } {
  try {
    const decoded = packTopicNames(decodeBodyBytes(Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength), job.form, job.crc32));
    return { reply: { id: job.id, decoded }, transfer: transferablesOf(decoded) };
  } catch (err) {
    const kind = err instanceof BodyCrcMismatch ? 'crc' : err instanceof BodyDecodeError ? 'body' : 'other';
    return { reply: { id: job.id, error: (err as Error).message, kind }, transfer: [] };
  }
}

function decodedOf(body: RegisterBrokerBody): DecodedRegistration {
  return decodedRegistrationOf(body.topicConfigSerializeWrapper, body.filterServerList);
}
