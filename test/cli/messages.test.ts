/**
 * `baton signal`, `query` and `update` as child processes, answered by the worker in the test
 * process (queries and updates need a worker running the workflow on the store).
 */
import { describe, expect, it } from 'vitest';
import { encounter } from '../fixtures/cli-workflows.js';
import { CLI_TIMEOUT_MS, QUEUE, ok, okJson, useCliEnv } from './cli-env.js';

const env = useCliEnv('baton-cli-messages-');

/** Starts an Encounter with `hp` as `id` (the worker in this process runs it). */
async function encounterStarted(id: string, hp: number): Promise<void> {
  await env.baton.client.start(encounter, {
    workflowId: id,
    taskQueue: QUEUE,
    args: [{ name: 'Mewtwo', hp }],
  });
}

describe.concurrent('signal, query, update (CLI, child processes)', { timeout: CLI_TIMEOUT_MS }, () => {
  it('signal: each --input is one argument; the workflow gets it; --json', async () => {
    await encounterStarted('signal-1', 50);
    await encounterStarted('signal-2', 50);
    const [people, json] = await Promise.all([
      env.run('signal', 'signal-1', 'throwBall', '--input', '"ultra"'),
      env.run('signal', 'signal-2', 'throwBall', '--input', '"great"', '--json'),
    ]);
    expect(ok(people)).toBe('signal throwBall sent to workflow execution signal-1\n');
    expect(okJson(json)).toEqual({ workflowId: 'signal-2', signal: 'throwBall', sent: true });
    expect(await env.baton.client.getHandle('signal-1').result()).toBe('caught Mewtwo with a ultra ball');
    expect(await env.baton.client.getHandle('signal-2').result()).toBe('caught Mewtwo with a great ball');
  });

  it('query: prints the answer of the worker; --json', async () => {
    await encounterStarted('query-1', 42);
    const [people, json] = await Promise.all([
      env.run('query', 'query-1', 'hp'),
      env.run('query', 'query-1', 'hp', '--json'),
    ]);
    expect(ok(people)).toBe('42\n');
    expect(okJson(json)).toEqual({ workflowId: 'query-1', query: 'hp', result: 42 });
  });

  it('query: a handler that throws exits 1 (--json: a failure document on stdout)', async () => {
    await encounterStarted('query-2', 42);
    const [people, json] = await Promise.all([
      env.run('query', 'query-2', 'pokedex'),
      env.run('query', 'query-2', 'pokedex', '--json'),
    ]);
    expect(people.code).toBe(1);
    expect(people.stdout).toBe('');
    expect(people.stderr).toContain('the Pokédex has no entry for Mewtwo');
    expect(json.code, json.stderr).toBe(1);
    expect(json.stderr).toBe('');
    const doc = JSON.parse(json.stdout) as {
      workflowId: string;
      query: string;
      failure: { message: string }[];
    };
    expect(doc).toMatchObject({ workflowId: 'query-2', query: 'pokedex' });
    expect(doc.failure[0]!.message).toContain('the Pokédex has no entry for Mewtwo');
  });

  it('update: prints the result; a rejected update exits 1 with its cause (--json: a failure document)', async () => {
    await encounterStarted('update-1', 50);
    const [people, rejected, rejectedJson] = await Promise.all([
      env.run('update', 'update-1', 'heal', '--input', '20', '--update-id', 'heal-1'),
      env.run('update', 'update-1', 'heal', '--input', '-5'),
      env.run('update', 'update-1', 'heal', '--input', '-6', '--json'),
    ]);
    expect(ok(people)).toBe('70\n');
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toBe('');
    expect(rejected.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^baton: update '[\w-]+' rejected: heal: expected a positive amount, got -5$/,
      ) as string,
      '  ApplicationFailure [Error]: heal: expected a positive amount, got -5',
    ]);
    // --json: a failure document on stdout, as `result --json`; the exit code is the same.
    expect(rejectedJson.code, rejectedJson.stderr).toBe(1);
    expect(rejectedJson.stderr).toBe('');
    expect(rejectedJson.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(rejectedJson.stdout)).toEqual({
      workflowId: 'update-1',
      update: 'heal',
      failure: [
        { name: 'ApplicationFailure', message: 'heal: expected a positive amount, got -6', type: 'Error' },
      ],
    });
    // The same update id gets the first outcome: the handler ran once.
    const again = await env.run(
      'update',
      'update-1',
      'heal',
      '--input',
      '20',
      '--update-id',
      'heal-1',
      '--json',
    );
    expect(okJson(again)).toEqual({ workflowId: 'update-1', update: 'heal', result: 70 });
  });
});
