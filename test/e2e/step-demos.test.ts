/**
 * `baton demo orchestrator` (the capture as a step workflow; with `--fail-throw`, compensated) and
 * `baton demo helloworld` (two independent steps), as real child processes on temp SQLite files.
 */
import { describe, expect, it } from 'vitest';
import { completedActivities } from '../../src/cli/demo-runner.js';
import { Baton, silentLogger } from '../../src/index.js';
import { runBaton, tempStore, type Step } from '../support/cli.js';

interface DemoJson {
  workflowId: string;
  runId: string;
  graph: { name: string; mode: string; steps: { name: string; activity: string; dependsOn: string[] }[] };
  steps: Step[];
  result?: unknown;
  failedAt?: string;
  compensated?: boolean;
  compensations?: string[];
  error?: { name: string; message: string; type?: string }[];
}

function parseOne(stdout: string, stderr: string): DemoJson {
  const lines = stdout.trim().split('\n');
  expect(lines, `stdout: ${stdout}\nstderr: ${stderr}`).toHaveLength(1);
  return JSON.parse(lines[0]!) as DemoJson;
}

describe.concurrent('baton demo orchestrator / helloworld (CLI, child process)', () => {
  it('orchestrator: prints the graph and captures Mewtwo step by step', async () => {
    const store = `sqlite:${tempStore('baton-demo-orchestrator-')}`;
    const exit = await runBaton(['demo', 'orchestrator', '--store', store, '--json']);
    expect(exit.code, exit.stderr).toBe(0);
    const out = parseOne(exit.stdout, exit.stderr);
    expect(out.workflowId).toMatch(/^orchestrator-mewtwo-/);
    expect(out.graph.name).toBe('CapturePokemonSteps');
    expect(out.graph.steps.map((s) => `${s.name}:${s.dependsOn.join('+')}`)).toEqual([
      'Paralyze:',
      'Attack:Paralyze',
      'ThrowPokeball:Attack',
    ]);
    expect(out.steps.map((s) => `${s.activity}#${s.attempt}:${s.outcome}`)).toEqual([
      'paralyze#1:completed',
      'attack#1:completed',
      'throwPokeball#1:completed',
    ]);
    expect(out.result).toMatchObject({
      pokemon: { name: 'Mewtwo', status: 'PAR', currentHealth: 50, trainerName: 'Sacha' },
      trainer: { name: 'Sacha' },
    });
  });

  it('orchestrator --fail-throw: three failed throws, then heal and cure; exits 0', async () => {
    const file = tempStore('baton-demo-orchestrator-');
    const exit = await runBaton([
      'demo',
      'orchestrator',
      '--fail-throw',
      '--store',
      `sqlite:${file}`,
      '--json',
    ]);
    expect(exit.code, exit.stderr).toBe(0);
    const out = parseOne(exit.stdout, exit.stderr);
    expect(out.steps.map((s) => `${s.activity}#${s.attempt}:${s.outcome}`)).toEqual([
      'paralyze#1:completed',
      'attack#1:completed',
      'throwPokeball#1:failed',
      'throwPokeball#2:failed',
      'throwPokeball#3:failed',
      'heal#1:completed',
      'cure#1:completed',
    ]);
    expect(out.failedAt).toBe('ThrowPokeball');
    expect(out.compensated).toBe(true);
    expect(out.compensations).toEqual(['heal', 'cure']);
    expect(out.error?.map((e) => e.name)).toEqual([
      'WorkflowFailedError',
      'ActivityFailure',
      'ApplicationFailure',
    ]);
    expect(out.error?.at(-1)).toMatchObject({ type: 'PokeballServiceUnavailable' });

    const baton = await Baton.open(`sqlite:${file}`, { logger: silentLogger });
    try {
      const handle = baton.client.getHandle(out.workflowId);
      expect((await handle.describe()).status).toBe('FAILED');
      expect(await completedActivities(handle)).toEqual(['paralyze', 'attack', 'heal', 'cure']);
    } finally {
      await baton.close();
    }
  });

  it('orchestrator, for people: the graph comes before the steps', async () => {
    const exit = await runBaton([
      'demo',
      'orchestrator',
      '--store',
      `sqlite:${tempStore('baton-demo-orch-')}`,
    ]);
    expect(exit.code, exit.stderr).toBe(0);
    const text = exit.stdout;
    const order = [
      'Step workflow CapturePokemonSteps, 3 steps, a sequence',
      'Attack         run attack',
      'paralyze       attempt 1   completed',
      '(step ThrowPokeball)',
      'Mewtwo (level 50) captured by Sacha',
    ].map((needle) => text.indexOf(needle));
    expect(
      order.every((i) => i >= 0),
      text,
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('helloworld: two independent steps greet Sacha and Mewtwo', async () => {
    const exit = await runBaton([
      'demo',
      'helloworld',
      '--store',
      `sqlite:${tempStore('baton-demo-hello-')}`,
      '--json',
    ]);
    expect(exit.code, exit.stderr).toBe(0);
    const out = parseOne(exit.stdout, exit.stderr);
    expect(out.graph).toMatchObject({ name: 'HelloWorld', mode: 'dag' });
    expect(out.result).toEqual({ 'hello trainer': 'Hello, Sacha!', 'hello Pokémon': 'Hello, Mewtwo!' });
    expect(out.steps.map((s) => s.activity).sort()).toEqual(['helloPokemon', 'helloTrainer']);
  });
});
