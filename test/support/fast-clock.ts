import type { Clock } from '../../src/index.js';

/**
 * A clock running `factor` times faster than the machine's: `nowMs` moves `factor` ms per real ms
 * and timers fire after `delayMs / factor` real ms (a test environment whose time is skipped).
 *
 * @example
 * const env = await openTestEnv({ clock: fastClock(50) }); // a 10 s back-off takes 200 ms
 */
export function fastClock(factor: number): Clock {
  const origin = Date.now();
  return {
    nowMs: () => origin + (Date.now() - origin) * factor,
    setTimer(fn, delayMs) {
      const handle = setTimeout(fn, Math.max(0, delayMs) / factor);
      return () => clearTimeout(handle);
    },
  };
}
