import { describe, expect, it } from 'vitest';
import {
  ActivityFailure,
  ApplicationFailure,
  WorkflowFailedError,
  defineWorkflow,
  type RetryPolicy,
} from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

const TOLERANCE_MS = 5;

/** Activities that fail as told and record when each attempt started (monotonic clock). */
function failing(kind: 'plain' | 'nonRetryable' | 'typed', errorName = 'Boom') {
  const startsMs: number[] = [];
  const activities = {
    async flaky(): Promise<string> {
      startsMs.push(performance.now());
      const n = startsMs.length;
      if (kind === 'nonRetryable') throw ApplicationFailure.nonRetryable(`attempt ${n} refused`, 'Refused');
      const err = new Error(`attempt ${n} failed`);
      err.name = errorName;
      throw err;
    },
  };
  return { activities, startsMs };
}

function retryWorkflow(name: string, retry: RetryPolicy) {
  return defineWorkflow(name, async (ctx) => {
    const act = ctx.activities<{ flaky(): Promise<string> }>({ startToCloseTimeout: '5s', retry });
    return act.flaky();
  });
}

async function failureOf(p: Promise<unknown>): Promise<WorkflowFailedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  return err as WorkflowFailedError;
}

describe('activity retries (Temporal policy, no jitter)', () => {
  it('an always-failing activity makes exactly maximumAttempts attempts with the exponential gaps', async () => {
    const env = await openTestEnv();
    const { activities, startsMs } = failing('plain');
    const wf = retryWorkflow('Retry8', {
      initialInterval: 100,
      backoffCoefficient: 2,
      maximumInterval: 1000,
      maximumAttempts: 8,
    });
    env.worker({ taskQueue: 'retries', workflows: [wf], activities });
    const err = await failureOf(env.baton.client.execute(wf, { taskQueue: 'retries' }));
    expect(startsMs).toHaveLength(8);
    const expected = [100, 200, 400, 800, 1000, 1000, 1000];
    const gaps = startsMs.slice(1).map((t, i) => t - startsMs[i]!);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(expected[i]! - TOLERANCE_MS);
      expect(gap).toBeLessThan(expected[i]! * 3);
    });
    const activityFailure = err.cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect(activityFailure.activityType).toBe('flaky');
    expect(activityFailure.attempt).toBe(8);
    expect(activityFailure.retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
    expect(activityFailure.cause).toBeInstanceOf(ApplicationFailure);
    expect((activityFailure.cause as ApplicationFailure).message).toBe('attempt 8 failed');
    expect((activityFailure.cause as ApplicationFailure).type).toBe('Boom');
    const history = await env.baton.client.getHandle(err.workflowId).fetchHistory();
    const types = history.events.map((e) => e.eventType);
    expect(types.filter((t) => t === 'ActivityTaskStarted')).toHaveLength(1);
    expect(types.filter((t) => t === 'ActivityTaskFailed')).toHaveLength(1);
    const started = history.events.find((e) => e.eventType === 'ActivityTaskStarted');
    expect(started?.eventType === 'ActivityTaskStarted' && started.attrs.attempt).toBe(8);
    const lastFailure = env.baton.converter.fromPayload<ApplicationFailure>(started!.payload!);
    expect(lastFailure.message).toBe('attempt 7 failed');
  }, 20_000);

  it('a non-retryable ApplicationFailure makes one attempt', async () => {
    const env = await openTestEnv();
    const { activities, startsMs } = failing('nonRetryable');
    const wf = retryWorkflow('NonRetryable', { initialInterval: 10, maximumAttempts: 5 });
    env.worker({ taskQueue: 'retries', workflows: [wf], activities });
    const err = await failureOf(env.baton.client.execute(wf, { taskQueue: 'retries' }));
    expect(startsMs).toHaveLength(1);
    expect((err.cause as ActivityFailure).retryState).toBe('NON_RETRYABLE_FAILURE');
    expect(((err.cause as ActivityFailure).cause as ApplicationFailure).nonRetryable).toBe(true);
  });

  it('a type listed in nonRetryableErrorTypes makes one attempt; matching is exact', async () => {
    const env = await openTestEnv();
    const listed = failing('typed', 'PokemonFled');
    const otherCase = failing('typed', 'pokemonfled');
    const policy = { initialInterval: 10, maximumAttempts: 3, nonRetryableErrorTypes: ['PokemonFled'] };
    const wfListed = retryWorkflow('Listed', policy);
    const wfOther = retryWorkflow('OtherCase', policy);
    env.worker({ taskQueue: 'listed', workflows: [wfListed], activities: listed.activities });
    env.worker({ taskQueue: 'other', workflows: [wfOther], activities: otherCase.activities });
    const e1 = await failureOf(env.baton.client.execute(wfListed, { taskQueue: 'listed' }));
    const e2 = await failureOf(env.baton.client.execute(wfOther, { taskQueue: 'other' }));
    expect(listed.startsMs).toHaveLength(1);
    expect((e1.cause as ActivityFailure).retryState).toBe('NON_RETRYABLE_FAILURE');
    expect(otherCase.startsMs).toHaveLength(3);
    expect((e2.cause as ActivityFailure).retryState).toBe('MAXIMUM_ATTEMPTS_REACHED');
  });

  it('a failure that succeeds on a later attempt completes with one ActivityTaskCompleted', async () => {
    const env = await openTestEnv();
    let calls = 0;
    const activities = {
      async flaky(): Promise<string> {
        calls++;
        if (calls < 3) throw new Error(`attempt ${calls} failed`);
        return `ok on ${calls}`;
      },
    };
    const wf = retryWorkflow('Eventually', { initialInterval: 10 });
    env.worker({ taskQueue: 'ok', workflows: [wf], activities });
    const handle = await env.baton.client.start(wf, { taskQueue: 'ok' });
    expect(await handle.result()).toBe('ok on 3');
    const { events } = await handle.fetchHistory();
    expect(events.map((e) => e.eventType)).toEqual([
      'WorkflowExecutionStarted',
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
      'WorkflowExecutionCompleted',
    ]);
    expect(events[2]!.eventType === 'ActivityTaskStarted' && events[2].attrs.attempt).toBe(3);
  });
});
