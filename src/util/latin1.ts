type Latin1Slicing = Buffer & { latin1Slice(start: number, end: number): string };

/**
 * `bytes.toString('latin1', start, end)` without its argument checks and encoding dispatch, which
 * cost more than the copy for a short string (a topic name, a header field): Buffer's own
 * latin1Slice (what toString calls).
 */
export function latin1(bytes: Buffer, start: number, end: number): string {
  return (bytes as Latin1Slicing).latin1Slice(start, end);
}
