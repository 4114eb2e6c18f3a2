export const REDACTED = '******';

const SECRET_WORDS = ['password', 'secret', 'credential'];

/** Whether a setting holds a secret: its name contains "password", "secret" or "credential" (any case), e.g. `tls.server.keyPassword`. */
export function isSecretSetting(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_WORDS.some((word) => lower.includes(word));
}

/** The settings with the values of secret ones replaced, for anything shown outside the server. */
export function redactSettings(entries: Iterable<[string, string]>): Array<[string, string]> {
  return [...entries].map(([name, value]) => [name, isSecretSetting(name) && value !== '' ? REDACTED : value]);
}
