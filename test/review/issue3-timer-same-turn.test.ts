import { describe, expect, it } from 'vitest';
import { defineWorkflow } from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

/** Events of the history, as "type#seq". */
const timerEvents = (events: { eventType: string; attrs: unknown }[]) =>
  events
    .filter((e) => e.eventType.startsWith('Timer'))
    .map((e) => `${e.eventType}#${String((e.attrs as { seq: number }).seq)}`);

describe('a timer started and cancelled in the same workflow task', () => {
  it('a condition met in the turn its timeout timer started: TimerCanceled, and never a TimerFired after it', async () => {
    const env = await openTestEnv();
    const wf = defineWorkflow('SameTurnCondition', async (ctx) => {
      let ready = false;
      const waiting = ctx.condition(() => ready, 50); // timer #1 (50 ms)
      ready = true; // met before the turn ends: #1 is cancelled in the same turn
      const met = await waiting;
      await ctx.sleep(300); // timer #2: the execution is still open when #1 would have fired
      return met;
    });
    env.worker({ taskQueue: 't', workflows: [wf] });
    const h = await env.baton.client.start(wf, { taskQueue: 't' });
    expect(await h.result()).toBe(true);
    const { events } = await h.fetchHistory();
    const cancelled = events.find((e) => e.eventType === 'TimerCanceled');
    const started1 = events.find((e) => e.eventType === 'TimerStarted');
    // The cancel points at its TimerStarted, as every other TimerCanceled does.
    expect(cancelled?.attrs).toEqual({ seq: 1, startedEventId: started1!.eventId });
    expect(timerEvents(events)).toEqual([
      'TimerStarted#1',
      'TimerCanceled#1',
      'TimerStarted#2',
      'TimerFired#2',
    ]);
  });

  it('withTimeout whose function settles in the same turn: its timer does not fire later', async () => {
    const env = await openTestEnv();
    const wf = defineWorkflow('SameTurnWithTimeout', async (ctx) => {
      const v = await ctx.withTimeout(50, async () => 'cached'); // timer #1, cancelled at once
      await ctx.sleep(300); // timer #2
      return v;
    });
    env.worker({ taskQueue: 't', workflows: [wf] });
    const h = await env.baton.client.start(wf, { taskQueue: 't' });
    expect(await h.result()).toBe('cached');
    const { events } = await h.fetchHistory();
    expect(timerEvents(events)).toEqual([
      'TimerStarted#1',
      'TimerCanceled#1',
      'TimerStarted#2',
      'TimerFired#2',
    ]);
  });
});
