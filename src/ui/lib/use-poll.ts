/**
 * `usePoll(load, key, intervalMs)`: calls `load` now and again `intervalMs` after each answer
 * (no overlap), until the component unmounts or `key` changes (then it starts over). The last data
 * stays on screen while the next answer is awaited, and while an error is shown.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Poll<T> {
  data: T | undefined;
  error: unknown;
  /** Loads again now (after an action). */
  reload: () => void;
}

export function usePoll<T>(load: () => Promise<T>, key: string, intervalMs: number | null): Poll<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [nonce, setNonce] = useState(0);
  const latest = useRef(load);
  latest.current = load;

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const tick = async (): Promise<void> => {
      try {
        const value = await latest.current();
        if (stopped) return;
        setData(value);
        setError(undefined);
      } catch (e) {
        if (!stopped) setError(e);
      }
      if (!stopped && intervalMs !== null) timer = window.setTimeout(() => void tick(), intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [key, intervalMs, nonce]);

  return { data, error, reload: () => setNonce((n) => n + 1) };
}
