import { describe, expect, it } from 'vitest';
import {
  ActivityFailure,
  ValidationError,
  WorkflowFailedError,
  activityContext,
  defineWorkflow,
} from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

// Probes that held up (kept as coverage).
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('edge cases that hold', () => {
  it('a workflow that throws a non-Error value fails the workflow task (stays RUNNING, error visible)', async () => {
    const env = await openTestEnv();
    const wf = defineWorkflow('ThrowsString', async () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error, no-restricted-syntax -- the case under test
      throw 'a string';
    });
    env.worker({ taskQueue: 'q', workflows: [wf] });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
    const d = await eventually(async () => {
      const x = await handle.describe();
      return x.workflowTaskFailure !== undefined ? x : undefined;
    });
    expect(d.status).toBe('RUNNING');
    expect(d.workflowTaskFailure?.message).toContain('a string');
  });

  it('Promise.all of 50 activities where some fail: fails once with the first failure; history ends with the close', async () => {
    const env = await openTestEnv();
    const activities = {
      async maybe(i: number): Promise<number> {
        await sleep(i % 7);
        if (i % 10 === 3) throw new Error(`boom ${i}`);
        return i;
      },
    };
    const wf = defineWorkflow('Fifty', async (ctx) => {
      const act = ctx.activities<typeof activities>({
        startToCloseTimeout: '5s',
        retry: { maximumAttempts: 1 },
      });
      return Promise.all(Array.from({ length: 50 }, (_, i) => act.maybe(i)));
    });
    env.worker({ taskQueue: 'q', workflows: [wf], activities });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
    const err = await handle.result().catch((e: unknown) => e);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(ActivityFailure);
    const types = (await handle.fetchHistory()).events.map((e) => e.eventType);
    expect(types.at(-1)).toBe('WorkflowExecutionFailed');
    expect(types.filter((t) => t.startsWith('WorkflowExecution'))).toEqual([
      'WorkflowExecutionStarted',
      'WorkflowExecutionFailed',
    ]);
  });

  it('activity results undefined and Map come back exactly', async () => {
    const env = await openTestEnv();
    const activities = {
      async none(): Promise<undefined> {
        return undefined;
      },
      async map(): Promise<Map<number, Date>> {
        return new Map([[1, new Date(5)]]);
      },
    };
    const wf = defineWorkflow('Values', async (ctx) => {
      const act = ctx.activities<typeof activities>({ startToCloseTimeout: '5s' });
      const a = await act.none();
      const m = await act.map();
      return { isUndefined: a === undefined, isMap: m instanceof Map, date: m.get(1) instanceof Date };
    });
    env.worker({ taskQueue: 'q', workflows: [wf], activities });
    expect(await env.baton.client.execute(wf, { taskQueue: 'q' })).toEqual({
      isUndefined: true,
      isMap: true,
      date: true,
    });
  });

  it('an invalid workflowIdReusePolicy is refused with a ValidationError naming the field', async () => {
    const env = await openTestEnv();
    const wf = defineWorkflow('X', async () => 1);
    await expect(
      env.baton.client.start(wf, { taskQueue: 'q', workflowIdReusePolicy: 'NOPE' as never }),
    ).rejects.toThrow(ValidationError);
    expect(await env.baton.client.list()).toEqual([]);
  });

  it('heartbeats after an attempt timed out are ignored; the retry sees only details of its predecessor before the timeout', async () => {
    const env = await openTestEnv();
    const seen: unknown[] = [];
    const activities = {
      async beat(): Promise<string> {
        const ctx = activityContext();
        seen.push(ctx.heartbeatDetails);
        if (ctx.attempt === 1) {
          ctx.heartbeat('before');
          await sleep(300);
          ctx.heartbeat('after timeout');
          return 'late';
        }
        return 'retry';
      },
    };
    const wf = defineWorkflow('HeartbeatLate', async (ctx) =>
      ctx.activities<typeof activities>({ startToCloseTimeout: 100, retry: { initialInterval: 400 } }).beat(),
    );
    env.worker({ taskQueue: 'q', workflows: [wf], activities });
    expect(await env.baton.client.execute(wf, { taskQueue: 'q' })).toBe('retry');
    expect(seen).toEqual([undefined, 'before']);
  });

  it('terminate racing activity completions: every execution has exactly one close event, last', async () => {
    const env = await openTestEnv();
    const activities = {
      async quick(i: number): Promise<number> {
        await sleep(i % 3);
        return i;
      },
    };
    const wf = defineWorkflow('Race', async (ctx, i: number) => {
      const act = ctx.activities<typeof activities>({ startToCloseTimeout: '5s' });
      await act.quick(i);
      return act.quick(i + 1);
    });
    env.worker({ taskQueue: 'q', workflows: [wf], activities });
    const handles = await Promise.all(
      Array.from({ length: 30 }, (_, i) => env.baton.client.start(wf, { taskQueue: 'q', args: [i] })),
    );
    await Promise.all(
      handles.map(async (h, i) => {
        await sleep(i % 5);
        await h.terminate().catch(() => undefined);
      }),
    );
    for (const h of handles) {
      await h.result().catch(() => undefined);
      const types = (await h.fetchHistory()).events.map((e) => e.eventType);
      const closes = types.filter(
        (t) => /Completed$|Terminated$|Failed$|Canceled$/.test(t) && t.startsWith('WorkflowExecution'),
      );
      expect(closes).toHaveLength(1);
      expect(types.at(-1)).toBe(closes[0]);
    }
    await sleep(50);
    for (const h of handles) {
      const d = await h.describe();
      expect(d.status).not.toBe('RUNNING');
      expect(d.historyLength).toBe((await h.fetchHistory()).events.length);
    }
  });

  it('baton.close() while a worker runs: run() resolves', async () => {
    const env = await openTestEnv();
    const wf = defineWorkflow('Y', async () => 1);
    const w = env.baton.worker({ taskQueue: 'q', workflows: [wf] });
    const running = w.run();
    await env.baton.client.execute(wf, { taskQueue: 'q' });
    await env.baton.close();
    await expect(
      Promise.race([running.then(() => 'resolved'), sleep(2000).then(() => 'hung')]),
    ).resolves.toBe('resolved');
  });
});
