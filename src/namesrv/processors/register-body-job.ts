import { decodeRegisterBrokerBody, decodeRegisterBrokerRecords } from '../../protocol/bodies/index.js';
import { bodyCrc32 } from '../../protocol/body-crc.js';
import { BodyDecodeError } from '../../protocol/request-error.js';
import { decodedRegistrationOf, tableEndOf, type DecodedRegistration, type TopicRows, type TopicTableEnd } from '../route/topic-rows.js';
import type { DataVersion, RegisterBrokerBody } from '../../protocol/route-types.js';
import { packTopicNames, rowTransferables, transferablesOf } from './packed-register-body.js';
import { checkPartsVersion, scanRegisterBodyInParts, type ScannedBody, type TablePartSink } from './register-body-scanner.js';
import { scanRegisterRecordsInParts } from './register-records-scanner.js';

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
  | (JobDone & { decoded: DecodedRegistration })
  /** Rows of a large topic table, sent as they are read, before the rest of the body (TablePartSink). */
  | { id: number; part: TopicRows; dataVersion: DataVersion }
  /** What ends a table sent in parts. */
  | (JobDone & { end: TopicTableEnd })
  | (JobDone & { error: string; kind: 'body' | 'crc' | 'other' });

/** What every last answer to a job carries. */
interface JobDone {
  id: number;
  /** The job's bytes, handed back once read: the next job's body is copied into them. */
  spent?: Uint8Array;
}

/** Rows per part of a large JSON body's topic table: a part is applied in a slice or two. */
export const PART_TOPICS = 2048;

type Post = (reply: DecodeReply, transfer: ArrayBuffer[]) => void;

/** Throws BodyCrcMismatch unless `bytes` match the header's checksum (null or 0: not sent, not checked). */
export function checkBodyCrc(bytes: Buffer, crc32: number | null): void {
  if (crc32 && bodyCrc32(bytes) !== crc32) throw new BodyCrcMismatch();
}

/** Checks the header's checksum (when sent), then decodes. */
export function decodeBodyBytes(bytes: Buffer, form: BodyForm, crc32: number | null): DecodedRegistration {
  checkBodyCrc(bytes, crc32);
  const reader = READERS[form];
  return reader.scan(bytes, undefined)?.body ?? decodedOf(reader.full(bytes));
}

/**
 * How each form is read: a scanner for the form Java brokers write, which returns null for
 * anything else, and the full decoder, which reads every form and names what is wrong.
 */
const READERS: Record<BodyForm, { scan(bytes: Buffer, sink: TablePartSink | undefined): ScannedBody | null; full(bytes: Buffer): RegisterBrokerBody }> = {
  json: { scan: scanRegisterBodyInParts, full: (bytes) => decodeRegisterBrokerBody(bytes, false) },
  records: { scan: scanRegisterRecordsInParts, full: decodeRegisterBrokerRecords },
};

/**
 * Decodes a job's body, as the worker does: the reply to post, and what to transfer with it. With
 * `post`, a large topic table is sent in parts as it is read (TablePartSink), and the reply ends it.
 */
export function answerJob(job: DecodeJob, post?: Post): { reply: DecodeReply; transfer: ArrayBuffer[] } {
  try {
    const bytes = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
    if (post) {
      const read = decodeInParts(job, bytes, post);
      if ('rest' in read) return { reply: { id: job.id, end: read }, transfer: rowTransferables(read.rest) };
      return { reply: { id: job.id, decoded: read }, transfer: transferablesOf(read) };
    }
    const decoded = packTopicNames(decodeBodyBytes(bytes, job.form, job.crc32));
    return { reply: { id: job.id, decoded }, transfer: transferablesOf(decoded) };
  } catch (err) {
    const kind = err instanceof BodyCrcMismatch ? 'crc' : err instanceof BodyDecodeError ? 'body' : 'other';
    return { reply: { id: job.id, error: (err as Error).message, kind }, transfer: [] };
  }
}

/**
 * Checks and decodes a body, posting its table's rows in parts as they are read. The end of the
 * table; or the whole body when no part was sent. When the scanner gives up after parts, the body
 * is decoded in full and its end holds every row again.
 */
function decodeInParts(job: DecodeJob, bytes: Buffer, post: Post): TopicTableEnd | DecodedRegistration {
  checkBodyCrc(bytes, job.crc32);
  let partsVersion: DataVersion | null = null;
  const sink: TablePartSink = {
    partTopics: PART_TOPICS,
    part: (dataVersion, rows) => {
      partsVersion = dataVersion;
      post({ id: job.id, part: rows, dataVersion }, rowTransferables(rows));
    },
  };
  const reader = READERS[job.form];
  const scanned = reader.scan(bytes, sink);
  if (scanned && scanned.inParts > 0) return tableEndOf(scanned.body, scanned.inParts);
  if (scanned) return packTopicNames(scanned.body);
  const whole = packTopicNames(decodedOf(reader.full(bytes)));
  if (!partsVersion) return whole;
  checkPartsVersion(partsVersion, whole.dataVersion);
  return tableEndOf(whole);
}

function decodedOf(body: RegisterBrokerBody): DecodedRegistration {
  return decodedRegistrationOf(body.topicConfigSerializeWrapper, body.filterServerList);
}
