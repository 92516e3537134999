/** The worker's rate limiter (maxActivitiesPerSecond): permits at least 1/rate apart, in order. */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/common/clock.js';
import { RateLimiter } from '../../src/worker/rate-limiter.js';

describe('RateLimiter', () => {
  it('spaces permits taken at once by 1000/rate ms, in the order they were asked for', async () => {
    const limiter = new RateLimiter(20, systemClock);
    const order: number[] = [];
    const stamps: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        limiter.take().then(() => {
          order.push(i);
          stamps.push(Date.now());
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(50 - 1);
  });

  it('lets a permit through at once after a quiet period', async () => {
    const limiter = new RateLimiter(10, systemClock);
    await limiter.take();
    await new Promise((resolve) => setTimeout(resolve, 120));
    const asked = Date.now();
    await limiter.take();
    expect(Date.now() - asked).toBeLessThan(100);
  });
});
