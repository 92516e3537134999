import type { Store, StoreNotice } from '../store/types.js';

/** How often the store is read again when no notice came, in ms (other processes' writes). */
const POLL_MS = 20;

/**
 * Reads `check` until it gives a value: again at once when a notice of this process matches
 * `wakesOn`, else every 20 ms (changes made by other processes). Resolves undefined once
 * `timeoutMs` has passed without a value (no timeout when undefined).
 *
 * @throws `signal.reason` once `signal` aborts (the wait stops; nothing else is undone).
 */
export async function pollUntil<T>(
  store: Store,
  wakesOn: (notice: StoreNotice) => boolean,
  check: () => Promise<T | undefined>,
  timeoutMs?: number,
  signal?: AbortSignal,
): Promise<T | undefined> {
  const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
  let wake: (() => void) | undefined;
  const unsubscribe = store.subscribe((n) => {
    if (wakesOn(n)) wake?.();
  });
  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const value = await check();
      if (value !== undefined) return value;
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(POLL_MS, left));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}
