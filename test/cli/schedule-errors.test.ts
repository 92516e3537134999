/**
 * `baton schedule …` usage errors as real child processes: exit 2 and one line on stderr naming
 * the unknown schedule, the taken id, or the option and the values it expects. Nothing is written
 * for a refused create.
 */
import { describe, expect, it } from 'vitest';
import { CLI_TIMEOUT_MS, QUEUE, ok, okJson, oneErrorLine, useCliEnv } from './cli-env.js';

const env = useCliEnv('baton-cli-schedule-errors-');

const CREATE = ['schedule', 'create', 'bad', '--workflow', 'Greet', '--task-queue', QUEUE];
const WHOLE_SECONDS = "whole seconds such as '30s', '5m', '1h', '1d'";

describe.concurrent('baton schedule usage errors (CLI, child processes)', { timeout: CLI_TIMEOUT_MS }, () => {
  it.each([
    [['describe', 'no-such-schedule']],
    [['describe', 'no-such-schedule', '--json']],
    [['pause', 'no-such-schedule', '--note', 'x']],
    [['unpause', 'no-such-schedule']],
    [['trigger', 'no-such-schedule']],
    [['backfill', 'no-such-schedule', '--start', '2024-01-01', '--end', '2024-01-02']],
    [['delete', 'no-such-schedule']],
  ])('an unknown schedule id: %j exits 2 with one line naming it', async (args) => {
    expect(oneErrorLine(await env.run('schedule', ...args))).toBe(
      "baton: schedule 'no-such-schedule' not found",
    );
  });

  it('a schedule id taken exits 2: already exists; the schedule is unchanged', async () => {
    ok(
      await env.run(
        'schedule',
        'create',
        'taken',
        '--workflow',
        'Greet',
        '--task-queue',
        QUEUE,
        '--every',
        '1h',
      ),
    );
    const exit = await env.run(
      'schedule',
      'create',
      'taken',
      '--workflow',
      'Other',
      '--task-queue',
      QUEUE,
      '--every',
      '2h',
    );
    expect(oneErrorLine(exit)).toBe(
      "baton: schedule 'taken' already exists (delete it first, or choose another id)",
    );
    const d = await env.baton.client.schedule.getHandle('taken').describe();
    expect(d.action.workflowType).toBe('Greet');
    expect(d.spec.intervals).toEqual([{ every: 3_600_000, offset: 0 }]);
  });

  it.each([
    [
      ['--every', '500ms'],
      `option '--every <duration>' argument '500ms' is invalid. expected a duration of ${WHOLE_SECONDS}, at least 1s. (add --help for usage)`,
    ],
    [
      ['--every', 'soon'],
      `option '--every <duration>' argument 'soon' is invalid. expected a duration of ${WHOLE_SECONDS}, at least 1s. (add --help for usage)`,
    ],
    [
      ['--every', '60'],
      "option '--every <duration>' argument '60' is invalid. expected a duration with a unit, e.g. 30s, 5m, 1h; got 60. (add --help for usage)",
    ],
    [
      ['--every', '1000'],
      "option '--every <duration>' argument '1000' is invalid. expected a duration with a unit, e.g. 30s, 5m, 1h; got 1000. (add --help for usage)",
    ],
    [
      ['--every', '99999999999d'],
      "option '--every <duration>' argument '99999999999d' is invalid. expected at most 100 years (36500d). (add --help for usage)",
    ],
    [
      ['--every', '1h', '--offset', '30'],
      "option '--offset <duration>' argument '30' is invalid. expected a duration with a unit, e.g. 30s, 5m, 1h; got 30. (add --help for usage)",
    ],
    [
      ['--every', '1h', '--catchup-window', '60'],
      "option '--catchup-window <duration>' argument '60' is invalid. expected a duration with a unit, e.g. 30s, 5m, 1h; got 60. (add --help for usage)",
    ],
    [
      ['--cron', '@every 5m'],
      `--cron #1: expected 5 fields \`minute hour day-of-month month day-of-week\`, or 6 with seconds first \`second minute hour day-of-month month day-of-week\`, or a nickname (@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly); got "@every 5m" (2 fields); Temporal's @every is written spec.intervals: [{ every: '5m' }] (CLI: --every 5m)`,
    ],
    [
      ['--every', '1h', '--offset', '1.5s'],
      `option '--offset <duration>' argument '1.5s' is invalid. expected a duration of ${WHOLE_SECONDS}, below --every. (add --help for usage)`,
    ],
    [['--every', '1h', '--offset', '2h'], '--offset 2h: expected less than --every (1h)'],
    [['--cron', '@daily', '--offset', '5m'], '--offset needs --every'],
    [
      ['--every', '1h', '--catchup-window', '10ms'],
      "option '--catchup-window <duration>' argument '10ms' is invalid. expected a duration of at least 1s such as '1m', '1h', '7d'. (add --help for usage)",
    ],
    [
      ['--every', '1h', '--overlap', 'sometimes'],
      "option '--overlap <policy>' argument 'sometimes' is invalid. expected one of SKIP, BUFFER_ONE, BUFFER_ALL, CANCEL_OTHER, TERMINATE_OTHER, ALLOW_ALL (any case). (add --help for usage)",
    ],
    [
      ['--cron', '@daily', '--timezone', 'Mars/Olympus'],
      "--timezone: expected an IANA time zone such as 'Europe/Paris', got 'Mars/Olympus'",
    ],
    [[], 'expected --cron EXPR or --every DURATION (when the schedule runs)'],
    [
      ['--every', '1h', '--input', 'Sacha'],
      `--input #1 ('Sacha') is not valid JSON: unexpected 'S' at position 0; a string needs JSON quotes, e.g. --input '"Sacha"'`,
    ],
  ])('create %j exits 2 naming the option and what it expects; nothing is created', async (args, message) => {
    expect(oneErrorLine(await env.run(...CREATE, ...args))).toBe(`baton: ${message}`);
    const ids = (await env.baton.client.schedule.list()).map((summary) => summary.scheduleId);
    expect(ids).not.toContain('bad');
  });

  it('a cron expression croner cannot read exits 2 naming which --cron', async () => {
    const line = oneErrorLine(await env.run(...CREATE, '--cron', '@daily', '--cron', 'every tuesday'));
    expect(line).toMatch(/^baton: --cron #2: expected .*every tuesday/);
  });

  it('a required option missing exits 2 naming it', async () => {
    const exits = await Promise.all([
      env.run('schedule', 'create', 'bad', '--task-queue', QUEUE, '--every', '1h'),
      env.run('schedule', 'create', 'bad', '--workflow', 'Greet', '--every', '1h'),
      env.run('schedule', 'backfill', 'bad', '--start', '2024-01-01'),
    ]);
    expect(exits.map((e) => oneErrorLine(e))).toEqual([
      "baton: required option '--workflow <type>' not specified (add --help for usage)",
      "baton: required option '--task-queue <name>' not specified (add --help for usage)",
      "baton: required option '--end <time>' not specified (add --help for usage)",
    ]);
  });

  it('backfill: a time that is not ISO 8601 with its zone, or a range that ends first, exits 2', async () => {
    const [noZone, word, reversed] = await Promise.all([
      env.run('schedule', 'backfill', 'x', '--start', '2024-01-01T09:00', '--end', '2024-01-02'),
      env.run('schedule', 'backfill', 'x', '--start', '2024-01-01', '--end', 'tomorrow'),
      env.run('schedule', 'backfill', 'x', '--start', '2024-01-02', '--end', '2024-01-01T12:00:00Z'),
    ]);
    const iso =
      'is invalid. expected an ISO 8601 time with its zone, e.g. 2024-01-01T09:00:00Z. (add --help for usage)';
    expect(oneErrorLine(noZone)).toBe(`baton: option '--start <time>' argument '2024-01-01T09:00' ${iso}`);
    expect(oneErrorLine(word)).toBe(`baton: option '--end <time>' argument 'tomorrow' ${iso}`);
    expect(oneErrorLine(reversed)).toBe(
      'baton: --end 2024-01-01T12:00:00Z: expected at or after --start (2024-01-02T00:00:00Z)',
    );
  });

  it('backfill: a date that does not exist (30 February, 31 April, hour 24) exits 2', async () => {
    const [february, april, hour] = await Promise.all([
      env.run('schedule', 'backfill', 'x', '--start', '2026-02-30', '--end', '2026-03-02'),
      env.run('schedule', 'backfill', 'x', '--start', '2026-04-01', '--end', '2026-04-31T00:00:00Z'),
      env.run('schedule', 'backfill', 'x', '--start', '2026-01-01T24:00:00Z', '--end', '2026-01-03'),
    ]);
    expect(oneErrorLine(february)).toBe(
      "baton: option '--start <time>' argument '2026-02-30' is invalid. expected a date that exists: 2026-02 has 28 days. (add --help for usage)",
    );
    expect(oneErrorLine(april)).toBe(
      "baton: option '--end <time>' argument '2026-04-31T00:00:00Z' is invalid. expected a date that exists: 2026-04 has 30 days. (add --help for usage)",
    );
    expect(oneErrorLine(hour)).toBe(
      "baton: option '--start <time>' argument '2026-01-01T24:00:00Z' is invalid. expected a time of day from 00:00:00 to 23:59:59. (add --help for usage)",
    );
  });

  it('a stored schedule whose next time is no date: list and describe still answer (no next run)', async () => {
    // As an earlier version stored `--every 99999999999d`.
    const everyMs = 99_999_999_999 * 86_400_000;
    const { client, store } = env.baton;
    await client.schedule.create({
      scheduleId: 'bent',
      spec: { intervals: [{ every: '1h' }] },
      action: { workflow: 'Greet', taskQueue: QUEUE },
      state: { paused: true },
    });
    const body = JSON.parse((await store.schedules.get('bent'))!.body) as Record<string, unknown>;
    await store.schedules.create({
      scheduleId: 'broken',
      body: JSON.stringify({
        ...body,
        state: { paused: false, note: '' },
        spec: { cron: [], intervals: [{ everyMs, offsetMs: 0 }], timezone: 'UTC', jitterMs: 0 },
        nextNominalMs: everyMs,
      }),
      args: undefined,
      wakeAtMs: everyMs,
      nowMs: Date.now(),
    });
    const [list, people, json] = await Promise.all([
      env.run('schedule', 'list'),
      env.run('schedule', 'describe', 'broken'),
      env.run('schedule', 'describe', 'broken', '--json'),
    ]);
    expect(ok(list)).toMatch(/\nbroken\s+Greet\s+every 99999999999d\s+no\s+-\n/);
    expect(ok(people)).toContain('\nnextRuns          -\n');
    expect(okJson<{ info: { nextActionTimes: unknown[] } }>(json).info.nextActionTimes).toEqual([]);
  });

  it('trigger --overlap with an unknown policy exits 2 naming the policies', async () => {
    const exit = await env.run('schedule', 'trigger', 'x', '--overlap', 'never');
    expect(oneErrorLine(exit)).toMatch(
      /^baton: option '--overlap <policy>' argument 'never' is invalid\. expected one of SKIP, /,
    );
  });
});
