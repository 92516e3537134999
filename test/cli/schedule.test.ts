/**
 * `baton schedule …` as real child processes on a SQLite file, with a worker in the test process
 * on the same file (its scheduler starts the runs): create, list and describe for people and with
 * --json; a trigger on a paused schedule and a backfill start runs that complete; pause and
 * unpause; delete.
 */
import { describe, it, type ExpectStatic } from 'vitest';
import type { ScheduleDescription } from '../../src/index.js';
import { CLI_TIMEOUT_MS, QUEUE, ok, okJson, oneErrorLine, useCliEnv } from './cli-env.js';

const env = useCliEnv('baton-cli-schedule-');

/** The start of `baton schedule create ID` for the test's Greet workflow on its task queue. */
function createGreet(id: string): string[] {
  return ['schedule', 'create', id, '--workflow', 'Greet', '--task-queue', QUEUE];
}

/** A schedule's description as `baton schedule describe ID --json` prints it (times as ISO text). */
type Described = Omit<ScheduleDescription, 'info'> & {
  info: Omit<ScheduleDescription['info'], 'recentActions' | 'nextActionTimes'> & {
    recentActions: { scheduledAt: string; takenAt: string; workflowId: string; runId: string }[];
    nextActionTimes: string[];
  };
};

async function described(id: string): Promise<Described> {
  return okJson<Described>(await env.run('schedule', 'describe', id, '--json'));
}

/**
 * Waits until the schedule has taken `count` actions; returns their workflowIds, oldest first.
 * `expect` is the test's own (expect.poll needs it in concurrent tests).
 */
async function actionsTaken(expect: ExpectStatic, id: string, count: number): Promise<string[]> {
  const handle = env.baton.client.schedule.getHandle(id);
  await expect
    .poll(async () => (await handle.describe()).info.recentActions.length, { timeout: 60_000 })
    .toBe(count);
  return (await handle.describe()).info.recentActions.map((a) => a.workflowId);
}

describe.concurrent('baton schedule (CLI, child processes)', { timeout: CLI_TIMEOUT_MS }, () => {
  it('create → list shows it → describe (for people and --json) shows every option', async ({ expect }) => {
    const created = await env.run(
      ...createGreet('report'),
      '--cron',
      '0 9 * * MON-FRI',
      '--timezone',
      'Europe/Paris',
      '--every',
      '90m',
      '--offset',
      '15m',
      '--input',
      '"Sacha"',
      '--workflow-id',
      'report-run',
      '--overlap',
      'BufferOne',
      '--catchup-window',
      '1h',
      '--pause-on-failure',
      '--note',
      'weekday reports',
    );
    expect(ok(created)).toMatch(
      /^created schedule report: Greet on task queue baton-dev, 0 9 \* \* MON-FRI \(Europe\/Paris\); every 1h30m offset 15m \(next run \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\n$/,
    );

    const [table, json, people, d] = await Promise.all([
      env.run('schedule', 'list'),
      env.run('schedule', 'list', '--json'),
      env.run('schedule', 'describe', 'report'),
      described('report'),
    ]);
    const lines = ok(table).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SCHEDULE ID\s+WORKFLOW TYPE\s+SPEC\s+PAUSED\s+NEXT RUN$/);
    const row = lines.find((l) => l.startsWith('report '));
    expect(row).toMatch(
      /^report\s+Greet\s+0 9 \* \* MON-FRI \(Europe\/Paris\); every 1h30m offset 15m\s+no\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    const { schedules } = okJson<{ schedules: Record<string, unknown>[] }>(json);
    expect(schedules.find((s) => s.scheduleId === 'report')).toMatchObject({
      workflowType: 'Greet',
      taskQueue: QUEUE,
      spec: { cron: ['0 9 * * MON-FRI'], intervals: [{ every: 5_400_000, offset: 900_000 }] },
      state: { paused: false, note: 'weekday reports' },
    });
    expect(ok(people)).toContain('\noverlap           BUFFER_ONE\n');
    expect(d).toMatchObject({
      scheduleId: 'report',
      spec: {
        cron: ['0 9 * * MON-FRI'],
        intervals: [{ every: 5_400_000, offset: 900_000 }],
        timezone: 'Europe/Paris',
      },
      action: { workflowType: 'Greet', taskQueue: QUEUE, workflowId: 'report-run', args: ['Sacha'] },
      policies: { overlap: 'BUFFER_ONE', catchupWindow: 3_600_000, pauseOnFailure: true },
      state: { paused: false, note: 'weekday reports' },
    });
    expect(d.info.nextActionTimes).toHaveLength(10);
    expect(d.info.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('create and delete echo the schedule id and workflow type escaped, as list shows them', async ({
    expect,
  }) => {
    const id = 'evil\u001b[2J\nrow';
    const created = await env.run(
      'schedule',
      'create',
      id,
      '--workflow',
      'Gr\u001beet\n',
      '--task-queue',
      QUEUE,
      '--every',
      '1h',
      '--paused',
    );
    expect(ok(created)).toBe(
      'created schedule evil\\u001b[2J\\nrow: Gr\\u001beet\\n on task queue baton-dev, every 1h (paused)\n',
    );
    const row = ok(await env.run('schedule', 'list'))
      .split('\n')
      .find((l) => l.startsWith('evil'));
    expect(row).toMatch(/^evil\\u001b\[2J\\nrow\s+Gr\\u001beet\\n\s+every 1h\s+yes\s+-$/);
    expect(ok(await env.run('schedule', 'delete', id))).toBe('deleted schedule evil\\u001b[2J\\nrow\n');
  });

  it('trigger on a paused schedule starts a run, named after the schedule, that completes', async ({
    expect,
  }) => {
    const created = await env.run(
      ...createGreet('greeter'),
      '--every',
      '1h',
      '--input',
      '"Pikachu"',
      '--paused',
      '--json',
    );
    expect(okJson(created)).toMatchObject({ scheduleId: 'greeter', state: { paused: true, note: '' } });
    expect(ok(await env.run('schedule', 'trigger', 'greeter'))).toBe(
      'triggered schedule greeter: a worker on the store starts the run within about a second\n',
    );

    const [workflowId] = await actionsTaken(expect, 'greeter', 1);
    expect(workflowId).toMatch(/^greeter-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await env.baton.client.getHandle(workflowId!).result()).toBe('Hello, Pikachu!');
    const [runExit, d] = await Promise.all([
      env.run('describe', workflowId!, '--json'),
      described('greeter'),
    ]);
    const run = okJson(runExit);
    expect(run).toMatchObject({ workflowId, workflowType: 'Greet', status: 'COMPLETED' });
    expect(d.state.paused).toBe(true);
    expect(d.info.numActionsTaken).toBe(1);
    expect(d.info.recentActions[0]).toMatchObject({ workflowId, runId: run.runId });
  });

  it('backfill runs every nominal time of the range, paused or not', async ({ expect }) => {
    ok(await env.run(...createGreet('backfilled'), '--every', '1h', '--input', '"Eevee"', '--paused'));
    const exit = await env.run(
      'schedule',
      'backfill',
      'backfilled',
      '--start',
      '2024-01-01T00:00:00Z',
      '--end',
      '2024-01-01T02:00:00+00:00',
      '--overlap',
      'allow-all',
    );
    expect(ok(exit)).toBe(
      'backfill of schedule backfilled from 2024-01-01T00:00:00Z to 2024-01-01T02:00:00Z requested\n',
    );
    const ids = await actionsTaken(expect, 'backfilled', 3);
    expect(ids).toEqual([
      'backfilled-2024-01-01T00:00:00Z',
      'backfilled-2024-01-01T01:00:00Z',
      'backfilled-2024-01-01T02:00:00Z',
    ]);
    for (const id of ids) expect(await env.baton.client.getHandle(id).result()).toBe('Hello, Eevee!');
  });

  it('pause and unpause: state, note and next runs', async ({ expect }) => {
    ok(await env.run(...createGreet('toggled'), '--every', '1d'));
    expect(ok(await env.run('schedule', 'pause', 'toggled', '--note', 'holidays'))).toBe(
      'paused schedule toggled: holidays\n',
    );
    const [paused, list] = await Promise.all([described('toggled'), env.run('schedule', 'list')]);
    expect(paused.state).toEqual({ paused: true, note: 'holidays' });
    expect(paused.info.nextActionTimes).toEqual([]);
    expect(ok(list)).toMatch(/\ntoggled\s+Greet\s+every 1d\s+yes\s+-\n/);

    const unpaused = okJson(await env.run('schedule', 'unpause', 'toggled', '--json'));
    expect(unpaused).toEqual({ scheduleId: 'toggled', paused: false, note: 'Unpaused via client' });
    const [d, people] = await Promise.all([described('toggled'), env.run('schedule', 'describe', 'toggled')]);
    expect(d.state.paused).toBe(false);
    expect(d.info.nextActionTimes[0]).toMatch(/T00:00:00\.000Z$/);
    expect(ok(people)).toMatch(/\nnextRuns {10}\d{4}-\d\d-\d\dT00:00:00Z, \d{4}-\d\d-\d\dT00:00:00Z, /);
  });

  it('delete: the schedule is gone (describe and delete again exit 2), its runs stay', async ({ expect }) => {
    ok(await env.run(...createGreet('doomed'), '--every', '1h', '--paused', '--input', '"Ditto"'));
    ok(await env.run('schedule', 'trigger', 'doomed'));
    const [workflowId] = await actionsTaken(expect, 'doomed', 1);
    expect(okJson(await env.run('schedule', 'delete', 'doomed', '--json'))).toEqual({
      scheduleId: 'doomed',
      deleted: true,
    });
    const [again, describeExit, list] = await Promise.all([
      env.run('schedule', 'delete', 'doomed'),
      env.run('schedule', 'describe', 'doomed'),
      env.run('schedule', 'list', '--json'),
    ]);
    expect(oneErrorLine(again)).toBe("baton: schedule 'doomed' not found");
    expect(oneErrorLine(describeExit)).toBe("baton: schedule 'doomed' not found");
    const ids = okJson<{ schedules: { scheduleId: string }[] }>(list).schedules.map((s) => s.scheduleId);
    expect(ids).not.toContain('doomed');
    expect(await env.baton.client.getHandle(workflowId!).result()).toBe('Hello, Ditto!');
  });
});
