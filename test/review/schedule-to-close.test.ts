import { describe, expect, it } from 'vitest';
import { ActivityFailure, WorkflowFailedError, defineWorkflow } from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

// docs/workflows.md: scheduleToCloseTimeout — "no attempt starts at or past the deadline (the
// activity then fails with retryState: 'TIMEOUT' and the last attempt's failure as cause)".

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduleToCloseTimeout: no attempt starts past the deadline', () => {
  it('an attempt handed back on shutdown is not started by the next worker once the deadline has passed', async () => {
    const env = await openTestEnv();
    const startsMs: number[] = [];
    const activities = {
      async flaky(): Promise<string> {
        startsMs.push(Date.now());
        if (startsMs.length === 1) throw new Error('first attempt fails');
        return 'started past the deadline';
      },
    };
    const wf = defineWorkflow('S2CHandBack', async (ctx) =>
      ctx
        .activities<typeof activities>({ scheduleToCloseTimeout: 500, retry: { initialInterval: 200 } })
        .flaky(),
    );
    let failedOnce!: () => void;
    const firstFailed = new Promise<void>((r) => (failedOnce = r));
    const w1 = env.worker({
      taskQueue: 'q',
      workflows: [wf],
      activities,
      hooks: { onActivityAttempt: (e) => e.outcome === 'failed' && failedOnce() },
    });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
    await firstFailed;
    await w1.shutdown(); // attempt 2 (due in 200 ms) is handed back, not started
    const pending = (await handle.describe()).pendingActivities[0];
    expect(pending?.attempt).toBe(2);
    const deadlineMs = pending!.firstScheduledTime.getTime() + 500;
    await sleep(deadlineMs - Date.now() + 200);
    env.worker({ taskQueue: 'q', workflows: [wf], activities });
    const err = await handle.result().then(
      (v) => v,
      (e: unknown) => e,
    );
    expect(startsMs.map((t) => (t >= deadlineMs ? 'past deadline' : 'before deadline'))).toEqual([
      'before deadline',
    ]);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(((err as WorkflowFailedError).cause as ActivityFailure).retryState).toBe('TIMEOUT');
  });

  it('an attempt that waited for an activity slot until past its deadline is not started', async () => {
    const env = await openTestEnv();
    const started: string[] = [];
    const activities = {
      async hog(): Promise<void> {
        started.push('hog');
        await sleep(800);
      },
      async quick(): Promise<void> {
        started.push('quick');
      },
    };
    const wf = defineWorkflow('S2CSlot', async (ctx) => {
      const hog = ctx.activities<typeof activities>({ startToCloseTimeout: '5s' }).hog();
      const quick = ctx.activities<typeof activities>({ scheduleToCloseTimeout: 200 }).quick();
      const [, q] = await Promise.allSettled([hog, quick]);
      return q.status === 'rejected'
        ? `quick failed: ${(q.reason as ActivityFailure).retryState}`
        : 'quick done';
    });
    env.worker({ taskQueue: 'q', workflows: [wf], activities, maxConcurrentActivities: 1 });
    const result = await env.baton.client.execute(wf, { taskQueue: 'q' });
    await eventually(() => (started.length >= 1 ? true : undefined));
    expect({ result, started }).toEqual({ result: 'quick failed: TIMEOUT', started: ['hog'] });
  });
});
