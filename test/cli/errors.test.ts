/**
 * Exit 2 and one line on stderr for what a user can fix: an unknown workflowId or runId for each
 * command that takes one, --input that is not JSON (the message names the --input and the
 * position), a closed execution, a store file that does not exist or is not a store, a bad
 * --query, bad option values.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { greet } from '../fixtures/cli-workflows.js';
import { runBaton } from '../support/cli.js';
import { CLI_TIMEOUT_MS, QUEUE, oneErrorLine, useCliEnv } from './cli-env.js';

const env = useCliEnv('baton-cli-errors-');

const NOT_FOUND = "baton: workflow execution 'no-such-id' not found";

describe.concurrent('usage errors (CLI, child processes)', { timeout: CLI_TIMEOUT_MS }, () => {
  it.each([
    [['describe', 'no-such-id']],
    [['show', 'no-such-id', '--json']],
    [['history', 'no-such-id']],
    [['history', 'no-such-id', '--follow']],
    [['result', 'no-such-id']],
    [['signal', 'no-such-id', 'throwBall', '--input', '"ultra"']],
    [['query', 'no-such-id', 'hp']],
    [['update', 'no-such-id', 'heal', '--input', '1']],
    [['cancel', 'no-such-id']],
    [['terminate', 'no-such-id', '--reason', 'why']],
    [['reset', 'no-such-id', '--to', '3']],
  ])('an unknown workflowId: %j exits 2 with one line', async (args) => {
    expect(oneErrorLine(await env.run(...args))).toBe(NOT_FOUND);
  });

  it('an unknown runId of a known workflowId exits 2 with one line', async () => {
    await env.baton.client.execute(greet, { workflowId: 'known-1', taskQueue: QUEUE, args: ['x'] });
    const exit = await env.run('describe', 'known-1', '--run-id', 'no-such-run');
    expect(oneErrorLine(exit)).toBe("baton: workflow execution 'known-1' (run no-such-run) not found");
  });

  it('a signal to a closed execution exits 2 with one line', async () => {
    await env.baton.client.execute(greet, { workflowId: 'closed-1', taskQueue: QUEUE, args: ['x'] });
    const line = oneErrorLine(await env.run('signal', 'closed-1', 'throwBall'));
    expect(line).toMatch(
      /^baton: workflow execution already closed \(COMPLETED\): workflowId 'closed-1', runId '[\w-]+'$/,
    );
  });

  it.each([
    [
      ['start', 'Greet', '--input', '"a"', '--input', '{"name":}'],
      "--input #2 ('{\"name\":}') is not valid JSON: unexpected '}' at position 8",
    ],
    [
      ['signal', 'x', 'throwBall', '--input', "'ultra'"],
      `--input #1 (''ultra'') is not valid JSON: unexpected "'" at position 0; JSON strings take double quotes`,
    ],
    [
      ['query', 'x', 'hp', '--input', '[1,'],
      "--input #1 ('[1,') is not valid JSON: unexpected end of input at position 3",
    ],
    [
      ['update', 'x', 'heal', '--input', '1', '--input', '2', '--input', '{x}'],
      "--input #3 ('{x}') is not valid JSON: unexpected 'x' at position 1",
    ],
  ])('malformed JSON: %j exits 2 naming the --input and the position', async (args, message) => {
    expect(oneErrorLine(await env.run(...args))).toBe(`baton: ${message}`);
  });

  it('a bare word as --input gets a hint about JSON quotes', async () => {
    const line = oneErrorLine(await env.run('start', 'Greet', '--input', 'Sacha'));
    expect(line).toBe(
      `baton: --input #1 ('Sacha') is not valid JSON: unexpected 'S' at position 0; a string needs JSON quotes, e.g. --input '"Sacha"'`,
    );
  });

  it('a bad --query exits 2 naming the position', async () => {
    const line = oneErrorLine(await env.run('list', '--query', 'Team = "kanto" OR Team = "johto"'));
    expect(line).toBe(
      "baton: --query at position 15: expected AND or the end of the query, found 'OR' (only AND is supported)",
    );
  });

  it('a store file that does not exist, or is not a store, exits 2 with one line', async () => {
    const missing = join(dirname(env.file), 'missing.db');
    const foreign = join(dirname(env.file), 'foreign.db');
    writeFileSync(foreign, 'not a database, just text');
    const [noFile, notStore] = await Promise.all([
      runBaton(['list', '--store', `sqlite:${missing}`]),
      runBaton(['describe', 'x'], { BATON_STORE: `sqlite:${foreign}` }),
    ]);
    expect(oneErrorLine(noFile)).toBe(
      `baton: store sqlite:${missing} not found (no file at ${missing}); expected the store of a running \`baton dev\` or \`baton worker\`: name it with --store or BATON_STORE`,
    );
    expect(oneErrorLine(notStore)).toMatch(/^baton: store error: .*foreign\.db/);
  });

  it('usage errors of commander exit 2 with one line prefixed baton:, naming the option', async () => {
    const cases = [
      [
        ['list', '--status', 'sleeping'],
        "option '--status <status>' argument 'sleeping' is invalid. expected one of running, completed, failed, canceled, terminated, timed_out, continued_as_new.",
      ],
      [['list', '--limit', '0'], "option '--limit <n>' argument '0' is invalid. expected an integer ≥ 1."],
      [
        ['start', 'Greet', '--id-reuse-policy', 'bogus'],
        "option '--id-reuse-policy <policy>' argument 'bogus' is invalid. Allowed choices are ALLOW_DUPLICATE, ALLOW_DUPLICATE_FAILED_ONLY, REJECT_DUPLICATE, TERMINATE_IF_RUNNING.",
      ],
      [['terminate', 'x'], "required option '--reason <text>' not specified"],
      [['list', '--jsn'], "unknown option '--jsn' (Did you mean --json?)"],
      [['frobnicate'], "unknown command 'frobnicate'"],
    ] as const;
    const exits = await Promise.all(cases.map(([args]) => env.run(...args)));
    exits.forEach((exit, i) => {
      expect(oneErrorLine(exit)).toBe(`baton: ${cases[i]![1]} (add --help for usage)`);
    });
  });
});
