import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Baton, defineWorkflow, silentLogger, type HistoryEvent } from '../../src/index.js';
import { runTs } from '../support/child.js';
import { openTestEnv } from '../support/harness.js';
import { multiStep } from './fixtures/multi-step.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const expected = (id: string) => [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `${id}:${n}`);
const completions = (events: HistoryEvent[]) =>
  events.filter((e) => e.eventType === 'ActivityTaskCompleted').length;

describe('several workers on one task queue', () => {
  it('two workers in one process: each workflow completes once, each activity recorded once', async () => {
    const env = await openTestEnv();
    const calls = new Map<string, number>();
    const activities = {
      async step(id: string, n: number): Promise<string> {
        calls.set(`${id} ${n}`, (calls.get(`${id} ${n}`) ?? 0) + 1);
        await sleep(2);
        return `${id}:${n}`;
      },
    };
    env.worker({ taskQueue: 'multi', workflows: [multiStep], activities, identity: 'a' });
    env.worker({ taskQueue: 'multi', workflows: [multiStep], activities, identity: 'b' });
    const ids = Array.from({ length: 40 }, (_, i) => `wf-${i}`);
    const handles = await Promise.all(
      ids.map((id) => env.baton.client.start(multiStep, { taskQueue: 'multi', workflowId: id, args: [id] })),
    );
    const results = await Promise.all(handles.map((h) => h.result()));
    expect(results).toEqual(ids.map(expected));
    expect([...calls.values()].every((c) => c === 1)).toBe(true);
    expect(calls.size).toBe(40 * 8);
    for (const h of handles) expect(completions((await h.fetchHistory()).events)).toBe(8);
  });

  it('two worker processes on one SQLite file: each workflow completes once, each activity recorded once', async () => {
    const env = await openTestEnv();
    const sideEffects = join(env.dir, 'calls.log');
    const stop = join(env.dir, 'stop');
    writeFileSync(sideEffects, '');
    const children = [0, 1].map(() =>
      runTs('test/review/fixtures/queue-worker.ts', [env.url, sideEffects, stop]),
    );
    try {
      const ids = Array.from({ length: 40 }, (_, i) => `p-${i}`);
      const handles = await Promise.all(
        ids.map((id) =>
          env.baton.client.start(multiStep, { taskQueue: 'multi', workflowId: id, args: [id] }),
        ),
      );
      const results = await Promise.all(handles.map((h) => h.result()));
      expect(results).toEqual(ids.map(expected));
      for (const h of handles) expect(completions((await h.fetchHistory()).events)).toBe(8);
      const lines = readFileSync(sideEffects, 'utf8').trim().split('\n');
      const byCall = new Map<string, number>();
      for (const l of lines) {
        const key = l.split(' ').slice(1).join(' ');
        byCall.set(key, (byCall.get(key) ?? 0) + 1);
      }
      expect(byCall.size).toBe(40 * 8);
      expect([...byCall.entries()].filter(([, c]) => c !== 1)).toEqual([]);
    } finally {
      writeFileSync(stop, '');
      const exits = await Promise.all(children.map((c) => c.exited));
      expect(
        exits.map((e) => e.code),
        children.map((c) => c.stderr()).join('\n'),
      ).toEqual([0, 0]);
    }
  }, 60_000);

  it('a long activity with a short leaseTimeout keeps its lease: a worker of another Baton never steals it', async () => {
    const env = await openTestEnv();
    let calls = 0;
    const activities = {
      async long(): Promise<string> {
        calls++;
        await sleep(1500);
        return 'done';
      },
    };
    const wf = defineWorkflow('LongUnderShortLease', async (ctx) =>
      ctx.activities<typeof activities>({ startToCloseTimeout: '10s' }).long(),
    );
    env.worker({ taskQueue: 'lease', workflows: [wf], activities, leaseTimeout: 100 });
    const handle = await env.baton.client.start(wf, { taskQueue: 'lease' });
    await sleep(50);
    const other = await Baton.open(env.url, { logger: silentLogger });
    const thief = other.worker({
      taskQueue: 'lease',
      workflows: [wf],
      activities,
      leaseTimeout: 100,
      pollInterval: 10,
    });
    const thiefRunning = thief.run();
    try {
      expect(await handle.result()).toBe('done');
      expect(calls).toBe(1);
      const types = (await handle.fetchHistory()).events.map((e) => e.eventType);
      expect(types).toEqual([
        'WorkflowExecutionStarted',
        'ActivityTaskScheduled',
        'ActivityTaskStarted',
        'ActivityTaskCompleted',
        'WorkflowExecutionCompleted',
      ]);
    } finally {
      await other.close();
      await thiefRunning;
    }
  });

  it('shutdown with many workflows mid-flight, then a new worker finishes every one of them', async () => {
    const env = await openTestEnv();
    const calls = new Map<string, number>();
    const activities = {
      async step(id: string, n: number): Promise<string> {
        calls.set(`${id} ${n}`, (calls.get(`${id} ${n}`) ?? 0) + 1);
        await sleep(30);
        return `${id}:${n}`;
      },
    };
    const first = env.worker({
      taskQueue: 'multi',
      workflows: [multiStep],
      activities,
      maxConcurrentActivities: 7,
      shutdownGraceTime: 1000,
    });
    const ids = Array.from({ length: 30 }, (_, i) => `s-${i}`);
    const handles = await Promise.all(
      ids.map((id) => env.baton.client.start(multiStep, { taskQueue: 'multi', workflowId: id, args: [id] })),
    );
    await sleep(250);
    await first.shutdown();
    expect(first.heldExecutions).toBe(0);
    const open = (await env.baton.client.list({ status: 'RUNNING' })).length;
    expect(open).toBeGreaterThan(0);
    env.worker({ taskQueue: 'multi', workflows: [multiStep], activities });
    const results = await Promise.all(handles.map((h) => h.result()));
    expect(results).toEqual(ids.map(expected));
    for (const h of handles) expect(completions((await h.fetchHistory()).events)).toBe(8);
    // grace time was long enough for every running attempt: nothing ran twice
    expect([...calls.entries()].filter(([, c]) => c !== 1)).toEqual([]);
  });
});
