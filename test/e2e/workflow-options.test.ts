import { describe, expect, it } from 'vitest';
import {
  ApplicationFailure,
  TimeoutFailure,
  WorkflowFailedError,
  defineSignal,
  defineWorkflow,
} from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

const TOLERANCE_MS = 5;
const advance = defineSignal('advance');

const forever = defineWorkflow('Forever', async (ctx) => {
  await ctx.condition(() => false);
});

const staged = defineWorkflow('Staged', async (ctx) => {
  let go = false;
  ctx.setHandler(advance, () => {
    go = true;
  });
  ctx.upsertSearchAttributes({ stage: 'paralyzed', hp: 200 });
  await ctx.condition(() => go);
  ctx.upsertSearchAttributes({ stage: 'attacked', hp: 50 });
  await ctx.condition(() => false);
});

describe('workflow-level options', () => {
  for (const option of ['workflowExecutionTimeout', 'workflowRunTimeout'] as const) {
    it(`${option} closes the execution TIMED_OUT once it has passed`, async () => {
      const env = await openTestEnv();
      env.worker({ taskQueue: 'o', workflows: [forever] });
      const t0 = performance.now();
      const h = await env.baton.client.start(forever, { taskQueue: 'o', [option]: 300 });
      const err = await h.result().catch((e: unknown) => e);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(300 - TOLERANCE_MS);
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause).toBeInstanceOf(TimeoutFailure);
      expect(((err as WorkflowFailedError).cause as Error).message).toContain(option);
      expect((await h.describe()).status).toBe('TIMED_OUT');
      expect((await h.fetchHistory()).events.map((e) => e.eventType).at(-1)).toBe(
        'WorkflowExecutionTimedOut',
      );
    });
  }

  it('memo and search attributes set at start; upserted attributes are list() filters', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'o', workflows: [staged], shutdownGraceTime: 10 });
    const h = await env.baton.client.start(staged, {
      taskQueue: 'o',
      workflowId: 'mewtwo-capture',
      memo: { note: 'caught near Cerulean Cave', level: 70 },
      searchAttributes: { trainer: 'Sacha', since: new Date('2024-02-29T00:00:00Z') },
    });
    await env.baton.client.start(staged, {
      taskQueue: 'o',
      workflowId: 'pikachu-capture',
      searchAttributes: { trainer: 'Ondine' },
    });
    const d = await h.describe();
    expect(d.memo).toEqual({ note: 'caught near Cerulean Cave', level: 70 });
    expect(d.searchAttributes).toMatchObject({ trainer: 'Sacha', since: '2024-02-29T00:00:00.000Z' });
    const ids = async (searchAttributes: Record<string, string | number | boolean>) =>
      (await env.baton.client.list({ searchAttributes })).map((e) => e.workflowId).sort();
    await expect.poll(() => ids({ stage: 'paralyzed' })).toEqual(['mewtwo-capture', 'pikachu-capture']);
    expect(await ids({ trainer: 'Sacha' })).toEqual(['mewtwo-capture']);
    await h.signal(advance);
    await expect.poll(() => ids({ stage: 'attacked' })).toEqual(['mewtwo-capture']);
    expect(await ids({ stage: 'attacked', hp: 50, trainer: 'Sacha' })).toEqual(['mewtwo-capture']);
    expect(await ids({ stage: 'paralyzed' })).toEqual(['pikachu-capture']);
    const types = (await h.fetchHistory()).events.map((e) => e.eventType);
    expect(types.filter((t) => t === 'UpsertWorkflowSearchAttributes')).toHaveLength(2);
    await expect(
      env.baton.client.start(staged, { taskQueue: 'o', searchAttributes: { 'bad name': 1 } }),
    ).rejects.toThrow(/searchAttributes.bad name/);
  });
});

describe('workflow retry policy', () => {
  const flaky = defineWorkflow('FlakyWorkflow', async (ctx) => {
    if (ctx.info.attempt < 3)
      throw ApplicationFailure.retryable(`attempt ${ctx.info.attempt} failed`, 'Flaky');
    return `succeeded on attempt ${ctx.info.attempt}`;
  });

  it('no retries by default: a failed run is final', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'r', workflows: [flaky] });
    const err = await env.baton.client
      .execute(flaky, { taskQueue: 'r', workflowId: 'once' })
      .catch((e: unknown) => e);
    expect(((err as WorkflowFailedError).cause as Error).message).toBe('attempt 1 failed');
    expect(await env.baton.client.list({ workflowId: 'once' })).toHaveLength(1);
  });

  it('a failed run is followed by a new run after the back-off; result() follows the runs', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'r', workflows: [flaky] });
    const t0 = performance.now();
    const h = await env.baton.client.start(flaky, {
      taskQueue: 'r',
      workflowId: 'retried',
      retry: { initialInterval: 100, backoffCoefficient: 2, maximumAttempts: 5 },
    });
    expect(await h.result()).toBe('succeeded on attempt 3');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300 - TOLERANCE_MS);
    const runs = await env.baton.client.list({ workflowId: 'retried' });
    expect(runs.map((r) => r.status)).toEqual(['COMPLETED', 'FAILED', 'FAILED']);
    const first = await env.baton.client.getHandle('retried', h.runId).fetchHistory();
    const closed = first.events.at(-1)!;
    expect(closed.eventType === 'WorkflowExecutionFailed' && closed.attrs.retryState).toBe('IN_PROGRESS');
  });

  it('a non-retryable failure ends the retries', async () => {
    const env = await openTestEnv();
    const fatal = defineWorkflow('Fatal', async () => {
      throw ApplicationFailure.nonRetryable('no way', 'Fatal');
    });
    env.worker({ taskQueue: 'r', workflows: [fatal] });
    const err = await env.baton.client
      .execute(fatal, {
        taskQueue: 'r',
        workflowId: 'fatal',
        retry: { initialInterval: 10, maximumAttempts: 5 },
      })
      .catch((e: unknown) => e);
    expect(((err as WorkflowFailedError).cause as Error).message).toBe('no way');
    expect(await env.baton.client.list({ workflowId: 'fatal' })).toHaveLength(1);
  });
});

const slowUntilThird = defineWorkflow('SlowUntilThirdAttempt', async (ctx) => {
  if (ctx.info.attempt < 3) await ctx.condition(() => false);
  return `attempt ${ctx.info.attempt}`;
});

describe('a run timeout under a workflow retry policy', () => {
  it('is retried as a new run, as Temporal; result() follows the runs', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'o', workflows: [slowUntilThird] });
    const h = await env.baton.client.start(slowUntilThird, {
      taskQueue: 'o',
      workflowId: 'retried-timeout',
      workflowRunTimeout: 300,
      retry: { initialInterval: 50, maximumAttempts: 3 },
    });
    expect(await h.result()).toBe('attempt 3');
    const first = (await h.fetchHistory()).events.at(-1)!;
    expect(first.eventType).toBe('WorkflowExecutionTimedOut');
    expect(first.attrs).toMatchObject({ timeoutType: 'workflowRunTimeout', retryState: 'IN_PROGRESS' });
    expect((await env.baton.client.getHandle('retried-timeout').describe()).status).toBe('COMPLETED');
  });

  it('stops at maximumAttempts, and an execution timeout is never retried', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'o', workflows: [forever] });
    const runs = await env.baton.client.start(forever, {
      taskQueue: 'o',
      workflowRunTimeout: 200,
      retry: { initialInterval: 50, maximumAttempts: 2 },
    });
    const err = await runs.result().catch((e: unknown) => e);
    expect(((err as WorkflowFailedError).cause as Error).message).toContain('workflowRunTimeout');
    const last = await env.baton.client.getHandle(runs.workflowId).describe();
    expect(last.status).toBe('TIMED_OUT');
    expect(last.runId).not.toBe(runs.runId);

    const once = await env.baton.client.start(forever, {
      taskQueue: 'o',
      workflowExecutionTimeout: 200,
      retry: { initialInterval: 50, maximumAttempts: 5 },
    });
    await once.result().catch(() => undefined);
    const closed = (await once.fetchHistory()).events.at(-1)!;
    expect(closed.eventType).toBe('WorkflowExecutionTimedOut');
    expect(closed.attrs).not.toHaveProperty('newExecutionRunId');
  });
});
