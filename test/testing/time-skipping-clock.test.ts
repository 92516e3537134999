/** TimeSkippingClock: time runs as the machine's, skips fire what they pass, in order, once. */
import { describe, expect, it } from 'vitest';
import { TimeSkippingClock } from '../../src/testing/index.js';

describe('TimeSkippingClock', () => {
  it('starts where told and moves with the machine', async () => {
    const clock = new TimeSkippingClock(Date.UTC(2026, 0, 1));
    const t0 = clock.nowMs();
    expect(Math.abs(t0 - Date.UTC(2026, 0, 1))).toBeLessThan(50);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(clock.nowMs() - t0).toBeGreaterThanOrEqual(19);
  });

  it('a skip fires the timers it passes (leases first, then by due time) and re-arms the others', async () => {
    const clock = new TimeSkippingClock();
    const fired: string[] = [];
    clock.setTimer(() => fired.push('poll'), 100, 'poll');
    clock.setTimer(() => fired.push('work 2h'), 7_200_000);
    clock.setTimer(() => fired.push('work 1h'), 3_600_000);
    clock.setTimer(() => fired.push('lease'), 10_000, 'lease');
    const cancelled = clock.setTimer(() => fired.push('cancelled'), 1000);
    clock.setTimer(() => fired.push('work 3h'), 10_800_000);
    cancelled();
    expect(clock.nextWorkDueMs()! - clock.nowMs()).toBeGreaterThan(3_599_000);
    clock.skip(7_200_000);
    expect(fired).toEqual(['lease', 'work 1h', 'work 2h', 'poll']);
    expect(clock.skippedMs).toBe(7_200_000);
    // The 3 h timer was re-armed for the hour left, not its original 3 h of real time.
    clock.skipTo(clock.nextWorkDueMs()! - 30);
    expect(fired).toHaveLength(4);
    for (let waited = 0; fired.length === 4 && waited < 2000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fired).toEqual(['lease', 'work 1h', 'work 2h', 'poll', 'work 3h']);
    expect(clock.nextWorkDueMs()).toBeUndefined();
  });

  it('fires timers in real time too', async () => {
    const clock = new TimeSkippingClock();
    let fired = false;
    clock.setTimer(() => (fired = true), 10);
    expect(clock.hasDueTimer()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fired).toBe(true);
  });

  it('refuses a negative skip', () => {
    expect(() => new TimeSkippingClock().skip(-1)).toThrow(RangeError);
  });
});
