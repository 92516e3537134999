import { describe, expect, test } from 'vitest';
import { ActivityFailure, defineWorkflow, TimeoutFailure, WorkflowFailedError } from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

const calls: { activity: string; attempt: number; worker: string }[] = [];

function serviceActivities(worker: string) {
  return {
    async paralyze(name: string): Promise<string> {
      calls.push({ activity: 'paralyze', attempt: 0, worker });
      return `${name} is paralyzed by ${worker}`;
    },
    async flaky(name: string): Promise<string> {
      const attempt = calls.filter((c) => c.activity === 'flaky').length + 1;
      calls.push({ activity: 'flaky', attempt, worker });
      if (attempt < 3) throw new Error(`flaky attempt ${attempt}`);
      return `${name} after ${attempt} attempts`;
    },
  };
}
type Service = ReturnType<typeof serviceActivities>;

const routed = defineWorkflow('Routed', async (ctx, name: string) => {
  const status = ctx.activities<Service>({
    taskQueue: 'status',
    startToCloseTimeout: '5s',
    retry: { initialInterval: '50ms', maximumAttempts: 5 },
  });
  const a = await status.paralyze(name);
  const b = await status.flaky(name);
  return [a, b];
});

const nobody = defineWorkflow('Nobody', async (ctx) => {
  const act = ctx.activities<Service>({ taskQueue: 'nobody-polls-this', scheduleToCloseTimeout: '3s' });
  return act.paralyze('Mewtwo');
});

const fanOut = defineWorkflow('FanOut', async (ctx, n: number) => {
  const status = ctx.activities<{ stamp: () => Promise<number> }>({
    taskQueue: 'status',
    startToCloseTimeout: '5s',
  });
  return Promise.all(Array.from({ length: n }, () => status.stamp()));
});

const tight = defineWorkflow('TightFanOut', async (ctx, n: number) => {
  const status = ctx.activities<{ stamp: () => Promise<number> }>({
    taskQueue: 'status',
    startToCloseTimeout: '1s',
    retry: { maximumAttempts: 1 },
  });
  return Promise.all(Array.from({ length: n }, () => status.stamp()));
});

describe('activity tasks: activities routed to a task queue', () => {
  test('a rate-limited worker claims a task only when it may start it (no timeout while waiting)', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'capture', workflows: [tight] });
    env.worker({
      taskQueue: 'status',
      maxActivitiesPerSecond: 4,
      activities: { stamp: async () => Date.now() },
    });
    const stamps = await env.baton.client.execute(tight, { taskQueue: 'capture', args: [6] });
    expect(stamps).toHaveLength(6);
  });

  test('maxActivitiesPerSecond spaces the attempts a worker starts', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'capture', workflows: [fanOut] });
    env.worker({
      taskQueue: 'status',
      maxActivitiesPerSecond: 20,
      activities: { stamp: async () => performance.now() },
    });
    const before = performance.now();
    const stamps = (await env.baton.client.execute(fanOut, { taskQueue: 'capture', args: [6] })).sort(
      (a, b) => a - b,
    );
    // The six are scheduled at once; the limiter lets one start every 50 ms, so the sixth starts at
    // least 250 ms after the first permit, which came after \`before\`. (The gaps between the starts
    // themselves also hold each attempt's claim, whose time varies with the machine's load.)
    expect(stamps).toHaveLength(6);
    expect(stamps.at(-1)! - before).toBeGreaterThanOrEqual(250 - 5);
  });

  test('run on a worker polling that queue; retries stay with the owner', async () => {
    calls.length = 0;
    const env = await openTestEnv();
    env.worker({ taskQueue: 'capture', workflows: [routed] });
    env.worker({
      taskQueue: 'status',
      identity: 'status-worker',
      activities: serviceActivities('status-worker'),
    });
    const handle = await env.baton.client.start(routed, { taskQueue: 'capture', args: ['Mewtwo'] });
    expect(await handle.result()).toEqual([
      'Mewtwo is paralyzed by status-worker',
      'Mewtwo after 3 attempts',
    ]);
    expect(calls.map((c) => c.worker)).toEqual(Array(4).fill('status-worker'));
    const events = (await handle.fetchHistory()).events;
    const completed = events.filter((e) => e.eventType === 'ActivityTaskCompleted');
    expect(completed).toHaveLength(2);
    const started = events.filter((e) => e.eventType === 'ActivityTaskStarted');
    expect(started.map((e) => e.attrs.attempt)).toEqual([1, 3]);
    // The identity recorded is the worker that ran the attempt, not the workflow's.
    expect(started.every((e) => String(e.attrs.identity).includes('/status-worker-'))).toBe(true);
  });

  test('no worker polls the queue: SCHEDULE_TO_START at the scheduleToClose deadline', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'capture', workflows: [nobody] });
    const t0 = performance.now();
    const handle = await env.baton.client.start(nobody, { taskQueue: 'capture' });
    const error = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2990);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (error as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    const timeout = (activityFailure as ActivityFailure).cause;
    expect(timeout).toBeInstanceOf(TimeoutFailure);
    expect((timeout as TimeoutFailure).timeoutType).toBe('SCHEDULE_TO_START');
    // No worker took the attempt: its ActivityTaskStarted names none.
    const started = (await handle.fetchHistory()).events.find((e) => e.eventType === 'ActivityTaskStarted');
    expect(started?.attrs.identity).toBeUndefined();
  });
});
