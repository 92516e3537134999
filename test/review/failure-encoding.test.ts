import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApplicationFailure,
  WorkflowFailedError,
  defineWorkflow,
  type WorkflowDefinition,
} from '../../src/index.js';
import { openTestEnv, type TestEnv } from '../support/harness.js';

// Failures that cannot be stored (too large, or holding a value the converter refuses) must end
// the execution cleanly, as an unstorable workflow *result* already does (bad-input.test.ts).

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => void process.off('unhandledRejection', onUnhandled));

const LIMIT = 4096;

/**
 * Runs WF on a worker with ACTIVITIES; gives what it returned (or that it was still running after
 * 3 s), the workflow task failures seen meanwhile and its final status.
 */
async function settle(
  env: TestEnv,
  wf: WorkflowDefinition<[], unknown>,
  activities: object,
): Promise<{ outcome: unknown; taskFailures: string[]; status: string }> {
  const taskFailures: string[] = [];
  env.worker({
    taskQueue: 'q',
    workflows: [wf],
    activities,
    hooks: { onWorkflowTaskFailed: (e) => void taskFailures.push(e.error.message.slice(0, 80)) },
  });
  const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
  const outcome = await Promise.race([
    handle.result(),
    new Promise((r) => setTimeout(() => r('still running after 3 s'), 3000)),
  ]);
  const d = await handle.describe();
  return { outcome, taskFailures, status: d.status };
}

/** A workflow NAME that calls the activity `call` once (no retries) and returns what it caught. */
function catchingWorkflow(name: string): WorkflowDefinition<[], string> {
  return defineWorkflow(name, async (ctx) => {
    try {
      await ctx
        .activities<{ call(): Promise<void> }>({ startToCloseTimeout: '5s', retry: { maximumAttempts: 1 } })
        .call();
    } catch (err) {
      const cause = (err as Error).cause as Error | undefined;
      return `saw ${(err as Error).name} caused by ${cause?.name}: ${cause?.message.slice(0, 40)}`;
    }
    return 'no error';
  });
}

describe('failures that cannot be stored', () => {
  it('a workflow that throws an ApplicationFailure with a message over the payload limit ends FAILED (no unhandled rejection)', async () => {
    const env = await openTestEnv({ dataConverter: { payloadLimitBytes: LIMIT } });
    const wf = defineWorkflow('HugeWorkflowFailure', async () => {
      throw ApplicationFailure.nonRetryable('x'.repeat(LIMIT * 2), 'Huge');
    });
    env.worker({ taskQueue: 'q', workflows: [wf] });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
    const outcome = await Promise.race([
      handle.result().then(
        () => 'completed',
        (e: unknown) => e,
      ),
      new Promise((r) => setTimeout(() => r('still running after 3 s'), 3000)),
    ]);
    expect(unhandled.map((e) => String(e))).toEqual([]);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status).toBe('FAILED');
  });

  it('an activity whose error has a cause the converter refuses fails the activity (not the workflow task forever)', async () => {
    const env = await openTestEnv();
    let calls = 0;
    const activities = {
      async call(): Promise<void> {
        calls++;
        // e.g. an HTTP client error whose config holds functions
        throw new Error('request failed', { cause: { config: { transform: () => 1 } } });
      },
    };
    const { outcome, taskFailures, status } = await settle(
      env,
      catchingWorkflow('UnstorableActivityFailure'),
      activities,
    );
    expect({ outcome, calls, taskFailures, status }).toEqual({
      outcome: 'saw ActivityFailure caused by ApplicationFailure: request failed',
      calls: 1,
      taskFailures: [],
      status: 'COMPLETED',
    });
  });

  it('an activity that fails with a message over the payload limit fails the activity (not the workflow task forever)', async () => {
    const env = await openTestEnv({ dataConverter: { payloadLimitBytes: LIMIT } });
    const activities = {
      async call(): Promise<void> {
        throw new Error('y'.repeat(LIMIT * 2));
      },
    };
    const { outcome, taskFailures, status } = await settle(
      env,
      catchingWorkflow('HugeActivityFailure'),
      activities,
    );
    expect({ outcome: String(outcome).slice(0, 60), taskFailures, status }).toEqual({
      outcome: 'saw ActivityFailure caused by ApplicationFailure: yyyyyyyyyyy'.slice(0, 60),
      taskFailures: [],
      status: 'COMPLETED',
    });
  });

  it('a retried activity whose failure cannot be stored as lastFailure does not leave the execution stuck', async () => {
    const env = await openTestEnv();
    let calls = 0;
    const activities = {
      async call(): Promise<string> {
        calls++;
        if (calls === 1) throw new Error('flaky', { cause: { handler: () => 1 } });
        return 'ok';
      },
    };
    const wf = defineWorkflow('UnstorableLastFailure', async (ctx) =>
      ctx.activities<typeof activities>({ startToCloseTimeout: '5s', retry: { initialInterval: 10 } }).call(),
    );
    const { outcome, taskFailures, status } = await settle(env, wf, activities);
    expect({ outcome, calls, taskFailures, status }).toEqual({
      outcome: 'ok',
      calls: 2,
      taskFailures: [],
      status: 'COMPLETED',
    });
  });
});
