/** Small formatting rules shared by the pages. */

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function time(ms: number): string {
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}

export function dateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleDateString('en-CA')} ${d.toLocaleTimeString('en-GB', { hour12: false })}`;
}

/** Java's PermName bits in words. */
export function permWords(perm: number): string {
  const words = [];
  if (perm & 4) words.push('read');
  if (perm & 2) words.push('write');
  if (perm & 1) words.push('inherit');
  if (perm & 8) words.push('priority');
  return words.length ? words.join(', ') : 'none';
}

export function dataVersion(v: { counter: number; timestamp: number; stateVersion: number } | null): string {
  if (!v) return '–';
  return v.stateVersion ? `${v.counter} · state ${v.stateVersion}` : String(v.counter);
}

export function roleOf(brokerId: number): string {
  return brokerId === 0 ? 'master' : 'slave';
}

/** How close a heartbeat is to its timeout: ok below half, warn below 80 %, late after. */
export function heartbeatLevel(ageMs: number, timeoutMs: number): 'ok' | 'warn' | 'late' {
  const ratio = timeoutMs > 0 ? ageMs / timeoutMs : 0;
  return ratio < 0.5 ? 'ok' : ratio < 0.8 ? 'warn' : 'late';
}
