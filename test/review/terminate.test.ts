import { describe, expect, it } from 'vitest';
import { Baton, activityContext, defineWorkflow, silentLogger } from '../../src/index.js';
import { eventually, latch, openTestEnv } from '../support/harness.js';

// docs/workflows.md: "terminate(reason) is immediate: WorkflowExecutionTerminated is appended by the
// client, the owner is fenced out and its running attempts are aborted."

describe('termination reaches the owner', () => {
  it('a start with TERMINATE_IF_RUNNING aborts the running attempt of the run it terminates', async () => {
    const env = await openTestEnv();
    let aborted = 0;
    let runs = 0;
    const started = latch();
    const wf = defineWorkflow('ReplacedRun', async (ctx) => {
      await ctx.activities<{ hang(): Promise<void> }>({ startToCloseTimeout: '30s' }).hang();
    });
    const worker = env.worker({
      taskQueue: 'q',
      workflows: [wf],
      activities: {
        hang: () => {
          runs++;
          activityContext().signal.addEventListener('abort', () => aborted++);
          if (runs === 1) started.release();
          return new Promise<void>(() => {});
        },
      },
      shutdownGraceTime: 10,
    });
    const first = await env.baton.client.start(wf, { taskQueue: 'q', workflowId: 'same' });
    await started.promise;
    await env.baton.client.start(wf, {
      taskQueue: 'q',
      workflowId: 'same',
      workflowIdReusePolicy: 'TERMINATE_IF_RUNNING',
    });
    expect((await first.describe()).status).toBe('TERMINATED');
    await eventually(() => (runs === 2 ? true : undefined));
    // the first run's attempt must be aborted, and the worker must no longer hold the first run
    const observed = await eventually(
      () => (aborted >= 1 && worker.heldExecutions === 1 ? 'ok' : undefined),
      2000,
    ).catch(() => `aborted=${aborted} held=${worker.heldExecutions}`);
    expect(observed).toBe('ok');
  });

  it('terminate() from another Baton on the same file (as another process would) aborts the running attempt', async () => {
    const env = await openTestEnv();
    let aborted = false;
    const started = latch();
    const wf = defineWorkflow('TerminatedElsewhere', async (ctx) => {
      await ctx.activities<{ hang(): Promise<void> }>({ startToCloseTimeout: '30s' }).hang();
    });
    const worker = env.worker({
      taskQueue: 'q',
      workflows: [wf],
      activities: {
        hang: () => {
          activityContext().signal.addEventListener('abort', () => (aborted = true));
          started.release();
          return new Promise<void>(() => {});
        },
      },
      shutdownGraceTime: 10,
      leaseTimeout: 300,
    });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
    await started.promise;
    const other = await Baton.open(env.url, { logger: silentLogger });
    try {
      await other.client.getHandle(handle.workflowId).terminate('from another process');
    } finally {
      await other.close();
    }
    // Give the owner several poll intervals and lease renewals to notice.
    const observed = await eventually(
      () => (aborted && worker.heldExecutions === 0 ? 'ok' : undefined),
      3000,
    ).catch(() => `aborted=${aborted} held=${worker.heldExecutions}`);
    expect(observed).toBe('ok');
  });
});
