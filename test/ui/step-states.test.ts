import { describe, expect, test } from 'vitest';
import type { ApiHistoryEvent, ApiStepGraph } from '../../src/server/api-types.js';
import { stepDepths, stepStates } from '../../src/ui/lib/step-states.js';

const capture: ApiStepGraph = {
  name: 'CapturePokemonSteps',
  mode: 'sequence',
  steps: [
    { name: 'Paralyze', activity: 'paralyze', compensation: 'cure', dependsOn: [] },
    { name: 'Attack', activity: 'attack', compensation: 'heal', dependsOn: ['Paralyze'] },
    { name: 'ThrowPokeball', activity: 'throwPokeball', compensation: null, dependsOn: ['Attack'] },
  ],
  order: ['Paralyze', 'Attack', 'ThrowPokeball'],
};

/**
 * A history from [activity type, outcome event type or null while open, summary?] entries: each
 * activity scheduled in turn (with `options.summary` when given), then closed by its outcome.
 */
function history(activities: [string, string | null, string?][]): ApiHistoryEvent[] {
  const events: ApiHistoryEvent[] = [];
  const add = (eventType: string, attrs: Record<string, unknown>): number => {
    const eventId = events.length + 1;
    events.push({ eventId, eventType, time: new Date(eventId * 1000).toISOString(), attrs });
    return eventId;
  };
  add('WorkflowExecutionStarted', {});
  activities.forEach(([activityType, outcome, summary], seq) => {
    const options = { startToCloseTimeout: '1m', ...(summary === undefined ? {} : { summary }) };
    const scheduledEventId = add('ActivityTaskScheduled', { seq, activityType, options });
    if (outcome !== null) add(outcome, { seq, scheduledEventId });
  });
  return events;
}

describe('stepStates', () => {
  test('steps not yet scheduled wait; the one scheduled runs', () => {
    const states = stepStates(
      capture,
      history([
        ['paralyze', 'ActivityTaskCompleted'],
        ['attack', null],
      ]),
    );
    expect(Object.fromEntries(states)).toEqual({
      Paralyze: 'completed',
      Attack: 'running',
      ThrowPokeball: 'waiting',
    });
  });

  test('after a step failed for good, the completed ones are compensated newest first', () => {
    const states = stepStates(
      capture,
      history([
        ['paralyze', 'ActivityTaskCompleted'],
        ['attack', 'ActivityTaskCompleted'],
        ['throwPokeball', 'ActivityTaskFailed'],
        ['heal', 'ActivityTaskCompleted'],
        ['cure', null],
      ]),
    );
    expect(Object.fromEntries(states)).toEqual({
      Paralyze: 'compensating',
      Attack: 'compensated',
      ThrowPokeball: 'failed',
    });
  });
});

describe('stepStates with summaries', () => {
  /** Two steps on the same activity, run in parallel, each undone by the same compensation. */
  const parallel: ApiStepGraph = {
    name: 'CatchBoth',
    mode: 'dag',
    steps: [
      { name: 'CatchA', activity: 'catch', compensation: 'release', dependsOn: [] },
      { name: 'CatchB', activity: 'catch', compensation: 'release', dependsOn: [] },
      { name: 'Report', activity: 'report', compensation: null, dependsOn: ['CatchA', 'CatchB'] },
    ],
    order: ['CatchA', 'CatchB', 'Report'],
  };

  test('a scheduled activity belongs to the step its summary names, whatever the schedule order', () => {
    const states = stepStates(
      parallel,
      history([
        ['catch', 'ActivityTaskCompleted', 'CatchB'],
        ['catch', 'ActivityTaskFailed', 'CatchA'],
        ['release', null, 'compensate CatchB'],
      ]),
    );
    expect(Object.fromEntries(states)).toEqual({
      CatchA: 'failed',
      CatchB: 'compensating',
      Report: 'waiting',
    });
  });

  test('an activity without a summary is guessed by type, but never one whose summary names another step', () => {
    // CatchA's name was too long to record as a summary (or the history predates summaries).
    const states = stepStates(
      parallel,
      history([
        ['catch', null, 'CatchB'],
        ['catch', 'ActivityTaskCompleted'],
      ]),
    );
    expect(Object.fromEntries(states)).toEqual({
      CatchA: 'completed',
      CatchB: 'running',
      Report: 'waiting',
    });
  });

  test('a summary that names no call of the graph falls back to the guess by type', () => {
    const states = stepStates(
      capture,
      history([
        ['paralyze', 'ActivityTaskCompleted', 'Paralyze'],
        ['attack', 'ActivityTaskCompleted', 'hit hard'],
        ['throwPokeball', null, 'ThrowPokeball'],
      ]),
    );
    expect(Object.fromEntries(states)).toEqual({
      Paralyze: 'completed',
      Attack: 'completed',
      ThrowPokeball: 'running',
    });
  });
});

describe('stepDepths', () => {
  test('a step sits one column after its deepest dependency', () => {
    const dag: ApiStepGraph = {
      name: 'Dag',
      mode: 'dag',
      steps: [
        { name: 'A', activity: 'a', compensation: null, dependsOn: [] },
        { name: 'B', activity: 'b', compensation: null, dependsOn: [] },
        { name: 'C', activity: 'c', compensation: null, dependsOn: ['A'] },
        { name: 'D', activity: 'd', compensation: null, dependsOn: ['B', 'C'] },
      ],
      order: ['A', 'B', 'C', 'D'],
    };
    expect(Object.fromEntries(stepDepths(dag))).toEqual({ A: 0, B: 0, C: 1, D: 2 });
  });
});
