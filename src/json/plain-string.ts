const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Past the closing quote of the JSON string at `at` when it holds only printable ASCII without
 * escapes (its bytes are then its text, read as latin1), or -1: for readers of the plain form
 * peers write, which leave anything else to a full parser.
 */
export function plainStringEnd(bytes: Uint8Array, at: number): number {
  if (bytes[at] !== QUOTE) return -1;
  const length = bytes.length;
  for (let pos = at + 1; pos < length; pos++) {
    const c = bytes[pos]!;
    if (c === QUOTE) return pos + 1;
    if (c < 0x20 || c >= 0x7f || c === BACKSLASH) return -1;
  }
  return -1;
}
