/**
 * Step states read back from a history: the `baton.step` markers a file workflow records, with
 * the attempts and times of the activities each step ran (their `summary` is the step id). Pure:
 * used by `baton run`'s progress, the HTTP API and tests.
 */
import type { DataConverter } from '../../common/converter.js';
import type { HistoryEvent } from '../../common/history.js';
import { STEP_MARKER, type StepMark, type StepState } from './step-kit.js';

/** What the history says of one step. */
export interface StepView {
  /** The step id (iterations of a foreach or loop: `id[i]`). */
  step: string;
  /** The last state recorded. */
  state: StepState;
  /** The attempt of its latest activity attempt (1 when its activity started once; 0 when none did). */
  attempt: number;
  /** When it started (its first `RUNNING` marker), epoch ms. */
  startedAtMs: number;
  /** When it reached its last state, epoch ms (undefined while RUNNING). */
  endedAtMs?: number;
  /** Why it failed or was skipped, when recorded. */
  reason?: string;
}

/**
 * The steps of a file workflow's history, in the order they first appear.
 *
 * @param history - the events (payloads as stored), e.g. `(await handle.fetchHistory()).events`.
 * @param converter - to decode the markers' details.
 * @example
 * const steps = stepViews((await handle.fetchHistory()).events, baton.converter);
 * steps.find((s) => s.step === 'attack')?.state; // 'COMPLETED'
 */
export function stepViews(history: readonly HistoryEvent[], converter: DataConverter): StepView[] {
  const views = new Map<string, StepView>();
  const summaries = new Map<number, string>();
  for (const e of history) {
    if (e.eventType === 'MarkerRecorded' && e.attrs.markerName === STEP_MARKER && e.payload !== undefined) {
      const mark = converter.fromPayload<StepMark>(e.payload);
      let view = views.get(mark.step);
      if (view === undefined) {
        // Its first mark: RUNNING, or the final one of a step that never ran (skipped, or failed on its `if`).
        view = { step: mark.step, state: mark.state, attempt: 0, startedAtMs: e.timeMs };
        views.set(mark.step, view);
      }
      view.state = mark.state;
      if (mark.state === 'RUNNING') delete view.endedAtMs;
      else view.endedAtMs = e.timeMs;
      if (mark.reason !== undefined) view.reason = mark.reason;
    } else if (e.eventType === 'ActivityTaskScheduled' && e.attrs.options.summary !== undefined) {
      summaries.set(e.eventId, e.attrs.options.summary);
    } else if (e.eventType === 'ActivityTaskStarted') {
      const step = summaries.get(e.attrs.scheduledEventId);
      const view = step === undefined ? undefined : views.get(step);
      if (view !== undefined) view.attempt = e.attrs.attempt;
    }
  }
  return [...views.values()];
}

/** `stepViews` as a map of step id → last state (what tests most often want). */
export function stepStates(
  history: readonly HistoryEvent[],
  converter: DataConverter,
): Record<string, StepState> {
  return Object.fromEntries(stepViews(history, converter).map((v) => [v.step, v.state]));
}
