/**
 * The source of time for the worker and activity layers (never used by `runtime/`, which reads no
 * clock). Injected so a test environment can skip time.
 */
export interface Clock {
  /** Epoch milliseconds. */
  nowMs(): number;
  /** Calls `fn` after `delayMs`; returns a function that cancels it. */
  setTimer(fn: () => void, delayMs: number): () => void;
}

/** The machine's clock and Node's timers. */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  setTimer(fn, delayMs) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(handle);
  },
};
