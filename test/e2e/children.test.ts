import { describe, expect, it } from 'vitest';
import {
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  defineSignal,
  defineWorkflow,
  TerminatedFailure,
  WorkflowFailedError,
} from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

const release = defineSignal<[value: string]>('release');

type Handle = { describe(): Promise<{ status: string }> };

/** The statuses of `handles` (undefined for an execution not started yet). */
async function statusesOf(handles: Handle[]): Promise<(string | undefined)[]> {
  return Promise.all(
    handles.map((h) =>
      h.describe().then(
        (d) => d.status,
        () => undefined,
      ),
    ),
  );
}

/** Waits until `handles` have these statuses, within `timeoutMs`. */
async function untilStatuses(handles: Handle[], expected: string[], timeoutMs = 10_000): Promise<void> {
  await eventually(async () => {
    const now = await statusesOf(handles);
    return now.every((s, i) => s === expected[i]) ? true : undefined;
  }, timeoutMs).catch(async (err: unknown) => {
    expect(await statusesOf(handles)).toEqual(expected);
    throw err;
  });
}

/** Cleanups recorded by the `cleanup` activity: one entry per call. */
function cleanupLog() {
  const calls: string[] = [];
  const activities = {
    async cleanup(who: string): Promise<void> {
      calls.push(who);
    },
  };
  return { calls, activities };
}

type Cleanup = { cleanup(who: string): Promise<void> };

/** Waits for `release`, cleaning up (in a non-cancellable scope) however it ends. */
async function waitThenCleanUp(ctx: Parameters<Parameters<typeof defineWorkflow>[1]>[0], who: string) {
  const act = ctx.activities<Cleanup>({ startToCloseTimeout: '5s' });
  let got: string | undefined;
  ctx.setHandler(release, (v) => {
    got = v;
  });
  try {
    await ctx.condition(() => got !== undefined);
    return `${who}:${got}`;
  } finally {
    await ctx.nonCancellable(() => act.cleanup(who));
  }
}

const grandchild = defineWorkflow('Grandchild', async (ctx) => waitThenCleanUp(ctx, 'G'));

const child = defineWorkflow('Child', async (ctx) => {
  const g = await ctx.startChild(grandchild, { workflowId: `${ctx.info.workflowId}-g` });
  try {
    return await waitThenCleanUp(ctx, 'C');
  } finally {
    // The grandchild's cancellation completes before this one ends (WAIT_CANCELLATION_COMPLETED).
    await ctx.nonCancellable(() => g.result().catch(() => undefined));
  }
});

const parent = defineWorkflow('Parent', async (ctx, abandon: boolean) => {
  const act = ctx.activities<Cleanup>({ startToCloseTimeout: '5s' });
  const options = abandon
    ? ({ parentClosePolicy: 'ABANDON', cancellationType: 'ABANDON' } as const)
    : ({} as const);
  try {
    return await ctx.executeChild(child, { workflowId: `${ctx.info.workflowId}-c`, ...options });
  } finally {
    await ctx.nonCancellable(() => act.cleanup('P'));
  }
});

describe('child workflows', () => {
  it('cancelling the parent cancels its child and grandchild, each cleaning up once', async () => {
    const env = await openTestEnv();
    const log = cleanupLog();
    env.worker({ taskQueue: 'kids', workflows: [parent, child, grandchild], activities: log.activities });
    const p = await env.baton.client.start(parent, { taskQueue: 'kids', workflowId: 'p1', args: [false] });
    const c = env.baton.client.getHandle('p1-c');
    const g = env.baton.client.getHandle('p1-c-g');
    await untilStatuses([g], ['RUNNING']);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    await p.cancel();
    await untilStatuses([p, c, g], ['CANCELED', 'CANCELED', 'CANCELED'], 1000);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect([...log.calls].sort()).toEqual(['C', 'G', 'P']);
    const err = await p.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const types = (await p.fetchHistory()).events.map((e) => e.eventType);
    expect(types).toContain('StartChildWorkflowExecutionInitiated');
    expect(types).toContain('ChildWorkflowExecutionStarted');
    expect(types).toContain('RequestCancelExternalWorkflowExecutionInitiated');
    expect(types).toContain('ChildWorkflowExecutionCanceled');
  });

  it('a child started under ABANDON keeps running after its parent is cancelled, and completes when signalled', async () => {
    const env = await openTestEnv();
    const log = cleanupLog();
    env.worker({ taskQueue: 'kids', workflows: [parent, child, grandchild], activities: log.activities });
    const p = await env.baton.client.start(parent, { taskQueue: 'kids', workflowId: 'p2', args: [true] });
    const c = env.baton.client.getHandle('p2-c');
    await untilStatuses([env.baton.client.getHandle('p2-c-g')], ['RUNNING']);
    await p.cancel();
    await untilStatuses([p], ['CANCELED']);
    await new Promise((r) => setTimeout(r, 100));
    expect((await c.describe()).status).toBe('RUNNING');
    expect(log.calls).toEqual(['P']);
    await c.signal(release, 'go');
    // C's cleanup waits for its own child (still under C's default TERMINATE policy): release it too.
    await env.baton.client.getHandle('p2-c-g').signal(release, 'go');
    expect(await c.result()).toBe('C:go');
    expect([...log.calls].sort()).toEqual(['C', 'G', 'P']);
  });

  it('a parent signals its child right after start and returns what the child received', async () => {
    const env = await openTestEnv();
    const receiver = defineWorkflow('Receiver', async (ctx) => {
      let got: string | undefined;
      ctx.setHandler(release, (v) => {
        got = v;
      });
      await ctx.condition(() => got !== undefined);
      return got!;
    });
    const sender = defineWorkflow('Sender', async (ctx) => {
      const h = await ctx.startChild(receiver, {});
      await h.signal(release, 'thunderbolt');
      return `child got ${await h.result()}`;
    });
    env.worker({ taskQueue: 'kids', workflows: [sender, receiver] });
    const h = await env.baton.client.start(sender, { taskQueue: 'kids' });
    expect(await h.result()).toBe('child got thunderbolt');
  });

  it("a child's non-retryable failure reaches the parent as ChildWorkflowFailure with the cause kept", async () => {
    const env = await openTestEnv();
    const failing = defineWorkflow('Failing', async () => {
      throw ApplicationFailure.nonRetryable('Mewtwo fled', 'PokemonFled', { hp: 12 }, 'north');
    });
    const catcher = defineWorkflow('Catcher', async (ctx) => {
      try {
        await ctx.executeChild(failing, { workflowId: 'failing-child' });
        return 'no failure';
      } catch (err) {
        if (!(err instanceof ChildWorkflowFailure)) return `unexpected ${String(err)}`;
        const cause = err.cause as ApplicationFailure;
        return {
          failure: err.name,
          workflowId: err.workflowId,
          workflowType: err.workflowType,
          causeClass: cause.constructor.name,
          type: cause.type,
          nonRetryable: cause.nonRetryable,
          details: cause.details,
          message: cause.message,
        };
      }
    });
    env.worker({ taskQueue: 'kids', workflows: [catcher, failing] });
    const h = await env.baton.client.start(catcher, { taskQueue: 'kids' });
    expect(await h.result()).toEqual({
      failure: 'ChildWorkflowFailure',
      workflowId: 'failing-child',
      workflowType: 'Failing',
      causeClass: 'ApplicationFailure',
      type: 'PokemonFled',
      nonRetryable: true,
      details: [{ hp: 12 }, 'north'],
      message: 'Mewtwo fled',
    });
  });

  it('terminating a parent terminates its children under TERMINATE (the default)', async () => {
    const env = await openTestEnv();
    const log = cleanupLog();
    const holder = defineWorkflow('Holder', async (ctx) => {
      const g = await ctx.startChild(grandchild, { workflowId: 'held' });
      return g.result();
    });
    env.worker({ taskQueue: 'kids', workflows: [holder, grandchild], activities: log.activities });
    const h = await env.baton.client.start(holder, { taskQueue: 'kids' });
    const held = env.baton.client.getHandle('held');
    await untilStatuses([held], ['RUNNING']);
    await h.terminate('enough');
    await untilStatuses([held], ['TERMINATED']);
    const err = await held.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
  });

  it('startChild with a workflowId in use rejects with ChildWorkflowFailure; external handles signal and cancel', async () => {
    const env = await openTestEnv();
    const log = cleanupLog();
    const starter = defineWorkflow('Starter', async (ctx) => {
      try {
        await ctx.startChild(grandchild, { workflowId: 'taken' });
        return 'started';
      } catch (err) {
        const cause = (err as ChildWorkflowFailure).cause as ApplicationFailure;
        await ctx.getExternalWorkflowHandle('taken').signal(release, 'from outside');
        await ctx.getExternalWorkflowHandle('other').cancel();
        return cause.type;
      }
    });
    env.worker({ taskQueue: 'kids', workflows: [starter, grandchild], activities: log.activities });
    const taken = await env.baton.client.start(grandchild, { taskQueue: 'kids', workflowId: 'taken' });
    const other = await env.baton.client.start(grandchild, { taskQueue: 'kids', workflowId: 'other' });
    const h = await env.baton.client.start(starter, { taskQueue: 'kids' });
    expect(await h.result()).toBe('WorkflowExecutionAlreadyStarted');
    expect(await taken.result()).toBe('G:from outside');
    const err = await other.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  });
});
