import { crc32, inflateSync } from 'node:zlib';
import { decodeDataVersion, MAX_INFLATED_REGISTER_BODY } from '../../protocol/bodies/index.js';
import type { DataVersion } from '../../protocol/route-types.js';

/** Where a JSON register body holds its data version, as Java brokers write it (fields sorted). */
const WRAPPER_DATA_VERSION = Buffer.from('"topicConfigSerializeWrapper":{"dataVersion":{');
const CLOSE_BRACE = 0x7d;

export interface RegisterBodyDigest {
  /** Equal for two bodies whose topics, filter servers and mappings are byte-identical. */
  digest: string;
  /** The body's data version, when it could be read without decoding the rest. */
  dataVersion: DataVersion | null;
}

/**
 * A fingerprint of a REGISTER_BROKER body that leaves its data version out: a broker whose data
 * version moved but whose topics did not (a restart, a config touch) sends the same fingerprint,
 * and its megabytes of topic configs need no decoding. A compressed body is inflated (cheap next
 * to parsing it) to find its version. Bodies where the version cannot be found (old brokers')
 * are fingerprinted whole.
 */
export function registerBodyDigest(body: Buffer, crc: () => number, form: { compressed: boolean; legacy: boolean }): RegisterBodyDigest {
  if (form.compressed && !form.legacy) return compressedDigest(body) ?? wholeBodyDigest(body, crc, form);
  if (!form.compressed && !form.legacy) {
    const at = body.indexOf(WRAPPER_DATA_VERSION);
    if (at >= 0) {
      const start = at + WRAPPER_DATA_VERSION.length - 1;
      const end = body.indexOf(CLOSE_BRACE, start); // a DataVersion holds no nested object
      if (end > start) {
        try {
          const dataVersion = decodeDataVersion(body.subarray(start, end + 1));
          const rest = crc32(body.subarray(end + 1), crc32(body.subarray(0, start)));
          return { digest: `v:${body.length - (end + 1 - start)}:${rest}`, dataVersion };
        } catch {
          // not a plain DataVersion: fingerprint the whole body
        }
      }
    }
  }
  return wholeBodyDigest(body, crc, form);
}

function wholeBodyDigest(body: Buffer, crc: () => number, form: { compressed: boolean; legacy: boolean }): RegisterBodyDigest {
  return { digest: `${form.compressed ? 'z' : 'j'}${form.legacy ? 'o' : ''}:${body.length}:${crc()}`, dataVersion: null };
}

/** The compressed form starts with an int32-length-prefixed DataVersion record. */
function compressedDigest(body: Buffer): RegisterBodyDigest | null {
  try {
    const data = inflateSync(body, { maxOutputLength: MAX_INFLATED_REGISTER_BODY });
    const length = data.readInt32BE(0);
    if (length <= 0 || length > data.length - 4) return null;
    const dataVersion = decodeDataVersion(data.subarray(4, 4 + length));
    return { digest: `zv:${data.length - length}:${crc32(data.subarray(4 + length))}`, dataVersion };
  } catch {
    return null; // the full decode reports what is wrong with it
  }
}
