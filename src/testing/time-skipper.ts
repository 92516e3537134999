import { setImmediate as nextTurn, setTimeout as realDelay } from 'node:timers/promises';
import type { Store } from '../store/types.js';
import type { WorkerHooks } from '../worker/services.js';
import type { Worker } from '../worker/worker.js';
import type { TimeSkippingClock } from './time-skipping-clock.js';

/**
 * Event-loop turns (`setImmediate`) in a row in which nothing may happen before the engine counts
 * as idle: work moves from turn to turn (group commits flush on `setImmediate`), so one quiet turn
 * is not enough to tell "done" from "between two steps".
 */
const QUIET_TURNS = 3;

/** Real ms to wait before looking again while something runs (an activity, a due timer). */
const BUSY_WAIT_MS = 1;

/** Real ms to wait before looking again when nothing is due at all (waiting for a signal, say). */
const NOTHING_DUE_WAIT_MS = 5;

/**
 * Decides when the time of a {@link TimeSkippingClock} may jump: only when nothing else can happen
 * — no activity function running (counted by {@link countActivities}), no workflow task running or
 * waiting in a worker of the environment (`worker.busyExecutions`), no workflow or activity task
 * due in the store for their task queues, no timer due but not yet fired, and several event-loop
 * turns in a row without a call to the clock, a store notice or a worker hook. Then it jumps to the
 * earliest pending `'work'` timer (a durable timer, a retry back-off, a timeout).
 */
export class TimeSkipper {
  private running = 0;
  private notices = 0;
  private closed = false;
  private readonly unsubscribe: () => void;

  /** Hooks that count the workers' steps as activity (installed on every worker of the environment). */
  readonly hooks: WorkerHooks;

  constructor(
    private readonly clock: TimeSkippingClock,
    private readonly store: Store,
    private readonly workers: () => readonly Worker[],
  ) {
    const bump = (): void => {
      this.notices++;
    };
    this.unsubscribe = store.subscribe(bump);
    this.hooks = {
      onWorkflowTaken: bump,
      onWorkflowClosed: bump,
      onWorkflowReleased: bump,
      onActivityStarted: bump,
      onActivityAttempt: bump,
      onActivityRecorded: bump,
      onWorkflowTaskFailed: bump,
      onGroupCommit: bump,
    };
  }

  /** Activity functions running now (in workers of the environment). */
  get activitiesRunning(): number {
    return this.running;
  }

  /**
   * The same activities, each counted while its function runs: time never skips while one runs
   * (its real time is not skipped, and its timeouts run on the clock).
   */
  countActivities(activities: object): object {
    const counted: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(activities)) {
      if (typeof fn !== 'function') {
        counted[name] = fn;
        continue;
      }
      counted[name] = async (...args: unknown[]): Promise<unknown> => {
        this.running++;
        try {
          return await (fn as (...a: unknown[]) => unknown).apply(activities, args);
        } finally {
          this.running--;
          this.notices++;
        }
      };
    }
    return counted;
  }

  /**
   * Skips time until `until` settles: each time the engine is idle, to the next pending `'work'`
   * timer. Returns (or throws) what `until` does.
   */
  async whileAwaiting<T>(until: Promise<T>): Promise<T> {
    let settled = false;
    const done = until.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled && !this.closed) await this.step(Infinity, () => settled);
    await done;
    return until;
  }

  /**
   * Moves the clock `ms` ahead, stopping at each pending `'work'` timer due before then once the
   * engine is idle, so what those timers start happens at its own time.
   */
  async sleep(ms: number): Promise<void> {
    const targetMs = this.clock.peekMs() + ms;
    while (this.clock.peekMs() < targetMs && !this.closed) await this.step(targetMs, () => false);
  }

  /** Stops listening to the store and skipping: a result still awaited waits in real time. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
  }

  /**
   * Waits until idle (or `stop()`), then jumps to the next `'work'` timer, or to `limitMs` when no
   * such timer comes before it.
   */
  private async step(limitMs: number, stop: () => boolean): Promise<void> {
    if (!(await this.waitIdle(stop))) return;
    const now = this.clock.peekMs();
    const next = this.clock.nextWorkDueMs();
    if (next !== undefined && next <= now) return void (await realDelay(BUSY_WAIT_MS));
    if (next !== undefined && next <= limitMs) return this.clock.skipTo(next);
    if (Number.isFinite(limitMs)) return this.clock.skipTo(limitMs);
    await realDelay(NOTHING_DUE_WAIT_MS);
  }

  /** Resolves true once the engine is idle, false as soon as `stop()` is true. */
  private async waitIdle(stop: () => boolean): Promise<boolean> {
    let quiet = 0;
    let seen = this.mark();
    for (;;) {
      if (stop() || this.closed) return false;
      if (this.busyNow()) {
        quiet = 0;
        await realDelay(BUSY_WAIT_MS);
        seen = this.mark();
        continue;
      }
      await nextTurn();
      if (this.mark() !== seen) {
        quiet = 0;
        seen = this.mark();
        continue;
      }
      if (++quiet < QUIET_TURNS) continue;
      const backlog = await this.hasBacklog();
      if (stop() || this.closed) return false;
      if (!backlog && this.mark() === seen && !this.busyNow()) return true;
      quiet = 0;
      seen = this.mark();
      if (backlog) await realDelay(BUSY_WAIT_MS);
    }
  }

  /** Something runs or is due right now. */
  private busyNow(): boolean {
    if (this.running > 0 || this.clock.hasDueTimer()) return true;
    return this.workers().some((w) => w.busyExecutions > 0);
  }

  /** A workflow or activity task is due in the store on a task queue a running worker polls. */
  private async hasBacklog(): Promise<boolean> {
    const queues = new Set(this.workers().flatMap((w) => (w.stopping ? [] : [w.taskQueue])));
    if (queues.size === 0) return false;
    const backlog = await this.store.taskQueueBacklog(this.clock.peekMs());
    return backlog.some((b) => queues.has(b.taskQueue) && b.count > 0);
  }

  /** Changes whenever the engine does something observable. */
  private mark(): number {
    return this.clock.activity + this.notices;
  }
}
