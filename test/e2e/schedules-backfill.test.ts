/**
 * Large schedule backfills do not take the worker over (client.schedule + a worker): while a year
 * of every-second times waits (BUFFER_ALL behind a long run), is skipped (SKIP) or starts run
 * after run (ALLOW_ALL), other workflows complete and the worker shuts down; the buffer keeps at
 * most 1000 starts and `describe` counts the times that wait. A stored schedule whose next time is
 * no date is listed and described without it.
 */
import { describe, expect, it } from 'vitest';
import { defineWorkflow, type Client } from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

const longRun = defineWorkflow('BackfilledLongRun', async (ctx) => {
  await ctx.sleep('1h');
});
const quickRun = defineWorkflow('BackfilledQuickRun', async () => 'done');
/** Another workflow of the same worker, with a timer (it needs the event loop to turn). */
const other = defineWorkflow('OtherWork', async (ctx, value: string) => {
  await ctx.sleep(50);
  return value;
});

const YEAR = { start: new Date('2025-01-01T00:00:00Z'), end: new Date('2025-12-31T23:59:59Z') };
const SECONDS_IN_YEAR = 365 * 86_400;

/** A paused every-second schedule `id` of `workflow` with `overlap`, and a backfill of 2025. */
async function yearBackfill(client: Client, id: string, workflow: string, overlap: 'BUFFER_ALL' | 'SKIP') {
  const handle = await client.schedule.create({
    scheduleId: id,
    spec: { intervals: [{ every: '1s' }] },
    action: { workflow, taskQueue: 'sched' },
    policies: { overlap },
    state: { paused: true },
  });
  await handle.backfill([YEAR]);
  return handle;
}

describe('large schedule backfills (client.schedule + worker)', () => {
  it('describe counts every time of a pending backfill, not its ranges', async () => {
    const env = await openTestEnv();
    const handle = await yearBackfill(env.baton.client, 'counted', longRun.name, 'BUFFER_ALL');
    expect((await handle.describe()).info.numBufferedActions).toBe(SECONDS_IN_YEAR);
  });

  it('BUFFER_ALL over a year behind a long run: other work completes, at most 1000 wait, shutdown ends', async () => {
    const env = await openTestEnv();
    const worker = env.worker({ taskQueue: 'sched', workflows: [longRun, other] });
    const handle = await yearBackfill(env.baton.client, 'buffered', longRun.name, 'BUFFER_ALL');
    await eventually(async () =>
      (await handle.describe()).info.runningActions.length === 1 ? true : undefined,
    );
    expect(await env.baton.client.execute(other, { taskQueue: 'sched', args: ['meanwhile'] })).toBe(
      'meanwhile',
    );
    const d = await handle.describe();
    expect(d.info.numActionsTaken).toBe(1);
    // The first time runs; every other one waits (1000 buffered, the rest still in the range).
    expect(d.info.numBufferedActions).toBe(SECONDS_IN_YEAR - 1);
    expect(d.info.numActionsSkippedOverlap).toBe(0);
    const stored = await env.baton.store.schedules.get('buffered');
    expect(stored!.body.length).toBeLessThan(100_000);
    await worker.shutdown();
  });

  it('SKIP over a year behind a long run: every other time is skipped; other work completes', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'sched', workflows: [longRun, other] });
    const handle = await yearBackfill(env.baton.client, 'skipped', longRun.name, 'SKIP');
    expect(await env.baton.client.execute(other, { taskQueue: 'sched', args: ['meanwhile'] })).toBe(
      'meanwhile',
    );
    const d = await eventually(async () => {
      const now = await handle.describe();
      return now.info.numBufferedActions === 0 ? now : undefined;
    });
    expect(d.info.numActionsTaken).toBe(1);
    expect(d.info.numActionsSkippedOverlap).toBe(SECONDS_IN_YEAR - 1);
  });

  it('ALLOW_ALL over a day: runs start while other work completes', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'sched', workflows: [quickRun, other] });
    const handle = await env.baton.client.schedule.create({
      scheduleId: 'all',
      spec: { intervals: [{ every: '1s' }] },
      action: { workflow: quickRun, taskQueue: 'sched' },
      policies: { overlap: 'ALLOW_ALL' },
      state: { paused: true },
    });
    await handle.backfill([{ start: YEAR.start, end: new Date('2025-01-01T23:59:59Z') }]);
    await eventually(async () => ((await handle.describe()).info.numActionsTaken > 0 ? true : undefined));
    expect(await env.baton.client.execute(other, { taskQueue: 'sched', args: ['meanwhile'] })).toBe(
      'meanwhile',
    );
    expect((await handle.describe()).info.numBufferedActions).toBeGreaterThan(0); // still backfilling
    await handle.delete();
  });

  it('a stored schedule whose next time is no date: list and describe leave that time out', async () => {
    const env = await openTestEnv();
    const { client, store } = env.baton;
    const good = await client.schedule.create({
      scheduleId: 'a-good',
      spec: { intervals: [{ every: '1h' }] },
      action: { workflow: quickRun, taskQueue: 'sched' },
    });
    // As an earlier version stored `--every 99999999999d`.
    const body = JSON.parse((await store.schedules.get('a-good'))!.body) as Record<string, unknown>;
    const everyMs = 99_999_999_999 * 86_400_000;
    await store.schedules.create({
      scheduleId: 'b-broken',
      body: JSON.stringify({
        ...body,
        spec: { cron: [], intervals: [{ everyMs, offsetMs: 0 }], timezone: 'UTC', jitterMs: 0 },
        nextNominalMs: everyMs,
      }),
      args: undefined,
      wakeAtMs: everyMs,
      nowMs: Date.now(),
    });
    const list = await client.schedule.list();
    expect(list.map((s) => [s.scheduleId, s.nextActionTimes.length])).toEqual([
      ['a-good', 3],
      ['b-broken', 0],
    ]);
    const d = await client.schedule.getHandle('b-broken').describe();
    expect(d.info.nextActionTimes).toEqual([]);
    expect((await good.describe()).info.nextActionTimes).toHaveLength(10);
  });
});
