import { useEffect, useState } from 'preact/hooks';

/**
 * The account the console calls the API with, when the NameServer has `aclEnable=true`: kept for
 * this browser session only (sessionStorage), sent as HTTP Basic (accessKey, secretKey) on every
 * call, and asked for again when the server answers 401.
 */
const STORAGE_KEY = 'console.account';

export interface LoginRequest {
  /** Why: the server's answer when stored keys were refused; null when none were stored yet. */
  refused: string | null;
}

let request: LoginRequest | null = null;
let signIns = 0;
const listeners = new Set<() => void>();

function changed(): void {
  for (const listener of listeners) listener();
}

/** The Authorization header of the stored account; null when none is stored. */
export function authorization(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function signIn(accessKey: string, secretKey: string): void {
  const bytes = new TextEncoder().encode(`${accessKey}:${secretKey}`);
  sessionStorage.setItem(STORAGE_KEY, `Basic ${btoa(String.fromCharCode(...bytes))}`);
  request = null;
  signIns++;
  changed();
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  request = { refused: null };
  changed();
}

/** The server answered 401: forget the stored account and ask for one. */
export function loginNeeded(serverMessage: string): void {
  const hadAccount = authorization() !== null;
  sessionStorage.removeItem(STORAGE_KEY);
  if (request && !hadAccount) return;
  request = { refused: hadAccount ? serverMessage : null };
  changed();
}

/** The pending login request (null: none), and how many sign-ins there were (pages start again after each). */
export function useLogin(): { request: LoginRequest | null; signIns: number; signedIn: boolean } {
  const [, rerender] = useState(0);
  useEffect(() => {
    const listener = () => rerender((n) => n + 1);
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  return { request, signIns, signedIn: authorization() !== null };
}
