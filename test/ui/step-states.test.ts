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

/** A history from [activity type, outcome event type or null while open] pairs, scheduled in order. */
function history(activities: [string, string | null][]): ApiHistoryEvent[] {
  const events: ApiHistoryEvent[] = [];
  const add = (eventType: string, attrs: Record<string, unknown>): number => {
    const eventId = events.length + 1;
    events.push({ eventId, eventType, time: new Date(eventId * 1000).toISOString(), attrs });
    return eventId;
  };
  add('WorkflowExecutionStarted', {});
  activities.forEach(([activityType, outcome], seq) => {
    const scheduledEventId = add('ActivityTaskScheduled', { seq, activityType });
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
