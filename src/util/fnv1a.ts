/**
 * 32-bit FNV-1a over a topic name's character codes: how register-body scanners hash names as they
 * read them, and how names are looked up by hash elsewhere. Packed names are ASCII, so hashing
 * their bytes and hashing the same name as a string give one value.
 */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

export function fnv1aBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
  return hash;
}

export function fnv1aString(name: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), FNV_PRIME);
  return hash;
}
