import { decodeRegisterBrokerRecords, registerRecordsDataVersion } from '../../protocol/bodies/index.js';
import type { DataVersion } from '../../protocol/route-types.js';
import type { DecodedRegistration } from '../route/topic-rows.js';
import { ScannedRows, scannedBodyOf, type ScannedBody, type TablePartSink } from './scanned-rows.js';
import { FNV_OFFSET, FNV_PRIME } from '../../util/fnv1a.js';

/**
 * Reads the records of an inflated compressed register body (the layout is described in
 * src/protocol/bodies/register-broker-body-compressed.ts) straight into TopicRows when every topic
 * line is in the form Java brokers write, `name read write perm filterType[ attributes]` with
 * single spaces and an ASCII name: no line string, field array or object per topic, about a tenth
 * of the full decoder's CPU for a 20,000-topic body. Null for anything else (a name twice among
 * them), which the full decoder then reads, naming what is wrong; whatever this accepts, the full
 * decoder reads the same. Attributes are not read: routes do not carry them, and the full decoder
 * drops ones that do not parse rather than refusing the line.
 */
export function scanRegisterRecords(bytes: Buffer): DecodedRegistration | null {
  return scanRegisterRecordsInParts(bytes, undefined)?.body ?? null;
}

/**
 * scanRegisterRecords, giving a large topic table's rows to `sink` in parts as they are read. The
 * data version always comes first in this form, so any body large enough arrives in parts.
 */
export function scanRegisterRecordsInParts(bytes: Buffer, sink: TablePartSink | undefined): ScannedBody | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.length;
  if (length < 4) return null;
  const versionLength = view.getInt32(0);
  const countAt = 4 + versionLength;
  if (versionLength < 0 || countAt + 4 > length) return null;
  const count = view.getInt32(countAt);
  let pos = countAt + 4;
  if (count < 0 || count * 4 > length - pos) return null;
  const dataVersion = sink ? dataVersionOf(bytes) : null;
  const rows = new ScannedRows(sink && dataVersion ? { sink, dataVersion } : null);
  for (let i = 0; i < count; i++) {
    if (pos + 4 > length) return null;
    const lineLength = view.getInt32(pos);
    const start = pos + 4;
    pos = start + lineLength;
    if (lineLength < 0 || pos > length || !scanTopicLine(bytes, start, pos, rows)) return null;
    if (i + 1 < count) rows.partIfFull();
  }
  // The rest (filter servers, static-topic mappings) is decoded in full, with an empty table.
  const rest = Buffer.concat([bytes.subarray(0, countAt), NO_TOPICS, bytes.subarray(pos)]);
  return scannedBodyOf(rows.left(), decodeRegisterBrokerRecords(rest));
}

const NO_TOPICS = Buffer.alloc(4);
const SPACE = 0x20;
const SINGLE_TAG = Buffer.from('SINGLE_TAG', 'latin1');
const MULTI_TAG = Buffer.from('MULTI_TAG', 'latin1');

/** The data version parts are given with; null (no parts) when the full decoder would refuse it. */
function dataVersionOf(bytes: Buffer): DataVersion | null {
  try {
    return registerRecordsDataVersion(bytes);
  } catch {
    return null;
  }
}

/** One topic line at `[start, end)` into `rows`; false when it is not the plain form or its name came before. */
function scanTopicLine(bytes: Buffer, start: number, end: number, rows: ScannedRows): boolean {
  let pos = start;
  let hash = FNV_OFFSET;
  for (; pos < end; pos++) {
    const c = bytes[pos]!;
    if (c === SPACE) break;
    if (c >= 0x80) return false;
    hash = Math.imul(hash ^ c, FNV_PRIME);
  }
  const nameEnd = pos;
  if (nameEnd === start) return false;
  const int = { value: 0, end: 0 };
  if (!javaIntField(bytes, nameEnd + 1, end, int)) return false;
  const readQueueNums = int.value;
  if (!javaIntField(bytes, int.end + 1, end, int)) return false;
  const writeQueueNums = int.value;
  if (!javaIntField(bytes, int.end + 1, end, int)) return false;
  const perm = int.value;
  pos = int.end + 1;
  const filterEnd = pos + (bytes[pos] === 0x53 ? SINGLE_TAG.length : MULTI_TAG.length);
  if (filterEnd > end || (filterEnd < end && bytes[filterEnd] !== SPACE)) return false;
  if (!sameAs(bytes, pos, bytes[pos] === 0x53 ? SINGLE_TAG : MULTI_TAG)) return false;
  return rows.add(bytes, start, nameEnd, hash, readQueueNums, writeQueueNums, perm, 0, 0);
}

/**
 * A field Java's Integer.parseInt takes as the full decoder checks it (`[+-]?` and 1 to 10 digits,
 * within int) at `pos`, followed by a space before `end`; its value and where the space is go to `out`.
 */
function javaIntField(bytes: Buffer, pos: number, end: number, out: { value: number; end: number }): boolean {
  let p = pos;
  const sign = bytes[p];
  if (sign === 0x2b || sign === 0x2d) p++;
  const first = p;
  let value = 0;
  for (; p < end; p++) {
    const c = bytes[p]!;
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
  }
  const digits = p - first;
  if (digits === 0 || digits > 10 || p >= end || bytes[p] !== SPACE) return false;
  if (sign === 0x2d) value = -value;
  if (value > 2147483647 || value < -2147483648) return false;
  out.value = value;
  out.end = p;
  return true;
}

function sameAs(bytes: Buffer, pos: number, word: Buffer): boolean {
  for (let i = 0; i < word.length; i++) if (bytes[pos + i] !== word[i]) return false;
  return true;
}
