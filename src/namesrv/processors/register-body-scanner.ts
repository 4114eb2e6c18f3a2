import { plainStringEnd } from '../../json/plain-string.js';
import { decodeRegisterBrokerBody } from '../../protocol/bodies/index.js';
import { readDataVersion } from '../../protocol/bodies/data-version.js';
import { parseBody } from '../../protocol/bodies/body-json.js';
import { dataVersionEquals, type DataVersion } from '../../protocol/route-types.js';
import { BodyDecodeError } from '../../protocol/request-error.js';
import type { DecodedRegistration } from '../route/topic-rows.js';
import { ScannedRows, scannedBodyOf, type PartsTarget, type RowsLeft, type ScannedBody, type TablePartSink } from './scanned-rows.js';
import { FNV_OFFSET, FNV_PRIME } from '../../util/fnv1a.js';

export type { ScannedBody, TablePartSink } from './scanned-rows.js';

/**
 * Reads a JSON register body written the way Java brokers write it (fastjson: fields sorted, no
 * spaces, plain ASCII topic names) straight into TopicRows, without JSON.parse building an object
 * per topic: about half the CPU of the full decoder for a 20,000-topic body. Returns null for anything
 * else, which the full decoder then reads (it takes every fastjson quirk and names what is wrong);
 * whatever this accepts, the full decoder reads the same.
 *
 * Only the topic table is read here: the rest of the body (data version, filter servers, static
 * mappings) is a few hundred bytes, decoded by the full decoder with the table cut out.
 */
export function scanRegisterBody(bytes: Buffer): DecodedRegistration | null {
  return scanRegisterBodyInParts(bytes, undefined)?.body ?? null;
}

/**
 * scanRegisterBody, giving a large topic table's rows to `sink` in parts as they are read (see
 * TablePartSink). Null when the body is not the plain form, even after parts were given.
 */
export function scanRegisterBodyInParts(bytes: Buffer, sink: TablePartSink | undefined): ScannedBody | null {
  const table = findTopicTable(bytes, sink);
  if (!table) return null;
  const rest = Buffer.concat([bytes.subarray(0, table.start), EMPTY_OBJECT, bytes.subarray(table.end)]);
  try {
    JSON.parse(rest.toString('utf8')); // the rest too must be plain JSON, or the full decoder would read the whole differently
  } catch {
    return null;
  }
  const body = decodeRegisterBrokerBody(rest, false);
  const wrapper = body.topicConfigSerializeWrapper;
  if (wrapper.topicConfigTable.size !== 0) return null;
  if (table.partsVersion) checkPartsVersion(table.partsVersion, wrapper.dataVersion);
  return scannedBodyOf(table, body);
}

/** Parts were applied with the data version read before the table: the body's must be the same (one given twice is refused). */
export function checkPartsVersion(partsVersion: DataVersion, bodyVersion: DataVersion): void {
  if (!dataVersionEquals(partsVersion, bodyVersion)) throw new BodyDecodeError('topicConfigSerializeWrapper.dataVersion is given more than once');
}

const EMPTY_OBJECT = Buffer.from('{}');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

interface ScannedTable extends RowsLeft {
  /** Where the table's `{` is, and just past its `}`. */
  start: number;
  end: number;
  /** The data version the parts were given with; null when there were none. */
  partsVersion: DataVersion | null;
}

/**
 * `topicConfigSerializeWrapper.topicConfigTable`, read while walking the body's structure (so that
 * text inside strings is never taken for it); null when the body or the table is not plain, or
 * holds either key twice.
 */
function findTopicTable(bytes: Buffer, sink: TablePartSink | undefined): ScannedTable | null {
  let found: ScannedTable | null = null;
  let wrappers = 0;
  const root = objectMembers(bytes, 0, (key, at) => {
    if (key !== 'topicConfigSerializeWrapper') return skipValue(bytes, at);
    if (++wrappers > 1 || bytes[at] !== OPEN_BRACE) return -1;
    let dataVersion: DataVersion | null = null;
    return objectMembers(bytes, at, (inner, valueAt) => {
      if (inner !== 'topicConfigTable') {
        const end = skipValue(bytes, valueAt);
        if (inner === 'dataVersion' && sink && end > 0 && !found) dataVersion = dataVersionAt(bytes, valueAt, end);
        return end;
      }
      if (found) return -1;
      const parts = sink && dataVersion ? { sink, dataVersion } : null;
      const rows = scanTopicTable(bytes, valueAt, parts);
      if (!rows) return -1;
      found = { start: valueAt, ...rows, partsVersion: rows.inParts > 0 ? dataVersion : null };
      return rows.end;
    });
  });
  return root === bytes.length ? found : null;
}

/** The data version at `[start, end)`, as the full decoder reads it; null when it would refuse it (no parts are given then). */
function dataVersionAt(bytes: Buffer, start: number, end: number): DataVersion | null {
  try {
    return readDataVersion(parseBody(bytes.subarray(start, end), 'register body'), 'topicConfigSerializeWrapper.dataVersion', 'register body');
  } catch {
    return null;
  }
}

/** Walks an object's members from its `{` at `at`; `member` returns where its value ends (-1: give up). Returns the position past `}`, or -1. */
function objectMembers(bytes: Buffer, at: number, member: (key: string, valueAt: number) => number): number {
  if (bytes[at] !== OPEN_BRACE) return -1;
  let pos = at + 1;
  if (bytes[pos] === CLOSE_BRACE) return pos + 1;
  for (;;) {
    const keyEnd = plainStringEnd(bytes, pos);
    if (keyEnd < 0 || bytes[keyEnd] !== COLON) return -1;
    pos = member(bytes.toString('latin1', pos + 1, keyEnd - 1), keyEnd + 1);
    if (pos < 0) return -1;
    if (bytes[pos] === COMMA) pos++;
    else return bytes[pos] === CLOSE_BRACE ? pos + 1 : -1;
  }
}

/** Past the end of the JSON value at `at` (no whitespace allowed), or -1. Strings may hold escapes and any bytes; the full decoder reads them. */
function skipValue(bytes: Buffer, at: number): number {
  let depth = 0;
  let pos = at;
  const length = bytes.length;
  do {
    if (pos >= length) return -1;
    const c = bytes[pos]!;
    if (c === QUOTE) {
      pos++;
      while (pos < length && bytes[pos] !== QUOTE) pos += bytes[pos] === BACKSLASH ? 2 : 1;
      if (pos >= length) return -1;
      pos++;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
      pos++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth < 0) return -1;
      pos++;
    } else if (c === COLON || c === COMMA) {
      if (depth === 0) return -1;
      pos++;
    } else if (isScalarByte(c)) {
      pos++;
      while (pos < length && isScalarByte(bytes[pos]!)) pos++;
    } else {
      return -1; // whitespace, or anything else: not the plain form
    }
  } while (depth > 0);
  return pos;
}

/** Letters, digits, sign, dot: the bytes of numbers, true, false and null. */
function isScalarByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x2b || c === 0x2e;
}

/** A literal compared four bytes at a time: its bytes, and their little-endian 32-bit words. */
interface Literal {
  length: number;
  bytes: Buffer;
  words: Uint32Array;
}

function literal(text: string): Literal {
  const bytes = Buffer.from(text, 'latin1');
  const words = new Uint32Array(bytes.length >> 2);
  for (let i = 0; i < words.length; i++) words[i] = bytes.readUInt32LE(i * 4);
  return { length: bytes.length, bytes, words };
}

const ATTRIBUTES_EMPTY = literal('"attributes":{},');
const ORDER = literal('"order":');
const TRUE = literal('true');
const FALSE = literal('false');
const PERM = literal(',"perm":');
const READ_QUEUE_NUMS = literal(',"readQueueNums":');
const TOPIC_FILTER_TYPE = literal(',"topicFilterType":');
const TOPIC_NAME = literal(',"topicName":');
const TOPIC_SYS_FLAG = literal(',"topicSysFlag":');
const WRITE_QUEUE_NUMS = literal(',"writeQueueNums":');

/** Whether `literal` is at `pos`: four bytes at a time (one load each through `view`), then the rest. */
function at(bytes: Buffer, view: DataView, pos: number, literal: Literal): boolean {
  if (pos + literal.length > bytes.length) return false;
  const words = literal.words;
  let i = 0;
  for (; i < words.length; i++) if (view.getUint32(pos + i * 4, true) !== words[i]) return false;
  for (let j = i * 4; j < literal.length; j++) if (bytes[pos + j] !== literal.bytes[j]) return false;
  return true;
}

/**
 * The table's entries, each `"name":{[attributes:{},]order,perm,readQueueNums,topicFilterType,[topicName,]topicSysFlag,writeQueueNums}`
 * exactly; null at anything else: another order, a missing or extra field, a number that is not a
 * plain int, a topic name unlike its key, a name JavaScript would order first (all digits), or a
 * name seen twice (JSON.parse keeps one, in the first one's place). Names are packed as they are
 * read (no string per topic on this side: the registry makes each as it applies it).
 */
function scanTopicTable(bytes: Buffer, start: number, parts: PartsTarget | null): (RowsLeft & { end: number }) | null {
  if (bytes[start] !== OPEN_BRACE) return null;
  const rows = new ScannedRows(parts);
  const int = { value: 0, end: 0 };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start + 1;
  if (bytes[pos] === CLOSE_BRACE) return { ...rows.left(), end: pos + 1 };
  const length = bytes.length;
  for (;;) {
    if (bytes[pos] !== QUOTE) return null;
    const keyStart = pos + 1;
    // The key: printable ASCII without escapes, hashed for the duplicate check as it is read.
    let hash = FNV_OFFSET;
    let digitsOnly = true;
    let keyEnd = keyStart;
    for (; keyEnd < length; keyEnd++) {
      const c = bytes[keyEnd]!;
      if (c === QUOTE) break;
      if (c < 0x20 || c >= 0x7f || c === BACKSLASH) return null;
      if (c < 0x30 || c > 0x39) digitsOnly = false;
      hash = Math.imul(hash ^ c, FNV_PRIME);
    }
    if (keyEnd >= length || bytes[keyEnd + 1] !== COLON || bytes[keyEnd + 2] !== OPEN_BRACE || digitsOnly) return null;
    pos = keyEnd + 3;
    if (at(bytes, view, pos, ATTRIBUTES_EMPTY)) pos += ATTRIBUTES_EMPTY.length;
    if (!at(bytes, view, pos, ORDER)) return null;
    pos += ORDER.length;
    let order: number;
    if (at(bytes, view, pos, TRUE)) (order = 1), (pos += TRUE.length);
    else if (at(bytes, view, pos, FALSE)) (order = 0), (pos += FALSE.length);
    else return null;
    if (!at(bytes, view, pos, PERM) || !readInt(bytes, pos + PERM.length, int)) return null;
    const perm = int.value;
    if (!at(bytes, view, int.end, READ_QUEUE_NUMS) || !readInt(bytes, int.end + READ_QUEUE_NUMS.length, int)) return null;
    const readQueueNums = int.value;
    pos = int.end;
    if (!at(bytes, view, pos, TOPIC_FILTER_TYPE)) return null;
    pos = plainStringEnd(bytes, pos + TOPIC_FILTER_TYPE.length);
    if (pos < 0) return null;
    if (at(bytes, view, pos, TOPIC_NAME)) {
      const nameStart = pos + TOPIC_NAME.length;
      pos = plainStringEnd(bytes, nameStart);
      // The name must be the key (quotes included in both); the full decoder would take a different one as given.
      if (pos < 0 || !sameBytes(bytes, view, keyStart - 1, keyEnd + 1, nameStart, pos)) return null;
    }
    if (!at(bytes, view, pos, TOPIC_SYS_FLAG) || !readInt(bytes, pos + TOPIC_SYS_FLAG.length, int)) return null;
    const topicSysFlag = int.value;
    if (!at(bytes, view, int.end, WRITE_QUEUE_NUMS) || !readInt(bytes, int.end + WRITE_QUEUE_NUMS.length, int)) return null;
    const writeQueueNums = int.value;
    pos = int.end;
    if (bytes[pos] !== CLOSE_BRACE) return null;
    pos++;
    if (!rows.add(bytes, keyStart, keyEnd, hash, readQueueNums, writeQueueNums, perm, topicSysFlag, order)) return null;

    if (bytes[pos] === COMMA) {
      pos++;
      rows.partIfFull();
    } else if (bytes[pos] === CLOSE_BRACE) {
      return { ...rows.left(), end: pos + 1 };
    } else {
      return null;
    }
  }
}

/** Four bytes at a time, not Buffer#compare: for a short name the native call costs more than the comparison. */
function sameBytes(bytes: Buffer, view: DataView, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  const length = aEnd - aStart;
  if (length !== bEnd - bStart) return false;
  let i = 0;
  for (; i + 4 <= length; i += 4) if (view.getUint32(aStart + i) !== view.getUint32(bStart + i)) return false;
  for (; i < length; i++) if (bytes[aStart + i] !== bytes[bStart + i]) return false;
  return true;
}

/** A JSON integer (`-?(0|[1-9][0-9]*)`) within Java's int at `pos`, into `out`; false otherwise. */
function readInt(bytes: Buffer, pos: number, out: { value: number; end: number }): boolean {
  let p = pos;
  const negative = bytes[p] === 0x2d;
  if (negative) p++;
  const first = p;
  let value = 0;
  while (p < bytes.length) {
    const c = bytes[p]!;
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
    p++;
  }
  const digits = p - first;
  if (digits === 0 || digits > 10 || (digits > 1 && bytes[first] === 0x30)) return false;
  if (negative) value = -value;
  if (value > 2147483647 || value < -2147483648) return false;
  const next = bytes[p];
  if (next === 0x2e || next === 0x65 || next === 0x45) return false; // a fraction or exponent: not a plain int
  out.value = value;
  out.end = p;
  return true;
}
