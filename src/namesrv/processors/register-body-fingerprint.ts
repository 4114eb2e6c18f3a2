import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { decodeDataVersion, MAX_INFLATED_REGISTER_BODY } from '../../protocol/bodies/index.js';
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
 * A compressed body is inflated (cheap next to parsing it) to find its version. Bodies where the
 * version cannot be found (old brokers') are fingerprinted whole.
 */
export function registerBodyFingerprint(body: Buffer, form: { compressed: boolean; legacy: boolean }): RegisterBodyFingerprint {
  if (form.compressed && !form.legacy) return compressedFingerprint(body) ?? wholeBodyFingerprint(body, form);
  if (!form.compressed && !form.legacy) {
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
  return wholeBodyFingerprint(body, form);
}

function wholeBodyFingerprint(body: Buffer, form: { compressed: boolean; legacy: boolean }): RegisterBodyFingerprint {
  return { fingerprint: `${form.compressed ? 'z' : 'j'}${form.legacy ? 'o' : ''}:${body.length}:${hash64(body)}`, dataVersion: null };
}

/** The compressed form starts with an int32-length-prefixed DataVersion record. */
function compressedFingerprint(body: Buffer): RegisterBodyFingerprint | null {
  try {
    const data = inflateSync(body, { maxOutputLength: MAX_INFLATED_REGISTER_BODY });
    const length = data.readInt32BE(0);
    if (length <= 0 || length > data.length - 4) return null;
    const dataVersion = decodeDataVersion(data.subarray(4, 4 + length));
    return { fingerprint: `zv:${data.length - length}:${hash64(data.subarray(4 + length))}`, dataVersion };
  } catch {
    return null; // the full decode reports what is wrong with it
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
