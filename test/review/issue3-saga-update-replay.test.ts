import { describe, expect, it } from 'vitest';
import {
  ActivityFailure,
  CancelledFailure,
  WorkflowFailedError,
  activityContext,
  defineQuery,
  defineSignal,
  defineUpdate,
  defineWorkflow,
} from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

// Coverage (passing): saga and update paths across a hand-back and replay.
const log = defineQuery<string[]>('log');
const note = defineSignal<[string]>('note');
const bump = defineUpdate<number, [number]>('bump');

describe('sagas and updates across a replay (coverage, passing)', () => {
  it('a saga waiting on an activity, replayed by another worker, then cancelled: compensations run once, CANCELED', async () => {
    const env = await openTestEnv();
    const calls: string[] = [];
    const activities = {
      async step(n: number): Promise<number> {
        calls.push(`step${n}`);
        return n;
      },
      async hang(): Promise<void> {
        calls.push('hang');
        const signal = activityContext().signal;
        await new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason as Error)),
        );
      },
      async undo(n: number): Promise<void> {
        calls.push(`undo${n}`);
      },
    };
    const wf = defineWorkflow('SagaReplay', async (ctx) => {
      const act = ctx.activities<typeof activities>({
        startToCloseTimeout: '10s',
        retry: { initialInterval: 10 },
      });
      const done: string[] = [];
      ctx.setHandler(log, () => done);
      return ctx.saga(async (saga) => {
        for (const n of [1, 2]) {
          await act.step(n);
          done.push(`step${n}`);
          saga.addCompensation(() => act.undo(n));
        }
        await act.hang();
        return 'never';
      });
    });
    const w1 = env.worker({ taskQueue: 's', workflows: [wf], activities, shutdownGraceTime: 10 });
    const h = await env.baton.client.start(wf, { taskQueue: 's' });
    await eventually(() => (calls.includes('hang') ? true : undefined));
    await w1.shutdown();
    env.worker({ taskQueue: 's', workflows: [wf], activities, identity: 'w2' });
    expect(await h.query(log)).toEqual(['step1', 'step2']);
    await h.cancel();
    const err = await h.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(calls.filter((c) => c.startsWith('undo'))).toEqual(['undo2', 'undo1']);
    expect(calls.filter((c) => c.startsWith('step'))).toEqual(['step1', 'step2']);
    void ActivityFailure;
  });

  it('an update awaiting an activity across a replay, with signals meanwhile: completes once; a retry with the same id gets the same result', async () => {
    const env = await openTestEnv();
    let slowCalls = 0;
    const activities = {
      async slow(n: number): Promise<number> {
        slowCalls++;
        await new Promise((r) => setTimeout(r, slowCalls === 1 ? 10_000 : 30));
        return n * 10;
      },
    };
    const wf = defineWorkflow('UpdateReplay', async (ctx) => {
      const act = ctx.activities<typeof activities>({
        startToCloseTimeout: '20s',
        retry: { initialInterval: 10 },
      });
      const notes: string[] = [];
      let total = 0;
      ctx.setHandler(note, (s) => {
        notes.push(s);
      });
      ctx.setHandler(log, () => [...notes, `total=${total}`]);
      ctx.setHandler(bump, async (n) => {
        const v = await act.slow(n);
        total += v;
        return total;
      });
      await ctx.condition(() => notes.includes('done') && total > 0);
      return { notes, total };
    });
    const w1 = env.worker({ taskQueue: 'u', workflows: [wf], activities, shutdownGraceTime: 10 });
    const h = await env.baton.client.start(wf, { taskQueue: 'u' });
    const u = await h.startUpdate(bump, { args: [4], updateId: 'bump-1', waitForStage: 'ACCEPTED' });
    await eventually(() => (slowCalls === 1 ? true : undefined));
    await h.signal(note, 'a');
    await w1.shutdown();
    await h.signal(note, 'b');
    env.worker({ taskQueue: 'u', workflows: [wf], activities, identity: 'w2' });
    expect(await h.query(log)).toEqual(['a', 'b', 'total=0']);
    expect(await u.result()).toBe(40);
    expect(await h.executeUpdate(bump, { args: [9], updateId: 'bump-1' })).toBe(40);
    await h.signal(note, 'done');
    expect(await h.result()).toEqual({ notes: ['a', 'b', 'done'], total: 40 });
    const { events } = await h.fetchHistory();
    expect(events.filter((e) => e.eventType === 'WorkflowExecutionUpdateCompleted')).toHaveLength(1);
    expect(events.filter((e) => e.eventType === 'WorkflowExecutionUpdateAccepted')).toHaveLength(1);
  });
});
