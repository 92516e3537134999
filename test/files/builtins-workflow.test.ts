import { describe, expect, it } from 'vitest';
import {
  ActivityContext,
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ValidationError,
  WorkflowFailedError,
  defineWorkflow,
} from '../../src/index.js';
import { activityContext, runInActivityContext } from '../../src/activity/context.js';
import { createBuiltinActivities } from '../../src/dsl/files/builtins/activities.js';
import { BUILTIN, BUILTIN_FAILURE, type WorkflowCallArg } from '../../src/dsl/files/builtins/types.js';
import {
  CHILD_START_REFUSED,
  createWorkflowCallActivity,
} from '../../src/dsl/files/builtins/workflow-call.js';
import type { FileWorkflow } from '../../src/dsl/files/types.js';
import { eventually, latch, openTestEnv, type TestEnv } from '../support/harness.js';

const QUEUE = 'files';

/**
 * A file workflow as a loader would give it: `greet@1`, input `{ name, fail? }` (name required);
 * when `held`, it first waits for the `hold` activity (the test's gate).
 */
function greetFile(held = false): FileWorkflow {
  const definition = defineWorkflow('greet@1', async (ctx, input: unknown) => {
    const { name, fail } = input as { name: string; fail?: boolean };
    if (held) await ctx.activities<{ hold(): Promise<void> }>({ startToCloseTimeout: '30s' }).hold();
    if (fail === true) throw ApplicationFailure.nonRetryable(`no greeting for ${name}`, 'GreetRefused');
    return { greeting: `Hello ${name}!` };
  });
  return {
    format: 'baton',
    file: 'greet.yaml',
    name: 'greet',
    version: 1,
    workflowType: 'greet@1',
    definition,
    graph: { nodes: [] },
    prepareInput(input) {
      const value = (input ?? {}) as { name?: unknown };
      if (typeof value.name !== 'string') throw new ValidationError("input 'name' must be a string");
      return { fail: false, ...value };
    },
    references: [],
    warnings: [],
  };
}

function resolver(file: FileWorkflow): (name: string) => FileWorkflow {
  return (name) => {
    if (name === 'greet' || name === 'greet@1') return file;
    throw new ValidationError(`no workflow file named '${name}' (known: greet)`);
  };
}

/** An activity context of attempt `attempt`, as the worker makes one. */
function attemptContext(attempt: number, details?: unknown, signal = new AbortController().signal) {
  const beats: unknown[] = [];
  const ctx = new ActivityContext(
    {
      activityType: BUILTIN.workflow,
      activityId: '1',
      workflowId: 'parent',
      runId: 'r',
      workflowType: 'p',
      taskQueue: QUEUE,
      attempt,
    },
    () => signal,
    details,
    (d) => beats.push(d),
  );
  return { ctx, beats };
}

async function setup(
  file: FileWorkflow,
  gate?: Promise<void>,
): Promise<{ env: TestEnv; call: (arg: WorkflowCallArg) => Promise<unknown> }> {
  const env = await openTestEnv();
  // Waits for the gate, or stops when its attempt is cancelled (a cancelled child stops at once).
  const hold = (): Promise<void> => {
    const signal = activityContext().signal;
    return new Promise<void>((resolve, reject) => {
      void (gate ?? Promise.resolve()).then(resolve);
      signal.addEventListener('abort', () => reject(signal.reason as Error));
    });
  };
  env.worker({ taskQueue: QUEUE, workflows: [file.definition], activities: { hold } });
  const call = createWorkflowCallActivity({
    client: env.baton.client,
    resolve: resolver(file),
    heartbeatEveryMs: 20,
  });
  return { env, call };
}

const arg = (input: unknown, extra: Partial<WorkflowCallArg> = {}): WorkflowCallArg => ({
  workflow: 'greet',
  input,
  workflowId: 'parent/say_hello',
  taskQueue: QUEUE,
  ...extra,
});

describe('baton.workflow', () => {
  it("starts the child under the given workflowId with its prepared input, and returns the child's result", async () => {
    const { env, call } = await setup(greetFile());
    expect(await call(arg({ name: 'Sacha' }))).toEqual({ greeting: 'Hello Sacha!' });
    const [child] = await env.baton.client.list({ workflowId: 'parent/say_hello' });
    expect(child).toMatchObject({ workflowType: 'greet@1', status: 'COMPLETED', taskQueue: QUEUE });
  });

  it('with wait: false returns the started run at once', async () => {
    const gate = latch();
    const { env, call } = await setup(greetFile(true), gate.promise);
    const started = (await call(arg({ name: 'Ondine' }, { wait: false }))) as {
      workflowId: string;
      runId: string;
    };
    expect(started.workflowId).toBe('parent/say_hello');
    expect((await env.baton.client.getHandle(started.workflowId).describe()).runId).toBe(started.runId);
    gate.release();
    expect(await env.baton.client.getHandle(started.workflowId, started.runId).result()).toEqual({
      greeting: 'Hello Ondine!',
    });
  });

  it('a failed child is a non-retryable ChildWorkflowFailed with the child failure as cause', async () => {
    const { call } = await setup(greetFile());
    const error = await call(arg({ name: 'Regis', fail: true })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    const failure = error as ApplicationFailure;
    expect(failure.type).toBe(BUILTIN_FAILURE.childFailed);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(
      "child workflow 'greet' (workflowId 'parent/say_hello') failed: no greeting for Regis",
    );
    expect((failure.cause as ApplicationFailure).type).toBe('GreetRefused');
    expect(failure.details[0]).toMatchObject({ workflowId: 'parent/say_hello' });
  });

  it('refuses, not retryable, an unknown workflow and an input its prepareInput refuses (nothing started)', async () => {
    const { env, call } = await setup(greetFile());
    const unknown = (await call(arg({ name: 'x' }, { workflow: 'nope' })).catch(
      (e: unknown) => e,
    )) as ApplicationFailure;
    expect(unknown.type).toBe(CHILD_START_REFUSED);
    expect(unknown.nonRetryable).toBe(true);
    expect(unknown.message).toContain("child workflow 'nope' is unknown: no workflow file named 'nope'");
    const bad = (await call(arg({ name: 42 })).catch((e: unknown) => e)) as ApplicationFailure;
    expect(bad.type).toBe(CHILD_START_REFUSED);
    expect(bad.message).toBe("input of child workflow 'greet@1' refused: input 'name' must be a string");
    expect(await env.baton.client.list({})).toEqual([]);
  });

  it('a retried attempt attaches to the running child instead of starting another, and heartbeats', async () => {
    const gate = latch();
    const { env, call } = await setup(greetFile(true), gate.promise);
    const first = await env.baton.client.start('greet@1', {
      workflowId: 'parent/say_hello',
      taskQueue: QUEUE,
      args: [{ name: 'Pierre' }],
    });
    const { ctx, beats } = attemptContext(2);
    const result = runInActivityContext(ctx, () => call(arg({ name: 'Pierre' })));
    await eventually(() => (beats.length >= 3 ? true : undefined));
    gate.release();
    expect(await result).toEqual({ greeting: 'Hello Pierre!' });
    expect(beats[0]).toEqual({ child: { workflowId: 'parent/say_hello', runId: first.runId } });
    expect(await env.baton.client.list({ workflowId: 'parent/say_hello' })).toHaveLength(1);
  });

  it("a later attempt resumes from the earlier attempt's heartbeat, even once the child has closed", async () => {
    const { env, call } = await setup(greetFile());
    const first = await env.baton.client.start('greet@1', {
      workflowId: 'parent/say_hello',
      taskQueue: QUEUE,
      args: [{ name: 'Flora' }],
    });
    await first.result();
    const { ctx } = attemptContext(2, { child: { workflowId: 'parent/say_hello', runId: first.runId } });
    expect(await runInActivityContext(ctx, () => call(arg({ name: 'Flora' })))).toEqual({
      greeting: 'Hello Flora!',
    });
    expect(await env.baton.client.list({ workflowId: 'parent/say_hello' })).toHaveLength(1);
  });

  it('a cancelled attempt stops waiting, cancels the child and throws the cancellation', async () => {
    const gate = latch();
    const { env, call } = await setup(greetFile(true), gate.promise);
    const controller = new AbortController();
    const { ctx, beats } = attemptContext(1, undefined, controller.signal);
    const result = runInActivityContext(ctx, () => call(arg({ name: 'Jessie' }))).catch((e: unknown) => e);
    await eventually(() => (beats.length >= 1 ? true : undefined));
    controller.abort(new CancelledFailure('parent cancelled'));
    const error = await result;
    expect(error).toBeInstanceOf(CancelledFailure);
    const childResult = await env.baton.client
      .getHandle('parent/say_hello')
      .result()
      .catch((e: unknown) => e);
    expect(childResult).toBeInstanceOf(WorkflowFailedError);
    expect((childResult as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    gate.release();
  });

  it('runs from a parent workflow through a worker, with the other built-ins registered', async () => {
    const env = await openTestEnv();
    const file = greetFile();
    const parent = defineWorkflow('parent@1', async (ctx, name: string) => {
      const acts = ctx.activities<Record<string, (a: unknown) => Promise<unknown>>>({
        startToCloseTimeout: '30s',
      });
      const echoed = await acts[BUILTIN.echo]!({ name });
      const child = await acts[BUILTIN.workflow]!({
        workflow: 'greet',
        input: echoed,
        workflowId: `${ctx.info.workflowId}/say_hello`,
        taskQueue: ctx.info.taskQueue,
      } satisfies WorkflowCallArg);
      const failed = await acts[BUILTIN.workflow]!({
        workflow: 'greet',
        input: { name, fail: true },
        workflowId: `${ctx.info.workflowId}/say_no`,
        taskQueue: ctx.info.taskQueue,
      }).catch((e: unknown) => e);
      const cause = failed instanceof ActivityFailure ? (failed.cause as ApplicationFailure) : undefined;
      return { child, failedType: cause?.type, retryState: (failed as ActivityFailure).retryState };
    });
    env.worker({
      taskQueue: QUEUE,
      workflows: [parent, file.definition],
      activities: createBuiltinActivities({ client: env.baton.client, resolve: resolver(file) }),
    });
    const result = await env.baton.client.execute(parent, {
      taskQueue: QUEUE,
      workflowId: 'p1',
      args: ['Misty'],
    });
    expect(result).toEqual({
      child: { greeting: 'Hello Misty!' },
      failedType: BUILTIN_FAILURE.childFailed,
      retryState: 'NON_RETRYABLE_FAILURE',
    });
    const ids = (await env.baton.client.list({ workflowIdContains: 'p1/' })).map((e) => e.workflowId).sort();
    expect(ids).toEqual(['p1/say_hello', 'p1/say_no']);
  });
});
