import { describe, expect, it } from 'vitest';
import { WorkflowExecutionAlreadyStartedError, defineWorkflow } from '../../src/index.js';
import { runTs } from '../support/child.js';
import { eventually, latch, openTestEnv } from '../support/harness.js';

describe('workflowId uniqueness', () => {
  it('starting a running workflowId again fails with WorkflowExecutionAlreadyStartedError', async () => {
    const env = await openTestEnv();
    const gate = latch();
    const wf = defineWorkflow('Blocker', async (ctx) => {
      await ctx.activities<{ wait(): Promise<void> }>({ startToCloseTimeout: '30s' }).wait();
      return 'done';
    });
    env.worker({ taskQueue: 'race', workflows: [wf], activities: { wait: () => gate.promise } });
    const first = await env.baton.client.start(wf, { taskQueue: 'race', workflowId: 'only-one' });
    const again = await env.baton.client
      .start(wf, { taskQueue: 'race', workflowId: 'only-one' })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    expect((again as WorkflowExecutionAlreadyStartedError).runId).toBe(first.runId);
    expect((again as Error).message).toContain("'only-one'");
    gate.release();
    expect(await first.result()).toBe('done');
    const rejected = await env.baton.client
      .start(wf, { taskQueue: 'race', workflowId: 'only-one', workflowIdReusePolicy: 'REJECT_DUPLICATE' })
      .catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    const second = await env.baton.client.start(wf, { taskQueue: 'race', workflowId: 'only-one' });
    expect(second.runId).not.toBe(first.runId);
    expect(await second.result()).toBe('done');
  });

  it('10 concurrent starts of one id from two processes yield one runId and nine errors', async () => {
    const env = await openTestEnv();
    const gate = latch();
    const wf = defineWorkflow('Blocker', async (ctx) => {
      await ctx.activities<{ wait(): Promise<void> }>({ startToCloseTimeout: '30s' }).wait();
      return 'released';
    });
    let waiting = 0;
    env.worker({
      taskQueue: 'race',
      workflows: [wf],
      activities: {
        wait: () => {
          waiting++;
          return gate.promise;
        },
      },
    });
    const children = [1, 2].map(() => runTs('test/fixtures/start-many.ts', [env.url, 'raced', '5']));
    const exits = await Promise.all(children.map((c) => c.exited));
    expect(
      exits.map((e) => e.code),
      children.map((c) => c.stderr()).join('\n'),
    ).toEqual([0, 0]);
    const outcomes = children.flatMap((c) => JSON.parse(c.stdout()) as { runId?: string; error?: string }[]);
    const runIds = outcomes.filter((o) => o.runId !== undefined).map((o) => o.runId);
    expect(runIds).toHaveLength(1);
    expect(outcomes.filter((o) => o.error === 'WorkflowExecutionAlreadyStartedError')).toHaveLength(9);
    await eventually(() => (waiting === 1 ? true : undefined));
    const handle = env.baton.client.getHandle('raced');
    expect((await handle.describe()).status).toBe('RUNNING');
    gate.release();
    expect(await handle.result()).toBe('released');
    expect((await handle.describe()).runId).toBe(runIds[0]);
    expect(waiting).toBe(1);
  }, 30_000);
});
