import type { DataVersion, RegisterBrokerBody } from '../../protocol/route-types.js';
import { TOPIC_ROW_FIELDS, type DecodedRegistration, type PackedNames, type TopicRows } from '../route/topic-rows.js';

/**
 * Takes a large topic table's rows in parts as they are scanned, before the rest of the body is
 * read, with the data version written before the table. Parts come only from a body whose data
 * version precedes its table (as Java brokers write them). The scan may still give up after parts
 * (the caller then decodes the body in full) or find the body bad (it throws).
 */
export interface TablePartSink {
  /** Rows per part. */
  readonly partTopics: number;
  part(dataVersion: DataVersion, rows: TopicRows): void;
}

/** Where a scan gives its parts: the sink, and the data version read before the table. */
export interface PartsTarget {
  sink: TablePartSink;
  dataVersion: DataVersion;
}

/** The rows a scan read after those it gave in parts (`inParts` of them). */
export interface RowsLeft {
  names: PackedNames;
  numbers: Int32Array;
  inParts: number;
}

/** A scanned body: its topics are the rows after those already given in parts (`inParts` of them). */
export interface ScannedBody {
  body: DecodedRegistration;
  inParts: number;
}

/** A scanned body from its table's rows and the rest of the body, decoded with an empty table. */
export function scannedBodyOf(rows: RowsLeft, rest: RegisterBrokerBody): ScannedBody {
  const wrapper = rest.topicConfigSerializeWrapper;
  return {
    body: {
      dataVersion: wrapper.dataVersion,
      topics: { size: rows.names.ends.length, names: rows.names, numbers: rows.numbers, keys: null },
      mappings: wrapper.topicQueueMappingInfoMap ?? null,
      filterServerList: rest.filterServerList,
    },
    inParts: rows.inParts,
  };
}

/**
 * A topic table's rows as a scanner reads them from a body's bytes: names packed as they come
 * (none becomes a string on this side: the registry makes each as it applies it), numbers in one
 * growing array, and a part given to `parts` whenever enough rows wait.
 */
export class ScannedRows {
  private readonly names = new PackedNameSet();
  private numbers = new Int32Array(1024 * TOPIC_ROW_FIELDS);
  private inParts = 0;

  constructor(private readonly parts: PartsTarget | null) {}

  /** Adds a row, its name `source[start, end)` hashed to `hash`; false when the name is already in. */
  add(source: Uint8Array, start: number, end: number, hash: number, readQueueNums: number, writeQueueNums: number, perm: number, topicSysFlag: number, order: number): boolean {
    if (!this.names.add(source, start, end, hash)) return false;
    const row = (this.names.size - 1) * TOPIC_ROW_FIELDS;
    if (row + TOPIC_ROW_FIELDS > this.numbers.length) this.numbers = grown(this.numbers, row + TOPIC_ROW_FIELDS);
    const numbers = this.numbers;
    numbers[row] = readQueueNums;
    numbers[row + 1] = writeQueueNums;
    numbers[row + 2] = perm;
    numbers[row + 3] = topicSysFlag;
    numbers[row + 4] = order;
    return true;
  }

  /** Called while more rows follow: gives the waiting ones as a part once there are enough. */
  partIfFull(): void {
    const parts = this.parts;
    const size = this.names.size;
    if (!parts || size - this.inParts !== parts.sink.partTopics) return;
    const { names, numbers } = this.left();
    parts.sink.part(parts.dataVersion, { size: size - this.inParts, names, numbers, keys: null });
    this.inParts = size;
  }

  /** The rows no part held yet (once the table is read: those after the last part). */
  left(): RowsLeft {
    const size = this.names.size;
    return { names: this.names.packed(this.inParts), numbers: this.numbers.slice(this.inParts * TOPIC_ROW_FIELDS, size * TOPIC_ROW_FIELDS), inParts: this.inParts };
  }
}

/**
 * ASCII names packed back to back as they are added, refusing one already there: an open-addressing
 * table of indexes by hash, comparing bytes, so that no name becomes a string.
 */
class PackedNameSet {
  private bytes = new Uint8Array(64 * 1024);
  private used = 0;
  private ends = new Int32Array(1024);
  private hashes = new Int32Array(1024);
  private count = 0;
  /** Index + 1 of the name in each slot; 0 is empty. */
  private slots = new Int32Array(2048);

  get size(): number {
    return this.count;
  }

  /** Adds `source[start, end)`, whose hash is `hash`; false when the same name is already in. */
  add(source: Uint8Array, start: number, end: number, hash: number): boolean {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === 0) {
        this.append(source, start, end, hash);
        this.slots[slot] = this.count;
        if (this.count * 2 > this.slots.length) this.rehash();
        return true;
      }
      if (this.hashes[held - 1] === hash && this.holds(held - 1, source, start, end)) return false;
    }
  }

  /** The names from the `from`th on as PackedNames with their hashes, in buffers of their own (they are transferred to another thread). */
  packed(from: number): PackedNames {
    const base = from === 0 ? 0 : this.ends[from - 1]!;
    const ends = this.ends.slice(from, this.count);
    if (base > 0) for (let i = 0; i < ends.length; i++) ends[i]! -= base;
    return { bytes: this.bytes.slice(base, this.used), ends, hashes: this.hashes.slice(from, this.count) };
  }

  private holds(index: number, source: Uint8Array, start: number, end: number): boolean {
    const from = index === 0 ? 0 : this.ends[index - 1]!;
    if (this.ends[index]! - from !== end - start) return false;
    for (let i = 0; i < end - start; i++) if (this.bytes[from + i] !== source[start + i]) return false;
    return true;
  }

  private append(source: Uint8Array, start: number, end: number, hash: number): void {
    const length = end - start;
    if (this.used + length > this.bytes.length) this.bytes = grown(this.bytes, this.used + length);
    if (this.count === this.ends.length) {
      this.ends = grown(this.ends, this.count + 1);
      this.hashes = grown(this.hashes, this.count + 1);
    }
    const into = this.bytes;
    const base = this.used - start;
    for (let i = start; i < end; i++) into[base + i] = source[i]!;
    this.used += length;
    this.ends[this.count] = this.used;
    this.hashes[this.count] = hash;
    this.count++;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let index = 0; index < this.count; index++) {
      let slot = this.hashes[index]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = index + 1;
    }
    this.slots = slots;
  }
}

/** A copy of `array` with room for at least `needed` elements. */
function grown<T extends Uint8Array | Int32Array>(array: T, needed: number): T {
  const copy = new (array.constructor as new (length: number) => T)(Math.max(array.length * 2, needed));
  copy.set(array);
  return copy;
}
