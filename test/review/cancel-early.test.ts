import { describe, expect, it } from 'vitest';
import { WorkflowFailedError, defineWorkflow } from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

// A cancel request that is already in the inbox when a worker claims the execution (here: cancel
// before any worker ran the first workflow task) must end the execution Canceled.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cancellation before the first workflow task', () => {
  it('cancel before any worker ran the first workflow task: no activity runs, the execution ends Canceled', async () => {
    const env = await openTestEnv();
    let ran = 0;
    const activities = {
      async act(): Promise<void> {
        ran++;
      },
    };
    const wf = defineWorkflow('CancelEarly', async (ctx) => {
      await ctx.activities<typeof activities>({ startToCloseTimeout: '5s' }).act();
    });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
    await handle.cancel('too early');
    const worker = env.worker({ taskQueue: 'q', workflows: [wf], activities });
    const outcome = await Promise.race([
      handle.result().then(
        () => 'completed',
        (e: unknown) => e,
      ),
      sleep(3000).then(() => 'still RUNNING after 3 s'),
    ]);
    const d = await handle.describe();
    const history = (await handle.fetchHistory()).events.map((e) => e.eventType);
    expect({ status: d.status, history, held: worker.heldExecutions, leaseOwner: d.worker }).toEqual({
      status: 'CANCELED',
      history: expect.arrayContaining([
        'WorkflowExecutionCancelRequested',
        'WorkflowExecutionCanceled',
      ]) as unknown,
      held: 0,
      leaseOwner: undefined,
    });
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect(ran).toBe(0);
  });
});
