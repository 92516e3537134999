/**
 * The source of time for the worker and activity layers (never used by `runtime/`, which reads no
 * clock). Injected so a test environment can skip time.
 */
export interface Clock {
  /** Epoch milliseconds. */
  nowMs(): number;
  /**
   * Calls `fn` after `delayMs`; returns a function that cancels it. `purpose` tells a clock that
   * skips time (`baton/testing`) what the timer waits for; other clocks ignore it. @default 'work'
   */
  setTimer(fn: () => void, delayMs: number, purpose?: TimerPurpose): () => void;
}

/**
 * What a timer waits for: `'work'` (something due: a durable timer, a retry back-off, a timeout),
 * `'poll'` (a look for work made elsewhere) or `'lease'` (a lease renewal). A clock that skips
 * time jumps only to `'work'` timers, and on a jump fires `'lease'` timers first.
 */
export type TimerPurpose = 'work' | 'poll' | 'lease';

/** The longest delay Node's `setTimeout` takes (a longer one fires at once, with a warning). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The machine's clock and Node's timers. A delay longer than Node's limit (about 24.8 days) is
 * waited out in several timers, each re-armed for what is left until the due time.
 */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  setTimer(fn, delayMs) {
    const dueMs = Date.now() + Math.max(0, delayMs);
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const left = dueMs - Date.now();
      handle = left > MAX_TIMEOUT_MS ? setTimeout(arm, MAX_TIMEOUT_MS) : setTimeout(fn, Math.max(0, left));
    };
    arm();
    return () => clearTimeout(handle);
  },
};
