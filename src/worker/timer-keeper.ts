import type { Clock } from '../common/clock.js';
import type { EventOf, HistoryEvent } from '../common/history.js';

/**
 * The armed timers of one execution held by this worker. A timer is armed for its recorded due
 * time (`fireAtMs`), so after a crash it fires at its original time, at once if that has passed.
 */
export class TimerKeeper {
  private readonly armed = new Map<number, { startedEventId: number; cancel: () => void }>();

  constructor(
    private readonly clock: Clock,
    private readonly fire: (seq: number) => void,
  ) {}

  arm(seq: number, startedEventId: number, fireAtMs: number): void {
    const cancel = this.clock.setTimer(() => this.fire(seq), fireAtMs - this.clock.nowMs());
    this.armed.set(seq, { startedEventId, cancel });
  }

  /** Disarms a timer; returns its `TimerStarted` event id, or undefined when it is not armed. */
  disarm(seq: number): number | undefined {
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
