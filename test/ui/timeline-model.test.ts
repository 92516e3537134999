import { describe, expect, test } from 'vitest';
import type { ApiHistoryEvent } from '../../src/server/api-types.js';
import { buildTimeline } from '../../src/ui/lib/timeline-model.js';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
let nextId = 1;
function ev(eventType: string, atMs: number, attrs: Record<string, unknown> = {}): ApiHistoryEvent {
  return { eventId: nextId++, eventType, time: new Date(T0 + atMs).toISOString(), attrs };
}

describe('buildTimeline', () => {
  test('one bar per activity with its attempts, one per timer; open bars end at now', () => {
    nextId = 1;
    const events = [
      ev('WorkflowExecutionStarted', 0),
      ev('ActivityTaskScheduled', 10, { seq: 1, activityType: 'throwPokeball' }), // 2
      ev('ActivityTaskStarted', 900, { seq: 1, scheduledEventId: 2, attempt: 3 }),
      ev('ActivityTaskFailed', 900, { seq: 1, scheduledEventId: 2, startedEventId: 3 }),
      ev('TimerStarted', 1000, { seq: 2, durationMs: 500, fireAtMs: T0 + 1500 }), // 5
      ev('TimerFired', 1500, { seq: 2, startedEventId: 5 }),
      ev('ActivityTaskScheduled', 1600, { seq: 3, activityType: 'attack' }), // 7
      ev('TimerStarted', 1700, { seq: 4, durationMs: 3_600_000, fireAtMs: T0 + 3_601_700 }),
    ];
    const pending = [
      {
        activityId: '3',
        activityType: 'attack',
        attempt: 2,
        firstScheduledTime: '',
        nextAttemptTime: '',
        lastFailure: null,
      },
    ];
    const t = buildTimeline(events, pending, T0 + 2000, null);
    expect(t.startMs).toBe(T0);
    expect(t.endMs).toBe(T0 + 2000);
    expect(t.bars.map((b) => [b.kind, b.label, b.outcome, b.attempts, b.endMs])).toEqual([
      ['activity', 'throwPokeball', 'failed', 3, T0 + 900],
      ['timer', 'timer (500 ms)', 'fired', 1, T0 + 1500],
      ['activity', 'attack', 'running', 2, null],
      ['timer', 'timer (1 h)', 'running', 1, null],
    ]);
    expect(t.bars[3]?.fireAtMs).toBe(T0 + 3_601_700);
  });

  test('in a closed execution the timeline ends at the close, and bars left open are canceled', () => {
    nextId = 1;
    const events = [
      ev('WorkflowExecutionStarted', 0),
      ev('TimerStarted', 5, { seq: 1, durationMs: 60_000, fireAtMs: T0 + 60_005 }),
      ev('WorkflowExecutionTerminated', 700, { reason: 'bye' }),
    ];
    const t = buildTimeline(events, [], T0 + 99_999, T0 + 700);
    expect(t.endMs).toBe(T0 + 700);
    expect(t.bars.map((b) => [b.label, b.outcome])).toEqual([['timer (1 min)', 'canceled']]);
  });

  test("an activity with a summary (a file's step) is labelled by it, with its type", () => {
    nextId = 1;
    const events = [
      ev('WorkflowExecutionStarted', 0),
      ev('ActivityTaskScheduled', 10, {
        seq: 1,
        activityType: 'baton.http',
        options: { summary: 'fetch_ref' },
      }),
      ev('ActivityTaskScheduled', 20, { seq: 2, activityType: 'attack', options: { summary: 'attack' } }),
    ];
    const t = buildTimeline(events, [], T0 + 100, null);
    expect(t.bars.map((b) => b.label)).toEqual(['fetch_ref (baton.http)', 'attack']);
  });
});
