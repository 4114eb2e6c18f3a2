import { latin1 } from '../../util/latin1.js';
import type { DataVersion, TopicConfig, TopicConfigSerializeWrapper, TopicQueueMappingInfo } from '../../protocol/route-types.js';

/** Numbers per topic in `TopicRows.numbers`: readQueueNums, writeQueueNums, perm, topicSysFlag, order (0/1). */
export const TOPIC_ROW_FIELDS = 5;

/**
 * A registration's topic table as the registry applies it: parallel arrays instead of an object
 * per topic. A table decoded on the worker thread crosses to the main thread as two transferred
 * buffers (names and numbers) and is applied from them, each name made a string as its topic is
 * applied (in the apply's slices, not in one long turn when the message arrives), without 20,000
 * objects and a Map built first. Topic attributes and filter types are left out: routes do not
 * carry them.
 */
export interface TopicRows {
  readonly size: number;
  /** Each topic's name, as its TopicConfig gives it. */
  readonly names: readonly string[] | PackedNames;
  readonly numbers: Int32Array;
  /** The table's keys, only when some differ from the names (a Java map key and its TopicConfig's name). */
  readonly keys: readonly string[] | null;
}

/** ASCII names back to back, `ends[i]` just past the `i`th; plain data, so that it crosses threads as it is. */
export interface PackedNames {
  bytes: Uint8Array;
  ends: Int32Array;
  /** Each name's FNV-1a (util/fnv1a), when whoever packed them hashed them already (the body scanners do). */
  hashes?: Int32Array;
}

/** Names packed when all are ASCII (any other string is kept as it is: no encoding can lose it). */
export function packNames(names: readonly string[]): readonly string[] | PackedNames {
  let length = 0;
  for (const name of names) {
    for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0x7f) return names;
    length += name.length;
  }
  const bytes = Buffer.allocUnsafeSlow(length);
  const ends = new Int32Array(names.length);
  let at = 0;
  for (let i = 0; i < names.length; i++) {
    at += bytes.write(names[i]!, at, 'latin1');
    ends[i] = at;
  }
  return { bytes, ends };
}

/** Reads the `i`th name. */
export function nameReader(names: readonly string[] | PackedNames): (i: number) => string {
  if (Array.isArray(names)) return (i) => (names as readonly string[])[i]!;
  const { ends } = names as PackedNames;
  const bytes = Buffer.from((names as PackedNames).bytes.buffer, (names as PackedNames).bytes.byteOffset, (names as PackedNames).bytes.byteLength);
  return (i) => latin1(bytes, i === 0 ? 0 : ends[i - 1]!, ends[i]!);
}

/** A register body as the registry takes it once decoded. */
export interface DecodedRegistration {
  dataVersion: DataVersion;
  topics: TopicRows;
  /** 5.x static-topic mappings; null when the body has none. */
  mappings: ReadonlyMap<string, TopicQueueMappingInfo> | null;
  /** Null leaves the broker's filter servers as they are. */
  filterServerList: string[] | null;
}

export function topicRowsOf(table: ReadonlyMap<string, TopicConfig>): TopicRows {
  const names = new Array<string>(table.size);
  const numbers = new Int32Array(table.size * TOPIC_ROW_FIELDS);
  let keys: string[] | null = null;
  let i = 0;
  for (const [key, t] of table) {
    names[i] = t.topicName;
    if (key !== t.topicName && !keys) keys = [...table.keys()];
    const at = i * TOPIC_ROW_FIELDS;
    numbers[at] = t.readQueueNums;
    numbers[at + 1] = t.writeQueueNums;
    numbers[at + 2] = t.perm;
    numbers[at + 3] = t.topicSysFlag;
    numbers[at + 4] = t.order ? 1 : 0;
    i++;
  }
  return { size: names.length, names, numbers, keys };
}

/** The table's keys (for Java's containsKey on the topic config table). */
export function topicKeySet(rows: TopicRows): ReadonlySet<string> {
  return new Set(rows.keys ?? topicNamesOf(rows));
}

export function topicNamesOf(rows: TopicRows): string[] {
  const nameOf = nameReader(rows.names);
  return Array.from({ length: rows.size }, (_, i) => nameOf(i));
}

/** A decoded topic table (a body decoded in full, or a RegisterBrokerRequest) as the registry takes it. */
export function decodedRegistrationOf(wrapper: TopicConfigSerializeWrapper, filterServerList: string[] | null): DecodedRegistration {
  return {
    dataVersion: wrapper.dataVersion,
    topics: topicRowsOf(wrapper.topicConfigTable),
    mappings: wrapper.topicQueueMappingInfoMap ?? null,
    filterServerList,
  };
}

/**
 * A large register body whose topic table reaches the registry in parts while the rest is still
 * being decoded, so that applying the first topics overlaps decoding the others. Only bodies whose
 * data version comes before their table arrive this way (as Java brokers write them).
 */
export interface ArrivingRegistration {
  dataVersion: DataVersion;
  parts: TopicTableParts;
}

/** A decoded register body, whole or arriving in parts. */
export type RegistrationBody = DecodedRegistration | ArrivingRegistration;

export function isArriving(body: RegistrationBody): body is ArrivingRegistration {
  return 'parts' in body;
}

/** What ends a topic table that arrived in parts: the body's other fields, and the rows no part held. */
export interface TopicTableEnd {
  /** The rows after the last part; or all of them again, when the decoder had to read the body afresh. */
  rest: TopicRows;
  /** How many topics the whole table holds. */
  size: number;
  mappings: ReadonlyMap<string, TopicQueueMappingInfo> | null;
  filterServerList: string[] | null;
}

/**
 * The parts of a topic table, in the order the decoder sends them, then its end or its failure.
 * The registry takes them as they come (`next`), waiting on the promise it is given when it has
 * applied every part that came.
 */
export class TopicTableParts {
  private readonly waiting: TopicRows[] = [];
  private ending: TopicTableEnd | null = null;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;
  private watcher: ((rows: TopicRows) => void) | null = null;

  push(part: TopicRows): void {
    if (this.settled) return;
    this.waiting.push(part);
    this.watcher?.(part);
    this.notify();
  }

  finish(end: TopicTableEnd): void {
    if (this.settled) return;
    this.ending = end;
    this.watcher?.(end.rest);
    this.notify();
  }

  /**
   * Shows `watcher` the rows of every part as it arrives (those waiting first), and the end's rows,
   * ahead of the registry taking them; one watcher at a time, null for none.
   */
  watch(watcher: ((rows: TopicRows) => void) | null): void {
    this.watcher = watcher;
    if (!watcher) return;
    for (const part of this.waiting) watcher(part);
    if (this.ending) watcher(this.ending.rest);
  }

  fail(err: Error): void {
    if (this.settled) return;
    this.failure = err;
    this.notify();
  }

  /**
   * The next part; the end once every part was taken; or a promise that settles (never rejects)
   * when either comes. Throws the decoder's failure once the parts before it are taken.
   */
  next(): TopicRows | TopicTableEnd | Promise<void> {
    const part = this.waiting.shift();
    if (part) return part;
    if (this.ending) return this.ending;
    if (this.failure) throw this.failure;
    return new Promise((resolve) => (this.wake = resolve));
  }

  private get settled(): boolean {
    return this.ending !== null || this.failure !== null;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** A decoded body as the end of its table, the first `inParts` rows having come in parts before its rows. */
export function tableEndOf(body: DecodedRegistration, inParts = 0): TopicTableEnd {
  return { rest: body.topics, size: inParts + body.topics.size, mappings: body.mappings, filterServerList: body.filterServerList };
}

export function isTableEnd(next: TopicRows | TopicTableEnd): next is TopicTableEnd {
  return 'rest' in next;
}
