import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMEOUT_MS, systemClock } from '../../src/common/clock.js';

describe('systemClock.setTimer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits out a delay longer than Node’s setTimeout limit (365 days) instead of firing at once', () => {
    vi.useFakeTimers({ now: 0 });
    const fired: number[] = [];
    const yearMs = 365 * 24 * 3600 * 1000;
    expect(yearMs).toBeGreaterThan(MAX_TIMEOUT_MS);
    systemClock.setTimer(() => fired.push(Date.now()), yearMs);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(MAX_TIMEOUT_MS);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(yearMs - MAX_TIMEOUT_MS - 1000 - 1);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([yearMs]);
  });

  it('can be cancelled while waiting out a long delay', () => {
    vi.useFakeTimers({ now: 0 });
    let fired = false;
    const cancel = systemClock.setTimer(() => (fired = true), 2 * MAX_TIMEOUT_MS);
    vi.advanceTimersByTime(MAX_TIMEOUT_MS + 5);
    cancel();
    vi.advanceTimersByTime(2 * MAX_TIMEOUT_MS);
    expect(fired).toBe(false);
  });
});
