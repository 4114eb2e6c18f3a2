import { fnv1aBytes, fnv1aString } from '../../util/fnv1a.js';
import { TOPIC_ROW_FIELDS, nameReader, type PackedNames, type TopicRows } from './topic-rows.js';

/** A part of a large registration's rows, as it arrives ahead of the slices that apply it. */
export interface ArrivedRows {
  /** Rows in the part. */
  readonly size: number;
  /** The part's names. */
  names(): Iterable<string>;
  /** Whether a lookup of `topic` is answered now from the rows being applied (this part's or another's). */
  routes(topic: string): boolean;
}

/** A row of a pending registration: its numbers are `numbers[at..at + TOPIC_ROW_FIELDS)`. */
export interface PendingRow {
  numbers: Int32Array;
  at: number;
}

const EMPTY = 0;

/**
 * The rows of a large registration while its topic table is applied in slices, indexed by name as
 * they arrive, so that a route lookup of a topic the table does not hold yet is answered from the
 * row the apply will put there: a registration's routes are served once its body is decoded, not
 * once the last slice is applied.
 *
 * Inserting 20,000 new names into the table's Map takes 16–31 ms on a busy machine (cache misses on
 * a large table); this index (open addressing over typed arrays, hashed from the names' bytes, no
 * string made) takes well under a millisecond for as many: it stays small enough for the cache.
 * It is built at the first lookup that needs it, so re-registrations of known topics never pay it.
 */
export class PendingTopics {
  private readonly parts: TopicRows[] = [];
  /** Per slot: 0 when empty, else the part's index + 1; `rows` holds the row, `hashes` the hash. */
  private slotParts = new Int32Array(64);
  private slotRows = new Int32Array(64);
  private hashes = new Int32Array(64);
  private count = 0;
  /** How many parts are indexed. */
  private indexed = 0;
  /** Whether a lookup was answered from these rows (what was answered must be withdrawn if they are not applied). */
  served = false;

  constructor(
    readonly brokerName: string,
    /** Applied to each row's perm, as the apply does (a read-only prime slave's queues lose write). */
    readonly permMask: number,
  ) {}

  /** Takes a part's rows; they are indexed when a lookup first needs them (a re-registration of known topics never does). */
  add(rows: TopicRows): void {
    if (rows.size > 0) this.parts.push(rows);
  }

  /** The row the apply will give `topic`, or null when these rows do not name it. */
  find(topic: string): PendingRow | null {
    while (this.indexed < this.parts.length) this.index(++this.indexed);
    const mask = this.slotParts.length - 1;
    const hash = fnv1aString(topic);
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const part = this.slotParts[at]!;
      if (part === EMPTY) return null;
      if (this.hashes[at] !== hash) continue;
      const rows = this.parts[part - 1]!;
      const row = this.slotRows[at]!;
      if (nameIs(rows, row, topic)) return { numbers: rows.numbers, at: row * TOPIC_ROW_FIELDS };
    }
  }

  /** Every name of these rows (some more than once when a part was sent again). */
  *topics(): Generator<string> {
    for (const rows of this.parts) {
      const nameOf = nameReader(rows.names);
      for (let i = 0; i < rows.size; i++) yield nameOf(i);
    }
  }

  /** Indexes the rows of the `part`th part (from 1), with the hashes the scanner took when it did. */
  private index(part: number): void {
    const rows = this.parts[part - 1]!;
    const packed = Array.isArray(rows.names) ? null : (rows.names as PackedNames);
    const strings = packed ? null : (rows.names as readonly string[]);
    const hashes = packed?.hashes ?? null;
    // Room for the whole part at once: one rehash at most, instead of one per doubling.
    if ((this.count + rows.size) * 2 > this.slotParts.length) this.grow(this.count + rows.size);
    for (let row = 0; row < rows.size; row++) {
      const hash = hashes ? hashes[row]! : packed ? fnv1aBytes(packed.bytes, row === 0 ? 0 : packed.ends[row - 1]!, packed.ends[row]!) : fnv1aString(strings![row]!);
      this.place(part, row, hash);
    }
  }

  /** A name already indexed takes its new row (the decoder may send rows again): the apply's last write wins too. */
  private place(part: number, row: number, hash: number): void {
    const mask = this.slotParts.length - 1;
    const rows = this.parts[part - 1]!;
    for (let at = hash & mask; ; at = (at + 1) & mask) {
      const held = this.slotParts[at]!;
      if (held === EMPTY) {
        this.slotParts[at] = part;
        this.slotRows[at] = row;
        this.hashes[at] = hash;
        this.count++;
        return;
      }
      if (this.hashes[at] === hash && sameName(this.parts[held - 1]!, this.slotRows[at]!, rows, row)) {
        this.slotParts[at] = part;
        this.slotRows[at] = row;
        return;
      }
    }
  }

  /** Slots for at least twice `names`. */
  private grow(names: number): void {
    const [parts, rows, hashes] = [this.slotParts, this.slotRows, this.hashes];
    let size = parts.length * 2;
    while (size < names * 2) size *= 2;
    this.slotParts = new Int32Array(size);
    this.slotRows = new Int32Array(size);
    this.hashes = new Int32Array(size);
    const mask = size - 1;
    for (let i = 0; i < parts.length; i++) {
      if (parts[i] === EMPTY) continue;
      let at = hashes[i]! & mask;
      while (this.slotParts[at] !== EMPTY) at = (at + 1) & mask;
      this.slotParts[at] = parts[i]!;
      this.slotRows[at] = rows[i]!;
      this.hashes[at] = hashes[i]!;
    }
  }
}

function nameIs(rows: TopicRows, row: number, name: string): boolean {
  if (Array.isArray(rows.names)) return (rows.names as readonly string[])[row] === name;
  const { bytes, ends } = rows.names as PackedNames;
  const start = row === 0 ? 0 : ends[row - 1]!;
  if (ends[row]! - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

function sameName(a: TopicRows, aRow: number, b: TopicRows, bRow: number): boolean {
  return nameIs(a, aRow, nameReader(b.names)(bRow));
}
