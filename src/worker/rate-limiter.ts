import type { Clock } from '../common/clock.js';

/**
 * Spaces events at most `perSecond` a second (no bursts): each `take()` resolves, in call order,
 * at least 1000 / perSecond ms after the previous one actually resolved (so a late timer never
 * lets two through together). As Temporal's worker `maxActivitiesPerSecond`.
 */
export class RateLimiter {
  private lastMs = -Infinity;
  private queue: Promise<void> = Promise.resolve();
  private readonly gapMs: number;

  constructor(
    perSecond: number,
    private readonly clock: Clock,
  ) {
    this.gapMs = 1000 / perSecond;
  }

  /** Resolves when the next event may happen. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.next());
    this.queue = turn;
    return turn;
  }

  private async next(): Promise<void> {
    for (;;) {
      const waitMs = this.lastMs + this.gapMs - this.clock.nowMs();
      if (waitMs <= 0) break;
      await new Promise<void>((resolve) => this.clock.setTimer(resolve, Math.ceil(waitMs)));
    }
    this.lastMs = this.clock.nowMs();
  }
}
