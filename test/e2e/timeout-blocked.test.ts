import { expect, it } from 'vitest';
import { TimeoutFailure, WorkflowFailedError, defineWorkflow } from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

const TOLERANCE_MS = 5;

const waiting = defineWorkflow('WaitsForever', async (ctx) => {
  await ctx.condition(() => false);
});

/** Starts a child, sleeps, then hits a bug every time: its workflow task can never succeed. */
const broken = defineWorkflow('BrokenAfterChild', async (ctx) => {
  await ctx.startChild(waiting, { workflowId: `${ctx.info.workflowId}-child` });
  await ctx.sleep(50);
  throw new TypeError('cannot read properties of undefined (reading "hp")');
});

for (const option of ['workflowExecutionTimeout', 'workflowRunTimeout'] as const) {
  it(`${option} ends an execution whose workflow task keeps failing, and its child with it`, async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'blocked', workflows: [broken, waiting] });
    const t0 = performance.now();
    const h = await env.baton.client.start(broken, {
      taskQueue: 'blocked',
      workflowId: `broken-${option}`,
      [option]: 4000,
    });
    const failure = await eventually(async () => (await h.describe()).workflowTaskFailure);
    expect(failure.message).toContain('TypeError');

    const err = await h.result().catch((e: unknown) => e);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(4000 - TOLERANCE_MS);
    // The task's back-off (1 s, 2 s, 4 s) retries at ~1, ~3 and ~7 s: the retry due after the
    // deadline is brought forward to it.
    expect(elapsed).toBeLessThan(6_500);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TimeoutFailure);
    expect(((err as WorkflowFailedError).cause as Error).message).toContain(option);
    const described = await h.describe();
    expect(described.status).toBe('TIMED_OUT');
    expect(described.workflowTaskFailure).toBeUndefined();
    const types = (await h.fetchHistory()).events.map((e) => e.eventType);
    expect(types.at(-1)).toBe('WorkflowExecutionTimedOut');
    expect(types.filter((t) => t === 'WorkflowExecutionTimedOut')).toHaveLength(1);

    // The default parent close policy (TERMINATE) reaches the child.
    const child = env.baton.client.getHandle(`broken-${option}-child`);
    await eventually(async () => ((await child.describe()).status === 'TERMINATED' ? true : undefined));
  }, 30_000);
}

const missingActivity = defineWorkflow('CallsMissingActivity', async (ctx) => {
  await ctx.activities<{ nope(): Promise<void> }>({ startToCloseTimeout: '5s' }).nope();
});

it('a run timeout ends an execution that calls an activity no worker has, once, without a claim loop', async () => {
  const env = await openTestEnv();
  let failedTasks = 0;
  env.worker({
    taskQueue: 'blocked',
    workflows: [missingActivity],
    hooks: { onWorkflowTaskFailed: () => void failedTasks++ },
  });
  const t0 = performance.now();
  const h = await env.baton.client.start(missingActivity, { taskQueue: 'blocked', workflowRunTimeout: 2000 });
  const err = await h.result().catch((e: unknown) => e);
  expect(performance.now() - t0).toBeGreaterThanOrEqual(2000 - TOLERANCE_MS);
  expect(((err as WorkflowFailedError).cause as Error).message).toContain('workflowRunTimeout');
  // Back-off 1 s: tried at ~0 and ~1 s, then closed at the deadline (a loop would fail hundreds).
  expect(failedTasks).toBeGreaterThanOrEqual(1);
  expect(failedTasks).toBeLessThanOrEqual(3);
}, 30_000);

it('an execution of a workflow type no worker has times out at its deadline', async () => {
  const env = await openTestEnv();
  env.worker({ taskQueue: 'blocked', workflows: [waiting] });
  const t0 = performance.now();
  const h = await env.baton.client.start('NobodyHasThisType', {
    taskQueue: 'blocked',
    workflowExecutionTimeout: 1500,
  });
  const failure = await eventually(async () => (await h.describe()).workflowTaskFailure);
  expect(failure.message).toContain("workflow type 'NobodyHasThisType' is not registered");
  const err = await h.result().catch((e: unknown) => e);
  expect(performance.now() - t0).toBeGreaterThanOrEqual(1500 - TOLERANCE_MS);
  expect(((err as WorkflowFailedError).cause as Error).message).toContain('workflowExecutionTimeout');
  const types = (await h.fetchHistory()).events.map((e) => e.eventType);
  expect(types).toEqual(['WorkflowExecutionStarted', 'WorkflowExecutionTimedOut']);
}, 30_000);

it('when the store refuses the timeout close, the task backs off instead of being retried at once', async () => {
  const env = await openTestEnv();
  const store = env.baton.store;
  const commit = store.commit.bind(store);
  let refusing = true;
  let refused = 0;
  store.commit = async (write) => {
    if (refusing && write.close === 'TIMED_OUT') {
      refused++;
      throw new Error('SQLITE_IOERR: disk I/O error (simulated)');
    }
    return commit(write);
  };
  env.worker({ taskQueue: 'blocked', workflows: [waiting] });
  const h = await env.baton.client.start(waiting, { taskQueue: 'blocked', workflowRunTimeout: 300 });
  await eventually(() => (refused > 0 ? true : undefined));
  await new Promise((resolve) => setTimeout(resolve, 2000));
  // Back-off 1 s, then 2 s: at most three tries in those 2 s (a retry loop made thousands).
  expect(refused).toBeLessThanOrEqual(3);
  refusing = false;
  const err = await h.result().catch((e: unknown) => e);
  expect(((err as WorkflowFailedError).cause as Error).message).toContain('workflowRunTimeout');
}, 30_000);

it('signals and a cancel request sent before the deadline are in the history when a later claim times the execution out', async () => {
  const env = await openTestEnv();
  const h = await env.baton.client.start(waiting, {
    taskQueue: 'blocked',
    workflowExecutionTimeout: 500,
  });
  await h.signal('advance', 1);
  await h.signal('advance', 2);
  await h.cancel('Mewtwo fled');
  await new Promise((resolve) => setTimeout(resolve, 600)); // no worker until the deadline has passed
  env.worker({ taskQueue: 'blocked', workflows: [waiting] });
  const err = await h.result().catch((e: unknown) => e);
  expect(((err as WorkflowFailedError).cause as Error).message).toContain('workflowExecutionTimeout');
  const events = (await h.fetchHistory()).events;
  expect(events.map((e) => e.eventType)).toEqual([
    'WorkflowExecutionStarted',
    'WorkflowExecutionSignaled',
    'WorkflowExecutionSignaled',
    'WorkflowExecutionCancelRequested',
    'WorkflowExecutionTimedOut',
  ]);
  expect(events[3]!.attrs).toMatchObject({ reason: 'Mewtwo fled' });
}, 30_000);
