import { describe, expect, it } from 'vitest';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  WorkflowFailedError,
  activityContext,
  defineWorkflow,
  type ActivityOptions,
} from '../../src/index.js';
import { eventually, latch, openTestEnv } from '../support/harness.js';

const TOLERANCE_MS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An activity that, once told to stop, takes `stopMs` to do so, then throws. */
function slowToStop(stopMs: number) {
  const seen = { started: latch(), aborted: false, abortedAtMs: 0, stoppedAtMs: 0 };
  const activities = {
    async work(): Promise<string> {
      const signal = activityContext().signal;
      seen.started.release();
      await new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => {
          seen.aborted = true;
          seen.abortedAtMs = performance.now();
          resolve();
        }),
      ).catch(() => undefined);
      await sleep(stopMs);
      seen.stoppedAtMs = performance.now();
      throw signal.reason as Error;
    },
  };
  return { activities, seen };
}

function cancellable(name: string, cancellationType: ActivityOptions['cancellationType']) {
  return defineWorkflow(name, async (ctx) => {
    const options: ActivityOptions = { startToCloseTimeout: '10s' };
    if (cancellationType !== undefined) options.cancellationType = cancellationType;
    await ctx.activities<{ work(): Promise<string> }>(options).work();
  });
}

async function cancelledResult(p: Promise<unknown>): Promise<number> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  return performance.now();
}

describe('activity cancellation types', () => {
  it('WAIT_CANCELLATION_COMPLETED (default): the workflow waits until the activity has stopped', async () => {
    const env = await openTestEnv();
    const { activities, seen } = slowToStop(400);
    const wf = cancellable('WaitCancel', undefined);
    env.worker({ taskQueue: 'c', workflows: [wf], activities });
    const h = await env.baton.client.start(wf, { taskQueue: 'c' });
    await seen.started.promise;
    const t0 = performance.now();
    await h.cancel();
    const endedAt = await cancelledResult(h.result());
    expect(seen.aborted).toBe(true);
    expect(endedAt - t0).toBeGreaterThanOrEqual(400 - TOLERANCE_MS);
    const types = (await h.fetchHistory()).events.map((e) => e.eventType);
    expect(types.slice(-5)).toEqual([
      'WorkflowExecutionCancelRequested',
      'ActivityTaskCancelRequested',
      'ActivityTaskStarted',
      'ActivityTaskCanceled',
      'WorkflowExecutionCanceled',
    ]);
  });

  it('TRY_CANCEL: the activity is told, and the workflow does not wait for it', async () => {
    const env = await openTestEnv();
    const { activities, seen } = slowToStop(3000);
    const wf = cancellable('TryCancel', 'TRY_CANCEL');
    env.worker({ taskQueue: 'c', workflows: [wf], activities, shutdownGraceTime: 10 });
    const h = await env.baton.client.start(wf, { taskQueue: 'c' });
    await seen.started.promise;
    await h.cancel();
    await cancelledResult(h.result());
    expect(seen.stoppedAtMs, 'the workflow ended before its activity stopped').toBe(0);
    await eventually(() => (seen.aborted ? true : undefined));
    const types = (await h.fetchHistory()).events.map((e) => e.eventType);
    expect(types).toContain('ActivityTaskCancelRequested');
    expect(types.at(-1)).toBe('WorkflowExecutionCanceled');
  });

  it('ABANDON: the activity is not told and runs on; the workflow does not wait', async () => {
    const env = await openTestEnv();
    const { activities, seen } = slowToStop(0);
    const wf = cancellable('Abandon', 'ABANDON');
    env.worker({ taskQueue: 'c', workflows: [wf], activities, shutdownGraceTime: 10 });
    const h = await env.baton.client.start(wf, { taskQueue: 'c' });
    await seen.started.promise;
    await h.cancel();
    await cancelledResult(h.result());
    expect(seen.aborted).toBe(false);
    expect((await h.fetchHistory()).events.map((e) => e.eventType)).not.toContain(
      'ActivityTaskCancelRequested',
    );
  });
});

describe('cancellation scopes', () => {
  it('cleanup in a nonCancellable scope runs after a cancellation, and the execution ends Canceled', async () => {
    const env = await openTestEnv();
    const { activities, seen } = slowToStop(0);
    let cleaned = 0;
    const wf = defineWorkflow('Cleanup', async (ctx) => {
      const act = ctx.activities<typeof activities & { cleanup(): Promise<void> }>({
        startToCloseTimeout: '10s',
      });
      try {
        await act.work();
      } finally {
        await ctx.nonCancellable(() => act.cleanup());
      }
    });
    env.worker({
      taskQueue: 'c',
      workflows: [wf],
      activities: { ...activities, cleanup: async () => void cleaned++ },
    });
    const h = await env.baton.client.start(wf, { taskQueue: 'c' });
    await seen.started.promise;
    await h.cancel();
    await cancelledResult(h.result());
    expect(cleaned).toBe(1);
  });

  it('scope.cancel() cancels what the scope started, and only that', async () => {
    const env = await openTestEnv();
    const wf = defineWorkflow('ManualScope', async (ctx) => {
      const outside = ctx.sleep(50);
      const inside = await ctx
        .cancellable(async (scope) => {
          const nap = ctx.sleep('1h');
          scope.cancel('enough');
          await nap;
          return 'slept';
        })
        .catch((err: unknown) => `${(err as Error).name}: ${(err as Error).message}`);
      await outside;
      return inside;
    });
    env.worker({ taskQueue: 'c', workflows: [wf] });
    const h = await env.baton.client.start(wf, { taskQueue: 'c' });
    expect(await h.result()).toBe('CancelledFailure: enough');
    const types = (await h.fetchHistory()).events.map((e) => e.eventType);
    expect(types.filter((t) => t === 'TimerCanceled')).toHaveLength(1);
    expect(types.filter((t) => t === 'TimerFired')).toHaveLength(1);
  });

  it('withTimeout cancels what it waits on after the timeout', async () => {
    const env = await openTestEnv();
    const { activities } = slowToStop(0);
    const wf = defineWorkflow('WithTimeout', async (ctx) => {
      const act = ctx.activities<typeof activities>({ startToCloseTimeout: '10s' });
      const t0 = ctx.now();
      try {
        await ctx.withTimeout(300, () => act.work());
        return 'finished';
      } catch (err) {
        return `${(err as Error).name} after ${ctx.now() - t0} ms`;
      }
    });
    env.worker({ taskQueue: 'c', workflows: [wf], activities });
    const result = await env.baton.client.execute(wf, { taskQueue: 'c' });
    const [name, , ms] = result.split(' ');
    expect(name).toBe('ActivityFailure');
    expect(Number(ms)).toBeGreaterThanOrEqual(300 - TOLERANCE_MS);
  });
});

describe('sagas', () => {
  function sagaActivities(failing: string[]) {
    const calls: string[] = [];
    const step = (name: string) => async (): Promise<string> => {
      calls.push(name);
      if (failing.includes(name)) throw ApplicationFailure.nonRetryable(`${name} failed`, `${name}Failed`);
      return name;
    };
    return {
      calls,
      activities: { a: step('a'), b: step('b'), c: step('c'), undoA: step('undoA'), undoB: step('undoB') },
    };
  }
  type Acts = ReturnType<typeof sagaActivities>['activities'];
  const saga = (name: string, continueWithError: boolean) =>
    defineWorkflow(name, async (ctx) => {
      const act = ctx.activities<Acts>({
        startToCloseTimeout: '5s',
        retry: { maximumAttempts: 2, initialInterval: 10 },
      });
      return ctx.saga(
        async (s) => {
          await act.a();
          s.addCompensation(() => act.undoA());
          await act.b();
          s.addCompensation(() => act.undoB());
          return act.c();
        },
        { continueWithError },
      );
    });

  it('a failure at a middle step compensates the completed steps once each, in reverse order', async () => {
    const env = await openTestEnv();
    const { calls, activities } = sagaActivities(['c']);
    const wf = saga('SagaMiddle', false);
    env.worker({ taskQueue: 's', workflows: [wf], activities });
    const err = await env.baton.client.execute(wf, { taskQueue: 's' }).catch((e: unknown) => e);
    expect(calls).toEqual(['a', 'b', 'c', 'undoB', 'undoA']);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ActivityFailure;
    expect(cause).toBeInstanceOf(ActivityFailure);
    expect(cause.activityType).toBe('c');
    expect((cause.cause as ApplicationFailure).type).toBe('cFailed');
  });

  it('a failing compensation does not stop the ones after it (continueWithError); every error is collected', async () => {
    const env = await openTestEnv();
    const { calls, activities } = sagaActivities(['c', 'undoB']);
    const wf = saga('SagaCompensationFails', true);
    env.worker({ taskQueue: 's', workflows: [wf], activities });
    const err = await env.baton.client.execute(wf, { taskQueue: 's' }).catch((e: unknown) => e);
    expect(calls).toEqual(['a', 'b', 'c', 'undoB', 'undoA']);
    const failure = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe('SagaCompensationFailed');
    expect((failure.cause as ActivityFailure).activityType).toBe('c');
    expect(failure.details).toHaveLength(1);
    expect((failure.details[0] as ActivityFailure).activityType).toBe('undoB');
  });

  it('cancelling while a heartbeating step runs stops it, compensates, and ends Canceled', async () => {
    const env = await openTestEnv();
    const calls: string[] = [];
    const bRunning = latch();
    const activities = {
      a: async () => void calls.push('a'),
      undoA: async () => void calls.push('undoA'),
      b: async () => {
        calls.push('b');
        bRunning.release();
        for (;;) {
          activityContext().heartbeat(); // throws CancelledFailure once cancellation is requested
          await sleep(20);
        }
      },
    };
    const wf = defineWorkflow('SagaCancelled', async (ctx) => {
      const act = ctx.activities<typeof activities>({ startToCloseTimeout: '10s', heartbeatTimeout: '5s' });
      return ctx.saga(async (s) => {
        await act.a();
        s.addCompensation(() => act.undoA());
        await act.b();
      });
    });
    env.worker({ taskQueue: 's', workflows: [wf], activities });
    const h = await env.baton.client.start(wf, { taskQueue: 's' });
    await bRunning.promise;
    await h.cancel();
    await cancelledResult(h.result());
    expect(calls).toEqual(['a', 'b', 'undoA']);
    expect((await h.describe()).status).toBe('CANCELED');
  });

  it('parallelCompensation runs every compensation at once', async () => {
    const env = await openTestEnv();
    const started: string[] = [];
    const release = latch();
    const undo = (name: string) => async (): Promise<void> => {
      started.push(name);
      await release.promise;
    };
    const activities = {
      a: async () => 'a',
      b: async () => 'b',
      boom: async () => {
        throw ApplicationFailure.nonRetryable('boom');
      },
      undoA: undo('undoA'),
      undoB: undo('undoB'),
    };
    const wf = defineWorkflow('SagaParallel', async (ctx) => {
      const act = ctx.activities<typeof activities>({ startToCloseTimeout: '5s' });
      return ctx.saga(
        async (s) => {
          await act.a();
          s.addCompensation(() => act.undoA());
          await act.b();
          s.addCompensation(() => act.undoB());
          await act.boom();
        },
        { parallelCompensation: true },
      );
    });
    env.worker({ taskQueue: 's', workflows: [wf], activities });
    const h = await env.baton.client.start(wf, { taskQueue: 's' });
    await eventually(() => (started.length === 2 ? true : undefined));
    expect([...started].sort()).toEqual(['undoA', 'undoB']);
    release.release();
    const err = await h.result().catch((e: unknown) => e);
    expect(((err as WorkflowFailedError).cause as ActivityFailure).activityType).toBe('boom');
  });
});
