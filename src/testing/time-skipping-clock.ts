import { MAX_TIMEOUT_MS, type Clock, type TimerPurpose } from '../common/clock.js';

/** A timer armed on a {@link TimeSkippingClock}. Times are epoch ms of that clock. */
interface PendingTimer {
  readonly id: number;
  readonly dueMs: number;
  readonly fn: () => void;
  readonly purpose: TimerPurpose;
  /** The machine timer that fires it in real time (re-armed after every skip). */
  handle: NodeJS.Timeout | undefined;
}

/** On a skip, due timers fire in this order: leases renewed first, then work, then polls. */
const FIRE_RANK: Record<TimerPurpose, number> = { lease: 0, work: 1, poll: 2 };

/**
 * A clock whose time runs with the machine's and can also jump ahead ("skip"), as the clock of
 * Temporal's time-skipping test server. `nowMs()` is the machine's time plus everything skipped so
 * far; a timer fires when its due time is reached, by real time passing or by a skip. A skip fires
 * the timers it passes at once (lease renewals first, then the others by due time), each only once.
 *
 * Used by {@link TestWorkflowEnvironment}, which decides when to skip; usable alone in a test that
 * drives time itself.
 *
 * @example
 * const clock = new TimeSkippingClock();
 * clock.setTimer(() => console.log('a day later'), 86_400_000);
 * clock.skip(86_400_000); // logs at once; clock.nowMs() moved a day
 */
export class TimeSkippingClock implements Clock {
  private offsetMs: number;
  private skippedTotalMs = 0;
  private nextId = 0;
  private readonly timers = new Map<number, PendingTimer>();
  private calls = 0;

  /**
   * @param startMs - the clock's time now, epoch ms. @default the machine's time
   */
  constructor(startMs?: number) {
    this.offsetMs = startMs === undefined ? 0 : startMs - Date.now();
  }

  /** Epoch ms: the machine's time plus everything skipped. */
  nowMs(): number {
    this.calls++;
    return this.peekMs();
  }

  /** {@link nowMs} without counting as work (for observers). */
  peekMs(): number {
    return Date.now() + this.offsetMs;
  }

  setTimer(fn: () => void, delayMs: number, purpose: TimerPurpose = 'work'): () => void {
    this.calls++;
    const timer: PendingTimer = {
      id: ++this.nextId,
      dueMs: this.peekMs() + Math.max(0, Number.isFinite(delayMs) ? delayMs : 0),
      fn,
      purpose,
      handle: undefined,
    };
    this.timers.set(timer.id, timer);
    this.arm(timer);
    return () => {
      if (this.timers.delete(timer.id)) clearTimeout(timer.handle);
    };
  }

  /** Time skipped so far, in ms. */
  get skippedMs(): number {
    return this.skippedTotalMs;
  }

  /**
   * A count of calls made to this clock (reads, timers armed, timers fired): it changes whenever
   * the engine does something, which is how {@link TestWorkflowEnvironment} tells it is busy.
   */
  get activity(): number {
    return this.calls;
  }

  /** The earliest due time of a pending `'work'` timer, epoch ms; undefined when there is none. */
  nextWorkDueMs(): number | undefined {
    let next: number | undefined;
    for (const t of this.timers.values())
      if (t.purpose === 'work' && (next === undefined || t.dueMs < next)) next = t.dueMs;
    return next;
  }

  /** True when some timer (of any purpose) is due now and about to fire in real time. */
  hasDueTimer(): boolean {
    const now = this.peekMs();
    for (const t of this.timers.values()) if (t.dueMs <= now) return true;
    return false;
  }

  /**
   * Jumps to `targetMs` (nothing happens when it is not ahead) and fires every timer due by then.
   *
   * @param targetMs - epoch ms of this clock.
   */
  skipTo(targetMs: number): void {
    this.jump(this.peekMs(), targetMs);
  }

  /** Moves the clock from `now` to `targetMs` and fires every timer due by then. */
  private jump(now: number, targetMs: number): void {
    if (!(targetMs > now)) return;
    this.offsetMs += targetMs - now;
    this.skippedTotalMs += targetMs - now;
    const due: PendingTimer[] = [];
    for (const t of this.timers.values()) {
      if (t.dueMs <= targetMs) due.push(t);
      else this.arm(t);
    }
    due.sort((a, b) => FIRE_RANK[a.purpose] - FIRE_RANK[b.purpose] || a.dueMs - b.dueMs || a.id - b.id);
    for (const t of due) this.fire(t);
  }

  /**
   * Jumps `ms` ahead (see {@link skipTo}).
   *
   * @throws RangeError for a negative or non-finite `ms`.
   */
  skip(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`skip: expected ms ≥ 0, got ${ms}`);
    // From one reading of the time, so that the clock moves by exactly `ms`.
    const now = this.peekMs();
    this.jump(now, now + ms);
  }

  /** Cancels every pending timer (the clock's machine timers no longer keep the process alive). */
  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t.handle);
    this.timers.clear();
  }

  /** (Re-)arms the machine timer of `t` for what is left until its due time. */
  private arm(t: PendingTimer): void {
    clearTimeout(t.handle);
    const leftMs = t.dueMs - this.peekMs();
    t.handle =
      leftMs > MAX_TIMEOUT_MS
        ? setTimeout(() => this.arm(t), MAX_TIMEOUT_MS)
        : setTimeout(() => this.fire(t), Math.max(0, leftMs));
  }

  private fire(t: PendingTimer): void {
    if (!this.timers.delete(t.id)) return;
    clearTimeout(t.handle);
    this.calls++;
    try {
      t.fn();
    } catch (err) {
      // As a throwing timer callback would: an uncaught exception, not the skipper's.
      process.nextTick(() => {
        throw err;
      });
    }
  }
}
