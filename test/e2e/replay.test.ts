import { describe, expect, it } from 'vitest';
import { NonDeterminismError, defineWorkflow } from '../../src/index.js';
import { eventually, latch, openTestEnv } from '../support/harness.js';

function activities(counts: Record<string, number>, gate: Promise<void>) {
  const count = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);
  return {
    async A(): Promise<string> {
      count('A');
      return 'a';
    },
    async B(): Promise<string> {
      count('B');
      return 'b';
    },
    async C(): Promise<string> {
      count('C');
      return 'c';
    },
    async D(): Promise<string> {
      count('D');
      await gate;
      return 'd';
    },
  };
}
type Acts = ReturnType<typeof activities>;
const options = { startToCloseTimeout: '30s', retry: { initialInterval: 20 } } as const;

const original = defineWorkflow('Pipeline', async (ctx) => {
  const act = ctx.activities<Acts>(options);
  const a = await act.A();
  const b = await act.B();
  const d = await act.D();
  return a + b + d;
});
const changed = defineWorkflow('Pipeline', async (ctx) => {
  const act = ctx.activities<Acts>(options);
  const a = await act.A();
  const c = await act.C();
  const d = await act.D();
  return a + c + d;
});

describe('replay and non-determinism', () => {
  it('code that diverges from the history raises NonDeterminismError; the execution waits for fixed code', async () => {
    const env = await openTestEnv();
    const counts: Record<string, number> = {};
    const never = latch();
    const w1 = env.worker({
      taskQueue: 'nd',
      workflows: [original],
      activities: activities(counts, never.promise),
      shutdownGraceTime: 50,
    });
    const handle = await env.baton.client.start(original, { taskQueue: 'nd', workflowId: 'pipeline-1' });
    await eventually(async () =>
      (await handle.describe()).pendingActivities[0]?.activityType === 'D' ? true : undefined,
    );
    await w1.shutdown();

    const failures: Error[] = [];
    const w2 = env.worker({
      taskQueue: 'nd',
      workflows: [changed],
      activities: activities(counts, never.promise),
      hooks: { onWorkflowTaskFailed: (e) => failures.push(e.error) },
    });
    await eventually(() => (failures.length > 0 ? true : undefined));
    await w2.shutdown();
    const nd = failures[0] as NonDeterminismError;
    expect(nd).toBeInstanceOf(NonDeterminismError);
    const { events } = await handle.fetchHistory();
    const scheduledB = events.find(
      (e) => e.eventType === 'ActivityTaskScheduled' && e.attrs.activityType === 'B',
    );
    expect(nd.eventId).toBe(scheduledB!.eventId);
    expect(nd.expected).toContain("'B'");
    expect(nd.actual).toContain("'C'");
    expect(nd.message).toContain(`event ${scheduledB!.eventId}`);
    const described = await handle.describe();
    expect(described.status).toBe('RUNNING');
    expect(described.workflowTaskFailure?.message).toContain('NonDeterminismError');
    expect(described.workflowTaskFailure?.message).toContain("'B'");
    expect(counts.C).toBeUndefined();

    const released = latch();
    released.release();
    env.worker({ taskQueue: 'nd', workflows: [original], activities: activities(counts, released.promise) });
    expect(await handle.result()).toBe('abd');
    expect(counts).toEqual({ A: 1, B: 1, D: 2 });
    expect((await handle.describe()).workflowTaskFailure).toBeUndefined();
    const after = await handle.fetchHistory();
    expect(after.events.filter((e) => e.eventType === 'ActivityTaskCompleted')).toHaveLength(3);
    never.release();
  });

  it('a plain bug in workflow code fails the workflow task, not the execution, and is retried', async () => {
    const env = await openTestEnv();
    let broken = true;
    const wf = defineWorkflow('Buggy', async (ctx) => {
      const act = ctx.activities<{ A(): Promise<string> }>(options);
      const a = await act.A();
      if (broken) throw new TypeError('a bug in the workflow code');
      return a;
    });
    const failures: Error[] = [];
    env.worker({
      taskQueue: 'bug',
      workflows: [wf],
      activities: { A: async () => 'fixed' },
      hooks: { onWorkflowTaskFailed: (e) => failures.push(e.error) },
    });
    const handle = await env.baton.client.start(wf, { taskQueue: 'bug' });
    await eventually(() => (failures.length > 0 ? true : undefined));
    expect(failures[0]).toBeInstanceOf(TypeError);
    const d = await handle.describe();
    expect(d.status).toBe('RUNNING');
    expect(d.workflowTaskFailure?.message).toBe('TypeError: a bug in the workflow code');
    broken = false; // "deploy" the fix: the retried task (after its 1 s back-off) replays and completes
    expect(await handle.result()).toBe('fixed');
    const { events } = await handle.fetchHistory();
    expect(events.filter((e) => e.eventType === 'ActivityTaskCompleted')).toHaveLength(1);
  });
});
