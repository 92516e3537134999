/** `useNow(intervalMs, active)`: the current time, re-rendering every `intervalMs` while `active`. */
import { useEffect, useState } from 'preact/hooks';

export function useNow(intervalMs: number, active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}
