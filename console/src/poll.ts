import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data: T | null;
  error: string | null;
  updatedAt: number | null;
  refresh(): void;
}

/**
 * Calls `load` now and every `intervalMs` after the previous call ended (never two at once), while
 * the component is mounted. `deps` restart it. Errors are kept beside the last good data.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[] = []): Polled<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; updatedAt: number | null }>({ data: null, error: null, updatedAt: null });
  const tick = useRef<() => void>(() => undefined);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      clearTimeout(timer);
      try {
        const data = await load();
        if (!stopped) setState({ data, error: null, updatedAt: Date.now() });
      } catch (err) {
        if (!stopped) setState((s) => ({ ...s, error: err instanceof Error ? err.message : String(err) }));
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
  return { ...state, refresh };
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
