/**
 * `baton schedule …` usage errors as real child processes: exit 2 and one line on stderr naming
 * the unknown schedule, the taken id, or the option and the values it expects. Nothing is written
 * for a refused create.
 */
import { describe, expect, it } from 'vitest';
import { CLI_TIMEOUT_MS, QUEUE, ok, oneErrorLine, useCliEnv } from './cli-env.js';

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

  it('trigger --overlap with an unknown policy exits 2 naming the policies', async () => {
    const exit = await env.run('schedule', 'trigger', 'x', '--overlap', 'never');
    expect(oneErrorLine(exit)).toMatch(
      /^baton: option '--overlap <policy>' argument 'never' is invalid\. expected one of SKIP, /,
    );
  });
});
