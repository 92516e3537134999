/**
 * The timeline of an execution, from its history: one bar per activity (scheduled → closed, with
 * its attempt count; the history records the final attempt's number on `ActivityTaskStarted`) and
 * one per timer (started → fired or canceled). Pure: no DOM.
 */
import type { ApiHistoryEvent, ApiPendingActivity } from '../../server/api-types.js';

export type BarOutcome = 'running' | 'completed' | 'failed' | 'timedOut' | 'canceled' | 'fired';

export interface TimelineBar {
  /** `activity-SEQ` or `timer-SEQ`. */
  key: string;
  kind: 'activity' | 'timer';
  /** The activity type, or `timer (30 s)`. */
  label: string;
  startMs: number;
  /** Null while open. */
  endMs: number | null;
  outcome: BarOutcome;
  /** Attempts made so far (1 for a timer). */
  attempts: number;
  /** For an open timer: when it fires. */
  fireAtMs?: number;
}

export interface Timeline {
  startMs: number;
  endMs: number;
  bars: TimelineBar[];
}

const ACTIVITY_CLOSE: Record<string, BarOutcome> = {
  ActivityTaskCompleted: 'completed',
  ActivityTaskFailed: 'failed',
  ActivityTaskTimedOut: 'timedOut',
  ActivityTaskCanceled: 'canceled',
};

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/**
 * The bars of `events`, in the order they started. `nowMs` ends the open bars and, while the
 * execution runs, the timeline; `closeMs` (the close time) ends it otherwise.
 */
export function buildTimeline(
  events: readonly ApiHistoryEvent[],
  pending: readonly ApiPendingActivity[],
  nowMs: number,
  closeMs: number | null,
): Timeline {
  const bars = new Map<number, TimelineBar>();
  const ms = (e: ApiHistoryEvent): number => Date.parse(e.time);
  for (const e of events) {
    const a = e.attrs;
    const seq = num(a.seq);
    if (e.eventType === 'ActivityTaskScheduled') {
      const type = typeof a.activityType === 'string' ? a.activityType : 'activity';
      // The call's summary (a step's name) says more than the type (e.g. 'baton.http' of a file).
      const options = a.options as { summary?: unknown } | undefined;
      const summary = typeof options?.summary === 'string' ? options.summary : undefined;
      const attempt = pending.find((p) => p.activityId === String(seq))?.attempt ?? 1;
      bars.set(e.eventId, {
        key: `activity-${seq ?? e.eventId}`,
        kind: 'activity',
        label: summary === undefined || summary === type ? type : `${summary} (${type})`,
        startMs: ms(e),
        endMs: null,
        outcome: 'running',
        attempts: attempt,
      });
    } else if (e.eventType === 'TimerStarted') {
      const durationMs = num(a.durationMs);
      const bar: TimelineBar = {
        key: `timer-${seq ?? e.eventId}`,
        kind: 'timer',
        label: durationMs === undefined ? 'timer' : `timer (${durationLabel(durationMs)})`,
        startMs: ms(e),
        endMs: null,
        outcome: 'running',
        attempts: 1,
      };
      const fireAtMs = num(a.fireAtMs);
      if (fireAtMs !== undefined) bar.fireAtMs = fireAtMs;
      bars.set(e.eventId, bar);
    } else if (e.eventType === 'ActivityTaskStarted') {
      const bar = bars.get(num(a.scheduledEventId) ?? -1);
      const attempt = num(a.attempt);
      if (bar !== undefined && attempt !== undefined) bar.attempts = Math.max(bar.attempts, attempt);
    } else if (e.eventType in ACTIVITY_CLOSE) {
      const bar = bars.get(num(a.scheduledEventId) ?? -1);
      if (bar === undefined) continue;
      bar.endMs = ms(e);
      bar.outcome = ACTIVITY_CLOSE[e.eventType] ?? 'completed';
    } else if (e.eventType === 'TimerFired' || e.eventType === 'TimerCanceled') {
      const bar = bars.get(num(a.startedEventId) ?? -1);
      if (bar === undefined) continue;
      bar.endMs = ms(e);
      bar.outcome = e.eventType === 'TimerFired' ? 'fired' : 'canceled';
    }
  }
  const first = events[0];
  const startMs = first === undefined ? nowMs : ms(first);
  const lastEvent = events.at(-1);
  const endMs = Math.max(closeMs ?? nowMs, lastEvent === undefined ? startMs : ms(lastEvent), startMs + 1);
  const list = [...bars.values()].sort((x, y) => x.startMs - y.startMs);
  // A bar left open in a closed execution ends with it.
  for (const bar of list) if (bar.endMs === null && closeMs !== null) bar.outcome = 'canceled';
  return { startMs, endMs, bars: list };
}

function durationLabel(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
