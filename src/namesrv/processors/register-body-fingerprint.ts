import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { decodeDataVersion } from '../../protocol/bodies/index.js';
import type { DataVersion } from '../../protocol/route-types.js';

/** Where a JSON register body holds its data version, as Java brokers write it (fields sorted). */
const WRAPPER_DATA_VERSION = Buffer.from('"topicConfigSerializeWrapper":{"dataVersion":{');
const CLOSE_BRACE = 0x7d;

export interface RegisterBodyFingerprint {
  /** Equal for two bodies whose topics, filter servers and mappings are byte-identical (64-bit hash and length). */
  fingerprint: string;
  /** The body's data version, when it could be read without decoding the rest. */
  dataVersion: DataVersion | null;
}

/**
 * A fingerprint of a REGISTER_BROKER body that leaves its data version out: a broker whose data
 * version moved but whose topics did not (a restart, a config touch) sends the same fingerprint,
 * and its megabytes of topic configs need no decoding (the registry decides whether that is safe).
 * This is the JSON form's, taken from the bytes as they came; a compressed body is fingerprinted
 * as it inflates (`InflatedBodyFingerprint`). Bodies where the version cannot be found (old
 * brokers') are fingerprinted whole.
 */
export function registerBodyFingerprint(body: Buffer, form: { legacy: boolean }): RegisterBodyFingerprint {
  if (!form.legacy) {
    const at = body.indexOf(WRAPPER_DATA_VERSION);
    if (at >= 0) {
      const start = at + WRAPPER_DATA_VERSION.length - 1;
      const end = body.indexOf(CLOSE_BRACE, start); // a DataVersion holds no nested object
      if (end > start) {
        try {
          const dataVersion = decodeDataVersion(body.subarray(start, end + 1));
          const rest = hash64(body.subarray(0, start), body.subarray(end + 1));
          return { fingerprint: `v:${body.length - (end + 1 - start)}:${rest}`, dataVersion };
        } catch {
          // not a plain DataVersion: fingerprint the whole body
        }
      }
    }
  }
  return { fingerprint: `j${form.legacy ? 'o' : ''}:${body.length}:${hash64(body)}`, dataVersion: null };
}

/** Longest head of an inflated body searched for its data version record (a DataVersion is under 100 bytes). */
const MAX_VERSION_RECORD = 4096;

/**
 * The fingerprint of a compressed body's inflated records, fed chunk by chunk as they inflate (so
 * no event-loop turn hashes more than a chunk). The records start with an int32-length-prefixed
 * DataVersion, which is left out; when that record cannot be read the whole body is hashed.
 */
export class InflatedBodyFingerprint {
  private readonly hasher = newHasher();
  /** Chunks held until the data version record is complete; null once it is (or never will be). */
  private head: Buffer[] | null = [];
  private headLength = 0;
  private versionRecordLength = 0;
  private dataVersion: DataVersion | null = null;
  private total = 0;

  update(chunk: Buffer): void {
    this.total += chunk.length;
    if (!this.head) {
      this.hasher.update(chunk);
      return;
    }
    this.head.push(chunk);
    this.headLength += chunk.length;
    this.readHead(false);
  }

  finish(): RegisterBodyFingerprint {
    if (this.head) this.readHead(true);
    const digest = this.hasher.digest().toString(36);
    return this.dataVersion
      ? { fingerprint: `zv:${this.total - this.versionRecordLength}:${digest}`, dataVersion: this.dataVersion }
      : { fingerprint: `z:${this.total}:${digest}`, dataVersion: null };
  }

  /** Takes the data version out of the head once it is complete, then hashes the rest. */
  private readHead(atEnd: boolean): void {
    const head = this.head!.length === 1 ? this.head![0]! : Buffer.concat(this.head!, this.headLength);
    this.head = [head];
    if (head.length < 4 && !atEnd) return;
    const length = head.length >= 4 ? head.readInt32BE(0) : -1;
    if (length > 0 && length <= MAX_VERSION_RECORD && head.length < 4 + length && !atEnd) return;
    let skip = 0;
    if (length > 0 && length <= MAX_VERSION_RECORD && head.length >= 4 + length) {
      try {
        this.dataVersion = decodeDataVersion(head.subarray(4, 4 + length));
        this.versionRecordLength = 4 + length;
        skip = 4 + length;
      } catch {
        // not a DataVersion: the whole body is hashed
      }
    }
    this.head = null;
    this.hasher.update(head.subarray(skip));
  }
}

interface Hasher {
  update(input: Uint8Array): Hasher;
  digest(): bigint | string;
}

/**
 * xxHash64 (several GB/s, native) where its binding loads; SHA-256 otherwise. Either way two
 * different bodies of the same length share a fingerprint with odds of about 2^-64 or less.
 */
const newHasher: () => Hasher = (() => {
  try {
    const { Xxh64 } = createRequire(import.meta.url)('@node-rs/xxhash') as { Xxh64: new () => Hasher };
    return () => new Xxh64();
  } catch {
    return () => {
      const hash = createHash('sha256');
      const hasher: Hasher = { update: (input) => (hash.update(input), hasher), digest: () => hash.digest('base64') };
      return hasher;
    };
  }
})();

function hash64(...parts: Uint8Array[]): string {
  const hasher = newHasher();
  for (const part of parts) hasher.update(part);
  return hasher.digest().toString(36);
}
