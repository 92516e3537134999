import type { Clock } from '../common/clock.js';
import type { EventOf, HistoryEvent } from '../common/history.js';

/**
 * The armed timers of one execution held by this worker. A timer is armed for its recorded due
 * time (`fireAtMs`), so after a crash it fires at its original time, at once if that has passed.
 */
export class TimerKeeper {
  private readonly armed = new Map<number, { startedEventId: number; cancel: () => void }>();
  /** Timers recorded in a turn whose write is not durable yet: armed after the commit. */
  private readonly planned = new Map<number, number>();

  constructor(
    private readonly clock: Clock,
    private readonly fire: (seq: number) => void,
  ) {}

  /** A timer recorded in the current turn; {@link arm} it once the turn is durable. */
  plan(seq: number, startedEventId: number): void {
    this.planned.set(seq, startedEventId);
  }

  /** Arms a planned timer once its turn is durable, unless it was cancelled in that turn. */
  armPlanned(seq: number, startedEventId: number, fireAtMs: number): void {
    if (!this.planned.delete(seq)) return;
    this.arm(seq, startedEventId, fireAtMs);
  }

  /** Arms a timer for its due time (at once if it has passed). */
  arm(seq: number, startedEventId: number, fireAtMs: number): void {
    const cancel = this.clock.setTimer(() => this.fire(seq), fireAtMs - this.clock.nowMs());
    this.armed.set(seq, { startedEventId, cancel });
  }

  /** Disarms a timer; returns its `TimerStarted` event id, or undefined when it is not armed. */
  disarm(seq: number): number | undefined {
    const planned = this.planned.get(seq);
    if (planned !== undefined) {
      this.planned.delete(seq);
      return planned;
    }
    const timer = this.armed.get(seq);
    if (timer === undefined) return undefined;
    timer.cancel();
    this.armed.delete(seq);
    return timer.startedEventId;
  }

  /** Disarms every timer (the execution was cancelled, closed or left this worker). */
  dropAll(): void {
    for (const timer of this.armed.values()) timer.cancel();
    this.armed.clear();
    this.planned.clear();
  }
}

/** Timers of a history that were started and neither fired nor cancelled. */
export function openTimers(history: readonly HistoryEvent[]): EventOf<'TimerStarted'>[] {
  const open = new Map<number, EventOf<'TimerStarted'>>();
  for (const e of history) {
    if (e.eventType === 'TimerStarted') open.set(e.attrs.seq, e);
    else if (e.eventType === 'TimerFired' || e.eventType === 'TimerCanceled') open.delete(e.attrs.seq);
  }
  return [...open.values()];
}
