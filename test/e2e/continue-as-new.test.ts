import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  Baton,
  defineQuery,
  ValidationError,
  TimeoutFailure,
  WorkflowContinuedAsNewError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  defineSignal,
  defineWorkflow,
  silentLogger,
  type WorkflowHandle,
} from '../../src/index.js';
import { eventSizeBytes } from '../../src/runtime/continue-as-new.js';
import { runTs } from '../support/child.js';
import { eventually, openTestEnv, type TestEnv } from '../support/harness.js';

const tick = defineSignal<[id: string]>('tick');
const handled = defineQuery<number>('handled');
const sizes = defineQuery<{ length: number; bytes: number }[]>('sizes');

interface Tally {
  expected: number;
  seen: string[];
  /** Signals handled by each run of the chain. */
  perRun: number[];
}

/** Handles `tick` signals; after 3 in one run it continues as new, carrying what it saw. */
const tally = defineWorkflow('Tally', async (ctx, state: Tally): Promise<Tally> => {
  const seen = [...state.seen];
  let here = 0;
  ctx.setHandler(handled, () => seen.length);
  ctx.setHandler(tick, (id) => {
    seen.push(id);
    here++;
  });
  await ctx.condition(() => seen.length >= state.expected || here >= 3);
  const next = { expected: state.expected, seen, perRun: [...state.perRun, here] };
  if (seen.length >= state.expected) return next;
  return ctx.continueAsNew(next);
});

const countdown = defineWorkflow('Countdown', async (ctx, n: number) => {
  if (n > 0) ctx.continueAsNew(n - 1);
  return { n, runId: ctx.info.runId, continuedFromRunId: ctx.info.continuedFromRunId };
});

const phaseTwo = defineWorkflow('PhaseTwo', async (ctx, x: string) => `two:${x}:${ctx.info.taskQueue}`);
const phaseOne = defineWorkflow('PhaseOne', async (ctx, x: string) => {
  const next = ctx.makeContinueAsNewFunc<[string]>({
    workflowType: phaseTwo,
    taskQueue: 'can-two',
    memo: { phase: 2 },
  });
  return next(x);
});

/** Continues as new from its signal handler, until it has seen `last`. */
const relay = defineWorkflow('Relay', async (ctx, got: string[], last: string) => {
  ctx.setHandler(tick, (id) => {
    if (id !== last) ctx.continueAsNew([...got, id], last);
    got = [...got, id];
  });
  await ctx.condition(() => got.includes(last));
  return got;
});

/** Sleeps 300 ms then continues as new, forever. */
const restless = defineWorkflow('Restless', async (ctx, n: number) => {
  await ctx.sleep(300);
  return ctx.continueAsNew(n + 1);
});

/** Sleeps 1 ms until continue-as-new is suggested, noting the history's length and size. */
const grower = defineWorkflow('Grower', async (ctx, round: number) => {
  const seen: { length: number; bytes: number }[] = [];
  ctx.setHandler(sizes, () => seen);
  while (!ctx.info.continueAsNewSuggested) {
    await ctx.sleep(1);
    seen.push({ length: ctx.info.historyLength, bytes: ctx.info.historySizeBytes });
  }
  if (round === 0) ctx.continueAsNew(1);
  return { seen, continuedFromRunId: ctx.info.continuedFromRunId };
});

/** The chain's result, or (after 15 s) an error saying how many signals its newest run has handled. */
async function tallyResult(env: TestEnv, handle: WorkflowHandle<Tally>): Promise<Tally> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void env.baton.client
        .getHandle(handle.workflowId)
        .query(handled)
        .then(
          (n) => reject(new Error(`the chain did not finish: its newest run has handled ${n} signals`)),
          reject,
        );
    }, 15_000);
  });
  try {
    return await Promise.race([handle.result(), late]);
  } finally {
    clearTimeout(timer);
  }
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Checks a finished tally: every id once, 3 per run but the last, one CONTINUED_AS_NEW per run but the last. */
async function checkChain(
  env: TestEnv,
  workflowId: string,
  result: Tally,
  expected: string[],
): Promise<void> {
  expect(result.seen.length).toBe(expected.length);
  expect(new Set(result.seen).size).toBe(expected.length);
  expect([...result.seen].sort()).toEqual([...expected].sort());
  expect(result.perRun.slice(0, -1).every((n) => n === 3)).toBe(true);
  expect(result.perRun.reduce((a, b) => a + b, 0)).toBe(expected.length);
  const runs = await env.baton.client.list({ workflowId, limit: 1000 });
  expect(runs.length).toBe(result.perRun.length);
  expect(runs.filter((r) => r.status === 'CONTINUED_AS_NEW').length).toBe(runs.length - 1);
  expect(runs[0]!.status).toBe('COMPLETED');
}

describe('continue-as-new', () => {
  it('signals from four clients racing a chain of continues-as-new are each handled once (3 rounds)', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'can', workflows: [tally] });
    const others = await Promise.all([1, 2, 3].map(() => Baton.open(env.url, { logger: silentLogger })));
    try {
      const senders = [env.baton, ...others];
      for (let round = 0; round < 3; round++) {
        const workflowId = `tally-${round}`;
        const handle = await env.baton.client.start(tally, {
          taskQueue: 'can',
          workflowId,
          args: [{ expected: 60, seen: [], perRun: [] }],
        });
        // Each client sends 15 signals: in bursts of 5 at once, with short pauses in between, so
        // that signals land before, during and after the runs' closes.
        await Promise.all(
          senders.map(async (b, k) => {
            const h = b.client.getHandle(workflowId);
            const mine = ids(`c${k}`, 15);
            for (let i = 0; i < mine.length; i += 5) {
              await Promise.all(mine.slice(i, i + 5).map((id) => h.signal(tick, id)));
              await pause(Math.floor(Math.random() * 8));
            }
          }),
        );
        const result = await tallyResult(env, handle);
        await checkChain(
          env,
          workflowId,
          result,
          [0, 1, 2, 3].flatMap((k) => ids(`c${k}`, 15)),
        );
      }
    } finally {
      await Promise.all(others.map((b) => b.close()));
    }
  }, 30_000);

  it('signals from two other processes and this one, racing the chain, are each handled once', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'can', workflows: [tally] });
    const workflowId = 'tally-processes';
    const handle = await env.baton.client.start(tally, {
      taskQueue: 'can',
      workflowId,
      args: [{ expected: 60, seen: [], perRun: [] }],
    });
    const fixture = fileURLToPath(new URL('../fixtures/can-signaller.ts', import.meta.url));
    const children = ['p1', 'p2'].map((p) => runTs(fixture, [env.url, workflowId, p, '20']));
    const own = ids('own', 20);
    for (const id of own) {
      await env.baton.client.getHandle(workflowId).signal(tick, id);
      await pause(40);
    }
    for (const c of children) expect((await c.exited).code, c.stderr()).toBe(0);
    const result = await tallyResult(env, handle);
    await checkChain(env, workflowId, result, [...ids('p1', 20), ...ids('p2', 20), ...own]);
  }, 30_000);

  it('with a fixed workflowId keeps the memo; the first handle gets the last run result; a pinned handle does not follow', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'can', workflows: [countdown] });
    const handle = await env.baton.client.start(countdown, {
      taskQueue: 'can',
      workflowId: 'countdown-fixed',
      args: [3],
      memo: { trainer: 'Sacha' },
    });
    const result = await handle.result();
    expect(result.n).toBe(0);
    const runs = (await env.baton.client.list({ workflowId: 'countdown-fixed' })).reverse();
    expect(runs.map((r) => r.status)).toEqual([
      'CONTINUED_AS_NEW',
      'CONTINUED_AS_NEW',
      'CONTINUED_AS_NEW',
      'COMPLETED',
    ]);
    expect(runs[0]!.runId).toBe(handle.runId);
    expect(result.runId).toBe(runs[3]!.runId);
    expect(result.continuedFromRunId).toBe(runs[2]!.runId);
    for (const r of runs) {
      const d = await env.baton.client.getHandle('countdown-fixed', r.runId).describe();
      expect(d.memo).toEqual({ trainer: 'Sacha' });
    }
    // The first run's history ends with the continue-as-new, naming the next run; it starts from it.
    const first = await handle.fetchHistory();
    const close = first.events[first.events.length - 1]!;
    expect(close.eventType).toBe('WorkflowExecutionContinuedAsNew');
    expect(close.attrs).toMatchObject({ newExecutionRunId: runs[1]!.runId, workflowType: 'Countdown' });
    const second = await env.baton.client.getHandle('countdown-fixed', runs[1]!.runId).fetchHistory();
    expect(second.events[0]!.attrs).toMatchObject({ continuedFromRunId: handle.runId, attempt: 1 });

    const pinned = env.baton.client.getHandle('countdown-fixed', handle.runId, { followRuns: false });
    const err = await pinned.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowContinuedAsNewError);
    expect(err).toMatchObject({ runId: handle.runId, newExecutionRunId: runs[1]!.runId });
    expect((err as Error).message).toContain('continued as new');
    await expect(handle.result({ followRuns: false })).rejects.toBeInstanceOf(WorkflowContinuedAsNewError);
    expect(await env.baton.client.getHandle('countdown-fixed', runs[1]!.runId).result()).toEqual(result);
    // A signal pinned to a run that continued as new is refused; without a runId it reaches the newest.
    await expect(pinned.signal(tick, 'late')).rejects.toBeInstanceOf(WorkflowNotFoundError);
  }, 20_000);

  it("the handle from start() signals, queries and cancels the chain's newest run after continues-as-new", async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'can', workflows: [tally] });
    const handle = await env.baton.client.start(tally, {
      taskQueue: 'can',
      workflowId: 'tally-start-handle',
      args: [{ expected: 100, seen: [], perRun: [] }],
    });
    // Seven signals through the start handle, one at a time: the chain continues as new twice.
    for (const id of ids('s', 7)) {
      await handle.signal(tick, id);
      await eventually(async () =>
        (await handle.query(handled)) >= Number(id.slice(2)) + 1 ? true : undefined,
      );
    }
    const runs = await env.baton.client.list({ workflowId: 'tally-start-handle', limit: 10 });
    expect(runs.filter((r) => r.status === 'CONTINUED_AS_NEW')).toHaveLength(2);
    // The handle's own run is the first one; describe() is about it.
    expect((await handle.describe()).status).toBe('CONTINUED_AS_NEW');
    await handle.cancel('enough');
    const outcome = await handle.result().catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect((await env.baton.client.getHandle('tally-start-handle').describe()).status).toBe('CANCELED');
  });

  it('makeContinueAsNewFunc starts another workflow type on another task queue with another memo', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'can', workflows: [phaseOne] });
    env.worker({ taskQueue: 'can-two', workflows: [phaseTwo] });
    const handle = await env.baton.client.start(phaseOne, {
      taskQueue: 'can',
      workflowId: 'phases',
      args: ['x'],
      memo: { phase: 1 },
    });
    expect(await handle.result()).toBe('two:x:can-two');
    const newest = await env.baton.client.getHandle('phases').describe();
    expect(newest).toMatchObject({ workflowType: 'PhaseTwo', taskQueue: 'can-two', memo: { phase: 2 } });
    expect((await handle.describe()).memo).toEqual({ phase: 1 });
  }, 20_000);

  it('ctx.info gives the history length and size; continueAsNewSuggested turns true past the worker bound', async () => {
    const env = await openTestEnv();
    expect(() => env.worker({ taskQueue: 'bad', continueAsNewSuggestedAt: { historyLength: 0 } })).toThrow(
      ValidationError,
    );
    env.worker({ taskQueue: 'can', workflows: [grower], continueAsNewSuggestedAt: { historyLength: 12 } });
    const handle = await env.baton.client.start(grower, {
      taskQueue: 'can',
      workflowId: 'grower',
      args: [0],
    });
    const result = await handle.result();
    // Each sleep adds TimerStarted and TimerFired: the code runs at events 3, 5 … 13 (≥ 12).
    expect(result.seen.map((s) => s.length)).toEqual([3, 5, 7, 9, 11, 13]);
    const runs = (await env.baton.client.list({ workflowId: 'grower' })).reverse();
    expect(runs.map((r) => r.status)).toEqual(['CONTINUED_AS_NEW', 'COMPLETED']);
    expect(result.continuedFromRunId).toBe(runs[0]!.runId);
    // The size seen at each event is that of the stored history through it (what a replay counts).
    const { events } = await env.baton.client.getHandle('grower', runs[1]!.runId).fetchHistory();
    for (const s of result.seen) {
      const through = events.filter((e) => e.eventId <= s.length);
      expect(s.bytes).toBe(through.reduce((n, e) => n + eventSizeBytes(e), 0));
    }
    // A replay (a query on the closed run) sees the same values.
    expect(await env.baton.client.getHandle('grower', runs[1]!.runId).query(sizes)).toEqual(result.seen);
  }, 20_000);

  it('a signal handler may continue as new; the signals after it reach the next runs in order', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'can', workflows: [relay] });
    const handle = await env.baton.client.start(relay, {
      taskQueue: 'can',
      workflowId: 'relay',
      args: [[], 'd'],
    });
    for (const id of ['a', 'b', 'c', 'd']) await env.baton.client.getHandle('relay').signal(tick, id);
    expect(await handle.result()).toEqual(['a', 'b', 'c', 'd']);
    const runs = await env.baton.client.list({ workflowId: 'relay' });
    expect(runs.map((r) => r.status)).toEqual([
      'COMPLETED',
      'CONTINUED_AS_NEW',
      'CONTINUED_AS_NEW',
      'CONTINUED_AS_NEW',
    ]);
  }, 20_000);

  it('the workflowExecutionTimeout counts from the first run of the chain', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'can', workflows: [restless] });
    const t0 = performance.now();
    const handle = await env.baton.client.start(restless, {
      taskQueue: 'can',
      workflowId: 'restless',
      args: [0],
      workflowExecutionTimeout: '1s',
    });
    const err = await handle.result().catch((e: unknown) => e);
    const elapsedMs = performance.now() - t0;
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as Error).cause).toBeInstanceOf(TimeoutFailure);
    expect(elapsedMs).toBeGreaterThanOrEqual(995);
    expect(elapsedMs).toBeLessThan(5000);
    const runs = await env.baton.client.list({ workflowId: 'restless' });
    expect(runs[0]!.status).toBe('TIMED_OUT');
    expect(runs.slice(1).every((r) => r.status === 'CONTINUED_AS_NEW')).toBe(true);
    expect(runs.length).toBeGreaterThanOrEqual(3);
  }, 20_000);
});
