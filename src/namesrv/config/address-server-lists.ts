/** The subgroup clients fetch when they set none (Java's `MixAll.getWSAddr`). */
export const DEFAULT_SUBGROUP = 'nsaddr';

const SUBGROUP_NAME = /^[A-Za-z0-9._-]+$/;
const ADDRESS = /^[^\s;,=]+:\d{1,5}$/;

/** A `;`-separated NameServer list, each entry `host:port`; null when malformed. */
export function parseNamesrvList(text: string): string[] | null {
  const addresses = text
    .split(';')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  return addresses.every((a) => ADDRESS.test(a)) ? addresses : null;
}

/**
 * `addressServerSubgroups`: `name=host:port;host:port,name2=host:port`. Null when malformed
 * (a name used twice, a name with other characters than letters, digits, `.`, `_`, `-`, an empty list).
 */
export function parseSubgroups(text: string): Map<string, string[]> | null {
  const subgroups = new Map<string, string[]>();
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const name = part.slice(0, eq).trim();
    const list = parseNamesrvList(part.slice(eq + 1));
    if (!SUBGROUP_NAME.test(name) || subgroups.has(name) || !list || list.length === 0) return null;
    subgroups.set(name, list);
  }
  return subgroups;
}
