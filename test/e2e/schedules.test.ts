import { describe, expect, it, vi } from 'vitest';
import {
  Baton,
  ScheduleAlreadyRunningError,
  ScheduleNotFoundError,
  ValidationError,
  defineWorkflow,
  scheduledWorkflowId,
  silentLogger,
  type Client,
  type ScheduleSpec,
} from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';

const echo = defineWorkflow('ScheduledEcho', async (_ctx, value: string) => value);

/** Completed runs whose workflowId starts with `prefix-`, oldest first. */
async function completed(client: Client, prefix: string) {
  const runs = await client.list({ workflowIdContains: `${prefix}-`, status: 'COMPLETED', limit: 1000 });
  return runs.filter((r) => r.workflowId.startsWith(`${prefix}-`)).reverse();
}

/** Runs (any status) whose workflowId starts with `prefix-`. */
async function allRuns(client: Client, prefix: string) {
  const runs = await client.list({ workflowIdContains: `${prefix}-`, limit: 1000 });
  return runs.filter((r) => r.workflowId.startsWith(`${prefix}-`));
}

const ID_TIME = /-(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$/;

describe('schedules (client.schedule)', () => {
  it('every 2 s: completed runs appear, ids prefixed by the schedule id and their nominal time', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'sched', workflows: [echo] });
    const handle = await env.baton.client.schedule.create({
      scheduleId: 'every-2s',
      spec: { intervals: [{ every: '2s' }] },
      action: { workflow: echo, args: ['tick'], taskQueue: 'sched' },
    });
    const runs = await eventually(async () => {
      const r = await completed(env.baton.client, 'every-2s');
      return r.length >= 2 ? r : undefined;
    }, 10_000);
    for (const run of runs) {
      const nominal = Date.parse(ID_TIME.exec(run.workflowId)![1]!);
      expect(run.workflowId).toBe(scheduledWorkflowId('every-2s', nominal));
      expect(nominal % 2000).toBe(0);
      expect(run.startTimeMs).toBeGreaterThanOrEqual(nominal - 5);
      expect(await env.baton.client.getHandle(run.workflowId).result()).toBe('tick');
    }
    const d = await handle.describe();
    expect(d.info.numActionsTaken).toBeGreaterThanOrEqual(2);
    expect(d.info.recentActions.map((a) => a.workflowId)).toEqual(
      expect.arrayContaining(runs.map((r) => r.workflowId)),
    );
    expect(d.info.nextActionTimes[0]!.getTime() % 2000).toBe(0);
    expect(d.action).toMatchObject({ workflowType: 'ScheduledEcho', args: ['tick'], workflowId: 'every-2s' });
    expect((await env.baton.client.schedule.list()).map((s) => s.scheduleId)).toEqual(['every-2s']);
    await expect(
      env.baton.client.schedule.create({
        scheduleId: 'every-2s',
        spec: { cron: '* * * * *' },
        action: { workflow: echo, taskQueue: 'sched' },
      }),
    ).rejects.toThrow(ScheduleAlreadyRunningError);
    await handle.delete();
    await expect(handle.describe()).rejects.toThrow(ScheduleNotFoundError);
  });

  it('after the action’s argument is updated, runs return the new one', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'sched', workflows: [echo] });
    const handle = await env.baton.client.schedule.create({
      scheduleId: 'upd',
      spec: { intervals: [{ every: '1s' }] },
      action: { workflow: echo, args: ['old'], taskQueue: 'sched' },
    });
    await eventually(async () => ((await completed(env.baton.client, 'upd')).length > 0 ? true : undefined));
    await handle.update({ action: { args: ['new'] } });
    const updatedAt = Date.now();
    const later = await eventually(async () => {
      const runs = (await completed(env.baton.client, 'upd')).filter((r) => r.startTimeMs > updatedAt);
      return runs.length > 0 ? runs : undefined;
    });
    expect(await env.baton.client.getHandle(later[0]!.workflowId).result()).toBe('new');
    expect((await handle.describe()).action.args).toEqual(['new']);
    await handle.pause('done');
  });

  it('trigger on a paused schedule runs once per trigger', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'sched', workflows: [echo] });
    const handle = await env.baton.client.schedule.create({
      scheduleId: 'trig',
      spec: { intervals: [{ every: '1m' }] },
      action: { workflow: echo, args: ['manual'], taskQueue: 'sched' },
      state: { paused: true, note: 'manual only' },
    });
    await handle.trigger();
    await eventually(async () =>
      (await completed(env.baton.client, 'trig')).length === 1 ? true : undefined,
    );
    // A trigger's nominal time is its second: the next one comes in a later second.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    await handle.trigger();
    await eventually(async () =>
      (await completed(env.baton.client, 'trig')).length === 2 ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1200));
    expect(await allRuns(env.baton.client, 'trig')).toHaveLength(2);
    const d = await handle.describe();
    expect(d.state).toEqual({ paused: true, note: 'manual only' });
    expect(d.info.nextActionTimes).toEqual([]);
    expect(d.info.numActionsTaken).toBe(2);
  });

  it('two backfills of minute-aligned 2-minute ranges (ALLOW_ALL) run 3 times each, both ends included', async () => {
    const env = await openTestEnv();
    env.worker({ taskQueue: 'sched', workflows: [echo] });
    const handle = await env.baton.client.schedule.create({
      scheduleId: 'bf',
      spec: { intervals: [{ every: '1m' }] },
      action: { workflow: echo, args: ['back'], taskQueue: 'sched' },
      state: { paused: true },
    });
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
    const min = 60_000;
    await handle.backfill([{ start: new Date(t0), end: new Date(t0 + 2 * min), overlap: 'ALLOW_ALL' }]);
    await handle.backfill([{ start: t0 + 10 * min, end: t0 + 12 * min, overlap: 'ALLOW_ALL' }]);
    const expected = [0, 1, 2, 10, 11, 12].map((m) => scheduledWorkflowId('bf', t0 + m * min));
    await eventually(async () => ((await completed(env.baton.client, 'bf')).length >= 6 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1200));
    const ids = (await allRuns(env.baton.client, 'bf')).map((r) => r.workflowId).sort();
    expect(ids).toEqual(expected.sort());
    expect((await handle.describe()).info.numBufferedActions).toBe(0);
  });

  it('two workers (two stores on one database) start each nominal run once', async () => {
    const env = await openTestEnv();
    const other = await Baton.open(env.url, { logger: silentLogger });
    try {
      env.worker({ taskQueue: 'sched', workflows: [echo] });
      const w2 = other.worker({ taskQueue: 'sched', workflows: [echo], pollInterval: 20 });
      const running = w2.run();
      const handle = await env.baton.client.schedule.create({
        scheduleId: 'pair',
        spec: { intervals: [{ every: '1s' }] },
        action: { workflow: echo, args: ['x'], taskQueue: 'sched' },
        policies: { overlap: 'ALLOW_ALL' },
      });
      await eventually(async () =>
        (await completed(env.baton.client, 'pair')).length >= 4 ? true : undefined,
      );
      await handle.pause();
      await new Promise((r) => setTimeout(r, 300));
      const runs = await allRuns(env.baton.client, 'pair');
      const times = runs.map((r) => Date.parse(ID_TIME.exec(r.workflowId)![1]!)).sort((a, b) => a - b);
      expect(new Set(runs.map((r) => r.workflowId)).size).toBe(runs.length);
      // One run per second, none missing between the first and the last.
      expect(times.length).toBe((times.at(-1)! - times[0]!) / 1000 + 1);
      expect((await handle.describe()).info.numActionsTaken).toBe(runs.length);
      await w2.shutdown();
      await running;
    } finally {
      await other.close();
    }
  });

  it('a cron of 7 fields or one that never fires is refused by create and update; nothing is written', async () => {
    const env = await openTestEnv();
    const { client, store } = env.baton;
    const create = vi.spyOn(store.schedules, 'create');
    const write = vi.spyOn(store.schedules, 'write');
    const attempt = (cron: string | string[]) =>
      client.schedule.create({
        scheduleId: 'bad-cron',
        spec: { cron },
        action: { workflow: echo, taskQueue: 'sched' },
      });
    await expect(attempt('0 0 0 1 1 * 2030')).rejects.toThrow(ValidationError);
    await expect(attempt('0 0 0 1 1 * 2030')).rejects.toThrow(
      /^spec\.cron: expected 5 fields `minute hour day-of-month month day-of-week`, or 6 with seconds first .*; got "0 0 0 1 1 \* 2030" \(7 fields\)$/,
    );
    await expect(attempt(['0 9 * * *', '0 0 30 2 *'])).rejects.toThrow(
      /^spec\.cron\[1\]: "0 0 30 2 \*" never fires: no date matches it/,
    );
    expect(create).not.toHaveBeenCalled();
    expect(await client.schedule.list()).toEqual([]);
    await expect(client.schedule.getHandle('bad-cron').describe()).rejects.toThrow(ScheduleNotFoundError);

    const handle = await client.schedule.create({
      scheduleId: 'good-cron',
      spec: { cron: '0 9 * * *' },
      action: { workflow: echo, taskQueue: 'sched' },
      state: { paused: true },
    });
    const before = await handle.describe();
    await expect(handle.update({ spec: { cron: '0 0 31 4 *' } })).rejects.toThrow(
      /^spec\.cron: "0 0 31 4 \*" never fires/,
    );
    await expect(handle.update(() => ({ spec: { cron: ['* * * * * * *'] } }))).rejects.toThrow(
      /^spec\.cron\[0\]: expected 5 fields .*\(7 fields\)$/,
    );
    expect(write).not.toHaveBeenCalled();
    const after = await handle.describe();
    expect(after.spec.cron).toEqual(['0 9 * * *']);
    expect(after.conflictToken).toBe(before.conflictToken);
    expect(after.info.lastUpdatedAt).toEqual(before.info.lastUpdatedAt);
  });

  it('an interval above 100 years, or a spec with no time before endAt, is refused before anything is written', async () => {
    const env = await openTestEnv();
    const { client, store } = env.baton;
    const create = vi.spyOn(store.schedules, 'create');
    const write = vi.spyOn(store.schedules, 'write');
    const attempt = (spec: ScheduleSpec) =>
      client.schedule.create({ scheduleId: 'never', spec, action: { workflow: echo, taskQueue: 'sched' } });
    await expect(attempt({ intervals: [{ every: '99999999999d' }] })).rejects.toThrow(
      /^spec\.intervals\[0\]\.every: expected at most 100 years \(36500d\)/,
    );
    const inAMonth = new Date(Date.now() + 30 * 86_400_000);
    await expect(attempt({ cron: '0 0 1 1 *', endAt: inAMonth })).rejects.toThrow(
      /^spec\.endAt: .*no time of the spec falls between startAt and endAt/,
    );
    expect(create).not.toHaveBeenCalled();
    expect(await client.schedule.list()).toEqual([]);

    const handle = await client.schedule.create({
      scheduleId: 'hourly',
      spec: { intervals: [{ every: '1h' }] },
      action: { workflow: echo, taskQueue: 'sched' },
      state: { paused: true },
    });
    await expect(
      handle.update({ spec: { intervals: [{ every: '1h' }], endAt: new Date(Date.now() - 1000) } }),
    ).rejects.toThrow(/^spec\.endAt: .* is in the past: no time of the spec falls between startAt and endAt/);
    expect(write).not.toHaveBeenCalled();
    expect((await handle.describe()).spec.endAt).toBeUndefined();
  });
});
