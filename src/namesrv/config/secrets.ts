/** What a secret's value is shown as, wherever settings leave the process (wire, HTTP, logs). */
export const REDACTED = '******';

/** Settings whose values are secrets: passwords, secret keys, credentials. */
export function isSecretProperty(name: string): boolean {
  return /password|secret|credential/i.test(name);
}

/** `[name, value]` pairs with every secret's value replaced (an empty one stays empty). */
export function redactSecrets(entries: Array<[string, string]>): Array<[string, string]> {
  return entries.map(([name, value]) => [name, isSecretProperty(name) && value !== '' ? REDACTED : value]);
}
