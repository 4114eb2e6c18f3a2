import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data: T | null;
  error: string | null;
  updatedAt: number | null;
  refresh(): void;
}

interface PollState<T> {
  data: T | null;
  error: string | null;
  updatedAt: number | null;
  /** The deps the data was loaded for. */
  deps: unknown[];
}

/**
 * Calls `load` now and every `intervalMs` after the previous call ended (never two at once), while
 * the component is mounted. `deps` restart it, and what was loaded for other deps is never shown
 * (a topic page must not show the previous topic's route while it loads). Errors are kept beside
 * the last good data.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[] = []): Polled<T> {
  const [state, setState] = useState<PollState<T>>({ data: null, error: null, updatedAt: null, deps });
  const tick = useRef<() => void>(() => undefined);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      clearTimeout(timer);
      try {
        const data = await load();
        if (!stopped) setState({ data, error: null, updatedAt: Date.now(), deps });
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        if (!stopped) setState((s) => (sameDeps(s.deps, deps) ? { ...s, error } : { data: null, error, updatedAt: null, deps }));
      }
      if (!stopped && intervalMs > 0) timer = setTimeout(run, intervalMs);
    };
    tick.current = () => void run();
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
  const refresh = useCallback(() => tick.current(), []);
  if (!sameDeps(state.deps, deps)) return { data: null, error: null, updatedAt: null, refresh };
  return { data: state.data, error: state.error, updatedAt: state.updatedAt, refresh };
}

function sameDeps(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

/** The location hash as a path (`#/topics/T` → `/topics/T`), kept current. */
export function useHashPath(): string {
  const read = (): string => {
    const raw = location.hash.replace(/^#/, '') || '/';
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  };
  const [path, setPath] = useState(read);
  useEffect(() => {
    const onChange = () => setPath(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return path;
}
