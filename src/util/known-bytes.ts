/**
 * ASCII strings a peer sends again and again (field names, a language), each with a value, found by
 * their bytes: reading one costs a comparison instead of a new string and a hash lookup.
 */
export class KnownBytes<T> {
  /** Candidates by length. */
  private readonly byLength: Array<Array<{ bytes: Uint8Array; value: T }> | undefined> = [];

  constructor(entries: Iterable<readonly [string, T]>) {
    for (const [text, value] of entries) {
      const bytes = Buffer.from(text, 'latin1');
      (this.byLength[bytes.length] ??= []).push({ bytes, value });
    }
  }

  /** The value of the known string whose bytes are `source[start, end)`, or undefined. */
  find(source: Uint8Array, start: number, end: number): T | undefined {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return undefined;
    for (const { bytes, value } of candidates) {
      let i = 0;
      while (i < bytes.length && bytes[i] === source[start + i]) i++;
      if (i === bytes.length) return value;
    }
    return undefined;
  }
}

/** KnownBytes whose values are the strings themselves. */
export function knownStrings(texts: readonly string[]): KnownBytes<string> {
  return new KnownBytes(texts.map((text) => [text, text] as const));
}
