import { crc32 } from 'node:zlib';

/**
 * The body checksum brokers put in `bodyCrc32`: CRC-32 with the sign bit cleared, as Java's
 * UtilAll.crc32 computes it (`getValue() & 0x7FFFFFFF`). A plain CRC-32 differs whenever its top
 * bit is set, and a Java NameServer then refuses the registration.
 */
export function bodyCrc32(body: Buffer | null): number {
  return body ? crc32(body) & 0x7fffffff : 0;
}
