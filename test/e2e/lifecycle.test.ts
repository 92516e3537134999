import { describe, expect, it } from 'vitest';
import {
  CancelledFailure,
  TerminatedFailure,
  WorkflowFailedError,
  WorkflowNotFoundError,
  activityContext,
  defineWorkflow,
} from '../../src/index.js';
import { eventually, latch, openTestEnv } from '../support/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('execution lifecycle through the client', () => {
  it('describe() shows a retrying activity with its attempt and last failure', async () => {
    const env = await openTestEnv();
    let calls = 0;
    const wf = defineWorkflow('Retrying', async (ctx) => {
      await ctx
        .activities<{ flaky(): Promise<void> }>({
          startToCloseTimeout: '5s',
          retry: { initialInterval: 300, maximumAttempts: 3 },
        })
        .flaky();
    });
    env.worker({
      taskQueue: 'q',
      workflows: [wf],
      activities: {
        flaky: async () => {
          calls++;
          if (calls < 3) throw new Error(`Mewtwo dodged (${calls})`);
        },
      },
    });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q', workflowId: 'retrying' });
    const pending = await eventually(async () => {
      const p = (await handle.describe()).pendingActivities[0];
      return p !== undefined && p.attempt === 2 ? p : undefined;
    });
    expect(pending.activityType).toBe('flaky');
    expect(pending.lastFailure?.message).toBe('Mewtwo dodged (1)');
    expect(pending.nextAttemptTime.getTime()).toBeGreaterThan(pending.firstScheduledTime.getTime());
    const d = await handle.describe();
    expect(d.status).toBe('RUNNING');
    expect(d.worker).toMatch(/^\d+@.+\/worker-/);
    await handle.result();
    const closed = await handle.describe();
    expect(closed.status).toBe('COMPLETED');
    expect(closed.closeTime).toBeInstanceOf(Date);
    expect(closed.pendingActivities).toEqual([]);
  });

  it('terminate() closes at once, aborts the running attempt and fails result() with TerminatedFailure', async () => {
    const env = await openTestEnv();
    let aborted = false;
    const started = latch();
    const wf = defineWorkflow('Terminated', async (ctx) => {
      await ctx.activities<{ hang(): Promise<void> }>({ startToCloseTimeout: '30s' }).hang();
    });
    env.worker({
      taskQueue: 'q',
      workflows: [wf],
      activities: {
        hang: () => {
          activityContext().signal.addEventListener('abort', () => (aborted = true));
          started.release();
          return new Promise<void>(() => {});
        },
      },
      shutdownGraceTime: 10,
    });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
    await started.promise;
    await handle.terminate('Team Rocket stopped it');
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    expect(((err as WorkflowFailedError).cause as Error).message).toBe('Team Rocket stopped it');
    await eventually(() => (aborted ? true : undefined));
    const { events } = await handle.fetchHistory();
    expect(events.map((e) => e.eventType).at(-1)).toBe('WorkflowExecutionTerminated');
    await sleep(50);
    expect((await handle.fetchHistory()).events).toHaveLength(events.length);
    await expect(handle.terminate()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('cancel() is a request: the workflow sees CancelledFailure, may clean up, and ends Canceled', async () => {
    const env = await openTestEnv();
    const started = latch();
    let cleanedUp = false;
    const wf = defineWorkflow('Cancelled', async (ctx) => {
      try {
        await ctx.activities<{ hang(): Promise<void> }>({ startToCloseTimeout: '30s' }).hang();
      } finally {
        cleanedUp = true;
      }
    });
    env.worker({
      taskQueue: 'q',
      workflows: [wf],
      activities: {
        hang: () => {
          started.release();
          // A well-behaved activity stops when its cancellation is requested.
          const signal = activityContext().signal;
          return new Promise<void>((_, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason as Error)),
          );
        },
      },
      shutdownGraceTime: 10,
    });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
    await started.promise;
    await handle.cancel('the trainer ran away');
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(cleanedUp).toBe(true);
    expect((await handle.describe()).status).toBe('CANCELED');
    const types = (await handle.fetchHistory()).events.map((e) => e.eventType);
    expect(types.slice(-5)).toEqual([
      'WorkflowExecutionCancelRequested',
      'ActivityTaskCancelRequested',
      'ActivityTaskStarted',
      'ActivityTaskCanceled',
      'WorkflowExecutionCanceled',
    ]);
  });

  it('graceful shutdown lets the running attempt finish and hands the rest to another worker', async () => {
    const env = await openTestEnv();
    const counts = { first: 0, second: 0 };
    const firstRunning = latch();
    const finishFirst = latch();
    const wf = defineWorkflow('HandOff', async (ctx) => {
      const act = ctx.activities<{ first(): Promise<string>; second(): Promise<string> }>({
        startToCloseTimeout: '30s',
      });
      return (await act.first()) + (await act.second());
    });
    const activities = {
      first: async () => {
        counts.first++;
        firstRunning.release();
        await finishFirst.promise;
        return 'one,';
      },
      second: async () => {
        counts.second++;
        return 'two';
      },
    };
    const w1 = env.worker({ taskQueue: 'q', workflows: [wf], activities, shutdownGraceTime: '5s' });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
    await firstRunning.promise;
    const stopping = w1.shutdown();
    await sleep(50);
    finishFirst.release();
    await stopping;
    expect(counts).toEqual({ first: 1, second: 0 });
    const d = await handle.describe();
    expect(d.status).toBe('RUNNING');
    expect(d.worker).toBeUndefined();
    expect(d.pendingActivities.map((a) => [a.activityType, a.attempt])).toEqual([['second', 1]]);
    env.worker({ taskQueue: 'q', workflows: [wf], activities });
    expect(await handle.result()).toBe('one,two');
    expect(counts).toEqual({ first: 1, second: 1 });
  });

  it('list() filters by status and workflow type, newest first, with a limit', async () => {
    const env = await openTestEnv();
    const quick = defineWorkflow('Quick', async () => 'ok');
    const stuck = defineWorkflow('Stuck', async (ctx) => {
      await ctx.activities<{ hang(): Promise<void> }>({ startToCloseTimeout: '30s' }).hang();
    });
    env.worker({
      taskQueue: 'q',
      workflows: [quick, stuck],
      activities: { hang: () => new Promise<void>(() => {}) },
      shutdownGraceTime: 10,
    });
    for (const id of ['q1', 'q2']) await env.baton.client.execute(quick, { taskQueue: 'q', workflowId: id });
    await env.baton.client.start(stuck, { taskQueue: 'q', workflowId: 's1' });
    expect((await env.baton.client.list({ status: 'COMPLETED' })).map((e) => e.workflowId)).toEqual([
      'q2',
      'q1',
    ]);
    expect((await env.baton.client.list({ status: 'RUNNING' })).map((e) => e.workflowId)).toEqual(['s1']);
    expect(
      (await env.baton.client.list({ workflowType: 'Quick', limit: 1 })).map((e) => e.workflowId),
    ).toEqual(['q2']);
  });
});
