import { describe, expect, it } from 'vitest';
import {
  ActivityFailure,
  type ActivityAttemptEvent,
  WorkflowFailedError,
  activityContext,
  defineWorkflow,
} from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

const TOLERANCE_MS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('activity timeouts', () => {
  it('scheduleToCloseTimeout stops retrying when the next attempt would start past the deadline', async () => {
    const env = await openTestEnv();
    const startsMs: number[] = [];
    const activities = {
      async fail(): Promise<void> {
        startsMs.push(performance.now());
        throw new Error(`attempt ${startsMs.length}`);
      },
    };
    const wf = defineWorkflow('ScheduleToClose', async (ctx) => {
      const act = ctx.activities<typeof activities>({
        scheduleToCloseTimeout: 6000,
        retry: { initialInterval: 100, backoffCoefficient: 2 },
      });
      await act.fail();
    });
    env.worker({ taskQueue: 's2c', workflows: [wf], activities });
    const t0 = performance.now();
    const err = await env.baton.client.execute(wf, { taskQueue: 's2c' }).catch((e: unknown) => e);
    const elapsed = performance.now() - t0;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const failure = (err as WorkflowFailedError).cause as ActivityFailure;
    expect(failure).toBeInstanceOf(ActivityFailure);
    expect(failure.retryState).toBe('TIMEOUT');
    expect((failure.cause as Error).message).toBe('attempt 6');
    expect(startsMs).toHaveLength(6);
    expect(elapsed).toBeGreaterThanOrEqual(3100 - TOLERANCE_MS);
    expect(elapsed).toBeLessThan(6000);
  }, 15_000);

  it('startToCloseTimeout aborts a hung attempt, discards its late result, and the retry wins', async () => {
    const env = await openTestEnv();
    let calls = 0;
    let abortedAtMs: number | undefined;
    const firstStartMs: number[] = [];
    const activities = {
      async slow(): Promise<string> {
        calls++;
        const attempt = activityContext().attempt;
        if (attempt === 1) {
          firstStartMs.push(performance.now());
          activityContext().signal.addEventListener('abort', () => (abortedAtMs = performance.now()));
          await sleep(2000);
          return 'late result of attempt 1';
        }
        return `result of attempt ${attempt}`;
      },
    };
    const wf = defineWorkflow('StartToClose', async (ctx) => {
      const act = ctx.activities<typeof activities>({
        startToCloseTimeout: 500,
        retry: { initialInterval: 50 },
      });
      return act.slow();
    });
    env.worker({ taskQueue: 's2c', workflows: [wf], activities });
    const handle = await env.baton.client.start(wf, { taskQueue: 's2c' });
    expect(await handle.result()).toBe('result of attempt 2');
    expect(calls).toBe(2);
    expect(abortedAtMs! - firstStartMs[0]!).toBeGreaterThanOrEqual(500 - TOLERANCE_MS);
    await sleep(1700); // let the hung attempt return: its late result must change nothing
    const { events } = await handle.fetchHistory();
    expect(events.filter((e) => e.eventType === 'ActivityTaskCompleted')).toHaveLength(1);
    expect(events.map((e) => e.eventType).at(-1)).toBe('WorkflowExecutionCompleted');
  }, 15_000);

  it('heartbeatTimeout times out a silent attempt and the next attempt sees the last details', async () => {
    const env = await openTestEnv();
    const seen: unknown[] = [];
    const attempts: ActivityAttemptEvent[] = [];
    const activities = {
      async download(): Promise<unknown> {
        const ctx = activityContext();
        seen.push(ctx.heartbeatDetails);
        if (ctx.attempt === 1) {
          for (const n of [7, 8, 9]) {
            ctx.heartbeat(n);
            await sleep(50);
          }
          await new Promise((_, reject) =>
            ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error)),
          );
        }
        return ctx.heartbeatDetails;
      },
    };
    const wf = defineWorkflow('Heartbeat', async (ctx) => {
      const act = ctx.activities<typeof activities>({
        startToCloseTimeout: '10s',
        heartbeatTimeout: 1000,
        retry: { initialInterval: 50 },
      });
      return act.download();
    });
    env.worker({
      taskQueue: 'hb',
      workflows: [wf],
      activities,
      hooks: { onActivityAttempt: (e) => attempts.push(e) },
    });
    const t0 = performance.now();
    const handle = await env.baton.client.start(wf, { taskQueue: 'hb' });
    expect(await handle.result()).toBe(9);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1100 - TOLERANCE_MS);
    expect(seen).toEqual([undefined, 9]);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'timed out'],
      [2, 'completed'],
    ]);
    expect(attempts[0]!.error).toContain('HEARTBEAT');
    expect(attempts[0]!.elapsedMs).toBeGreaterThanOrEqual(1100 - TOLERANCE_MS);
  }, 15_000);
});
