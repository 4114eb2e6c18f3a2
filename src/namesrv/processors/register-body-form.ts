import { MQVersion } from '../../protocol/mq-version.js';

/** How a REGISTER_BROKER body is written: compressed (a zlib stream), and/or from a broker older than 3.0.11 (only the topic config wrapper). */
export interface RegisterBodyForm {
  compressed: boolean;
  legacy: boolean;
}

/**
 * The form of a REGISTER_BROKER body, from the header's `compressed` flag, the body and the
 * request's version. Some 5.x brokers send a compressed body flagged `compressed=false`: the body's
 * own first bytes tell a zlib stream from JSON (which starts with '{').
 */
export function registerBodyForm(compressedFlag: boolean, body: Buffer | null, version: number): RegisterBodyForm {
  return { compressed: compressedFlag || isZlibStream(body), legacy: version < MQVersion.V3_0_11 };
}

/** A zlib stream header: deflate with a 32 KiB window (0x78), and the check bits that make it a multiple of 31. */
function isZlibStream(body: Buffer | null): boolean {
  return body !== null && body.length > 2 && body[0] === 0x78 && ((body[0] << 8) | body[1]!) % 31 === 0;
}
