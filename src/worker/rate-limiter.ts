import type { Clock } from '../common/clock.js';

/**
 * Spaces events at most `perSecond` a second (no bursts): each `take()` resolves at the earliest
 * at the previous one plus 1000 / perSecond ms, in call order. As Temporal's worker
 * `maxActivitiesPerSecond`.
 */
export class RateLimiter {
  private nextMs = 0;
  private readonly gapMs: number;

  constructor(
    perSecond: number,
    private readonly clock: Clock,
  ) {
    this.gapMs = 1000 / perSecond;
  }

  /** Resolves when the next event may happen. */
  take(): Promise<void> {
    const now = this.clock.nowMs();
    const at = Math.max(now, this.nextMs);
    this.nextMs = at + this.gapMs;
    if (at <= now) return Promise.resolve();
    return new Promise((resolve) => this.clock.setTimer(resolve, at - now));
  }
}
