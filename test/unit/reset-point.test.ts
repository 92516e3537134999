/**
 * `resetPoint({ toStep })` (pure, no store): a step is found by the `summary` recorded on its
 * `ActivityTaskScheduled` first (so a client without the workflow's code finds step names), then
 * by the step graph when one is given (histories recorded before summaries), then by activity type.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError, type HistoryEvent } from '../../src/index.js';
import { resetPoint, type StepsShape } from '../../src/client/reset-point.js';
import { captureSteps } from '../../examples/pokemon/steps.js';

const RETRY = {
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maximumIntervalMs: 100_000,
  maximumAttempts: 0,
  nonRetryableErrorTypes: [],
};

/** An event as the worker writes it (times and payloads do not matter to resetPoint). */
function ev(eventId: number, eventType: string, attrs: object): HistoryEvent {
  return { eventId, eventType, timeMs: 1000 + eventId, attrs } as HistoryEvent;
}

/** Scheduled, started, completed: events `id`..`id + 2` of activity call `seq`. */
function call(id: number, seq: number, activityType: string, summary?: string): HistoryEvent[] {
  const options = {
    startToCloseTimeoutMs: 10_000,
    retry: RETRY,
    ...(summary === undefined ? {} : { summary }),
  };
  return [
    ev(id, 'ActivityTaskScheduled', { seq, activityType, options }),
    ev(id + 1, 'ActivityTaskStarted', { seq, scheduledEventId: id, attempt: 1 }),
    ev(id + 2, 'ActivityTaskCompleted', { seq, scheduledEventId: id, startedEventId: id + 1 }),
  ];
}

const started = ev(1, 'WorkflowExecutionStarted', { workflowType: 'CapturePokemonSteps' });

/** A completed CapturePokemonSteps run: Paralyze (2-4), Attack (5-7), ThrowPokeball (8-10), closed at 11. */
function captureHistory(withSummaries: boolean): HistoryEvent[] {
  const s = (name: string) => (withSummaries ? name : undefined);
  return [
    started,
    ...call(2, 1, 'paralyze', s('Paralyze')),
    ...call(5, 2, 'attack', s('Attack')),
    ...call(8, 3, 'throwPokeball', s('ThrowPokeball')),
    ev(11, 'WorkflowExecutionCompleted', {}),
  ];
}

/** The ValidationError resetPoint throws (fails when it does not). */
function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected resetPoint to throw');
}

describe('resetPoint toStep', () => {
  it('finds a step by the summary recorded on its ActivityTaskScheduled, without the graph', () => {
    const history = captureHistory(true);
    expect(resetPoint(history, 'run-1', { toStep: 'ThrowPokeball' })).toBe(7);
    expect(resetPoint(history, 'run-1', { toStep: 'Attack' })).toBe(4);
    // Activity types still work.
    expect(resetPoint(history, 'run-1', { toStep: 'throwPokeball' })).toBe(7);
  });

  it('a summary wins over an activity type of the same name', () => {
    const history = [
      started,
      ...call(2, 1, 'Greet', 'hello'),
      ...call(5, 2, 'other', 'Greet'),
      ev(8, 'WorkflowExecutionCompleted', {}),
    ];
    expect(resetPoint(history, 'run-1', { toStep: 'Greet' })).toBe(4);
  });

  it('histories without summaries: step names through the graph, activity types without it', () => {
    const history = captureHistory(false);
    expect(resetPoint(history, 'run-1', { toStep: 'ThrowPokeball' }, captureSteps.graph)).toBe(7);
    expect(resetPoint(history, 'run-1', { toStep: 'throwPokeball' })).toBe(7);
    const err = refusal(() => resetPoint(history, 'run-1', { toStep: 'ThrowPokeball' }));
    expect(err.message).toBe(
      "toStep: no activity type 'ThrowPokeball' was scheduled in run 'run-1'; activity types present: paralyze, attack, throwPokeball",
    );
  });

  it('a summary is matched before the graph, which a DAG sharing an activity could not resolve', () => {
    // Two steps run the same activity: the graph cannot tell them apart, the summaries can.
    const dag: StepsShape = {
      mode: 'dag',
      steps: [
        { name: 'Left', activity: 'greet', compensation: null },
        { name: 'Right', activity: 'greet', compensation: null },
      ],
    };
    const history = [
      started,
      ...call(2, 1, 'greet', 'Left'),
      ...call(5, 2, 'greet', 'Right'),
      ev(8, 'WorkflowExecutionCompleted', {}),
    ];
    expect(resetPoint(history, 'run-1', { toStep: 'Right' }, dag)).toBe(4);
    const old = history.map((e) =>
      e.eventType === 'ActivityTaskScheduled'
        ? { ...e, attrs: { ...e.attrs, options: { retry: RETRY } } }
        : e,
    );
    expect(refusal(() => resetPoint(old, 'run-1', { toStep: 'Right' }, dag)).message).toMatch(
      /^toStep: step 'Right' of run 'run-1' runs activity 'greet', which other steps/,
    );
  });

  it('an unknown step lists the summaries present; the kept prefix is still checked', () => {
    const history = captureHistory(true);
    const err = refusal(() => resetPoint(history, 'run-1', { toStep: 'Heal' }));
    expect(err.message).toBe(
      "toStep: no activity type or step 'Heal' was scheduled in run 'run-1'; activity types present: paralyze, attack, throwPokeball; summaries present: Paralyze, Attack, ThrowPokeball",
    );
    // ThrowPokeball scheduled while a timer is open: the summary's point is refused like any other.
    const open = [
      started,
      ...call(2, 1, 'paralyze', 'Paralyze'),
      ev(5, 'TimerStarted', { seq: 2, durationMs: 1000, fireAtMs: 3000 }),
      ...call(6, 3, 'throwPokeball', 'ThrowPokeball'),
      ev(9, 'TimerFired', { seq: 2, startedEventId: 5 }),
    ];
    expect(refusal(() => resetPoint(open, 'run-1', { toStep: 'ThrowPokeball' })).message).toMatch(
      /^reset point the start of step 'ThrowPokeball' \(event 5\) of run 'run-1' leaves a timer of 1000 ms/,
    );
  });
});
