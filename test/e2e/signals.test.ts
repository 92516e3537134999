import { describe, expect, it } from 'vitest';
import { WorkflowNotFoundError, defineSignal, defineWorkflow } from '../../src/index.js';
import { openTestEnv } from '../support/harness.js';

const add = defineSignal<[n: number]>('add');
const done = defineSignal('done');

const collector = defineWorkflow('Collector', async (ctx) => {
  const seen: number[] = [];
  let finished = false;
  ctx.setHandler(add, (n) => {
    seen.push(n);
  });
  ctx.setHandler(done, () => {
    finished = true;
  });
  await ctx.condition(() => finished);
  return seen;
});

const lateHandler = defineWorkflow('LateHandler', async (ctx) => {
  const seen: number[] = [];
  await ctx.sleep(200);
  ctx.setHandler(add, (n) => {
    seen.push(n);
  });
  await ctx.condition(() => seen.length === 3);
  return seen;
});

const asyncHandler = defineWorkflow('AsyncHandler', async (ctx) => {
  const act = ctx.activities<{ double(n: number): Promise<number> }>({ startToCloseTimeout: '5s' });
  const results: number[] = [];
  ctx.setHandler(add, async (n) => {
    results.push(await act.double(n));
  });
  await ctx.condition(() => results.length === 2);
  return results;
});

describe('signals', () => {
  it('50 signals sent one after the other arrive in order, in 20 repeated runs', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'sig', workflows: [collector] });
    const expected = Array.from({ length: 50 }, (_, i) => i + 1);
    for (let run = 0; run < 20; run++) {
      const handle = await env.baton.client.start(collector, {
        taskQueue: 'sig',
        workflowId: `collector-${run}`,
      });
      for (const n of expected) await handle.signal(add, n);
      await handle.signal(done);
      expect(await handle.result()).toEqual(expected);
    }
  }, 60_000);

  it('signalWithStart then a signal give [1, 2]; a signal in the same tick as start reaches the first handler', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'sig', workflows: [collector] });
    const h = await env.baton.client.signalWithStart(collector, {
      workflowId: 'sws',
      taskQueue: 'sig',
      signal: add,
      signalArgs: [1],
    });
    await h.signal(add, 2);
    await h.signal(done);
    expect(await h.result()).toEqual([1, 2]);
    const again = await env.baton.client.signalWithStart(collector, {
      workflowId: 'sws',
      taskQueue: 'sig',
      signal: add,
      signalArgs: [7],
    });
    expect(again.runId).not.toBe(h.runId);
    const running = await env.baton.client.signalWithStart(collector, {
      workflowId: 'sws',
      taskQueue: 'sig',
      signal: add,
      signalArgs: [8],
    });
    expect(running.runId).toBe(again.runId);
    await running.signal(done);
    expect(await running.result()).toEqual([7, 8]);

    const sameTick = await env.baton.client.start(collector, { taskQueue: 'sig', workflowId: 'same-tick' });
    await Promise.all([sameTick.signal(add, 42), sameTick.signal(done)]);
    expect(await sameTick.result()).toEqual([42]);
  });

  it('signals that arrive before their handler is set are buffered and delivered in order', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'sig', workflows: [lateHandler] });
    const h = await env.baton.client.start(lateHandler, { taskQueue: 'sig' });
    for (const n of [3, 1, 2]) await h.signal(add, n);
    expect(await h.result()).toEqual([3, 1, 2]);
    const { events } = await h.fetchHistory();
    expect(events.filter((e) => e.eventType === 'WorkflowExecutionSignaled')).toHaveLength(3);
  });

  it('an async signal handler may call activities', async () => {
    const env = await openTestEnv();
    env.worker({
      taskQueue: 'sig',
      workflows: [asyncHandler],
      activities: { double: async (n: number) => n * 2 },
    });
    const h = await env.baton.client.start(asyncHandler, { taskQueue: 'sig' });
    await h.signal(add, 5);
    await h.signal(add, 6);
    expect(await h.result()).toEqual([10, 12]);
  });

  it('signalling an unknown or closed workflow fails with a clear error', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'sig', workflows: [collector] });
    await expect(env.baton.client.getHandle('nobody').signal(add, 1)).rejects.toThrow(WorkflowNotFoundError);
    await expect(env.baton.client.getHandle('nobody').signal(add, 1)).rejects.toThrow("workflowId 'nobody'");
    const h = await env.baton.client.start(collector, { taskQueue: 'sig' });
    await h.signal(done);
    await h.result();
    const err = await h.signal(add, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowNotFoundError);
    expect((err as Error).message).toContain('already closed (COMPLETED)');
  });
});
