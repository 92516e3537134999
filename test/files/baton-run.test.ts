/**
 * Baton's workflow files running on the engine (real SQLite store, real worker): the capture
 * against the Pokémon activities, foreach, missing paths, dependency states, if, compensations.
 */
import { describe, expect, it } from 'vitest';
import { captureActivities } from '../../examples/pokemon/activities.js';
import { mewtwo, sacha } from '../../examples/pokemon/domain.js';
import { CombatService, PokeballService, StatusService } from '../../examples/pokemon/services.js';
import { runWorkflowFiles } from '../support/workflow-files.js';

/** Runs one Baton file given as text. */
function runText(text: string, options: Parameters<typeof runWorkflowFiles>[1] = {}) {
  return runWorkflowFiles([], { ...options, texts: { 'wf.yaml': text } });
}

describe('Baton format: running files', () => {
  it('captures Mewtwo with examples/files/capture.yaml and the Pokémon activities', async () => {
    const run = await runWorkflowFiles(['examples/files/capture.yaml'], {
      input: { trainer: sacha(), pokemon: mewtwo() },
      activities: captureActivities(new StatusService(), new CombatService(), new PokeballService()),
    });
    expect(run.failure).toBeUndefined();
    expect(run.status).toBe('COMPLETED');
    const result = run.result as {
      trainer: { pokemons: { name: string }[] };
      pokemon: Record<string, unknown>;
    };
    expect(result.pokemon).toMatchObject({
      name: 'Mewtwo',
      status: 'PAR',
      currentHealth: 50,
      trainerName: 'Sacha',
    });
    expect(result.trainer.pokemons.map((p) => p.name)).toEqual(['Pikachu', 'Mewtwo']);
    expect(run.steps).toEqual({ paralyze: 'COMPLETED', attack: 'COMPLETED', throwPokeball: 'COMPLETED' });
  });

  it('compensates newest first when the throw fails for good', async () => {
    const calls: string[] = [];
    const base = captureActivities(
      new StatusService(),
      new CombatService(),
      new PokeballService({ failFirst: 10 }),
    );
    const activities = Object.fromEntries(
      Object.entries(base).map(([name, fn]) => [
        name,
        async (...args: never[]) => {
          calls.push(name);
          return (fn as (...a: never[]) => Promise<unknown>)(...args);
        },
      ]),
    );
    const run = await runWorkflowFiles(['examples/files/capture.yaml'], {
      input: { trainer: sacha(), pokemon: mewtwo() },
      activities,
    });
    expect(run.status).toBe('FAILED');
    expect(calls).toEqual([
      'paralyze',
      'attack',
      'throwPokeball',
      'throwPokeball',
      'throwPokeball',
      'heal',
      'cure',
    ]);
    expect(run.steps).toEqual({ paralyze: 'COMPENSATED', attack: 'COMPENSATED', throwPokeball: 'FAILED' });
  });

  it('completes a foreach over [] at once with []', async () => {
    const run = await runText(
      [
        'name: each',
        'inputs:',
        '  items: { type: array, default: [] }',
        'steps:',
        '  greet:',
        '    foreach: "${inputs.items}"',
        '    action: { echo: "hello ${item}" }',
      ].join('\n'),
    );
    expect(run.status).toBe('COMPLETED');
    expect(run.result).toEqual({ greet: [] });
    expect(run.history.filter((e) => e.eventType === 'ActivityTaskScheduled')).toEqual([]);
  });

  it('runs a foreach per item, in parallel or in sequence, with item, index and output', async () => {
    const run = await runText(
      [
        'name: each',
        'inputs:',
        '  items: { type: array }',
        'steps:',
        '  par:',
        '    foreach: "${inputs.items}"',
        '    action: { echo: "${item * 10}" }',
        '    output: "${result + index}"',
        '  seq:',
        '    foreach: "${steps.par.output}"',
        '    parallel: false',
        '    dependsOn: [par]',
        '    action: { echo: "#${index}=${item}" }',
      ].join('\n'),
      { input: { items: [1, 2, 3] } },
    );
    expect(run.failure).toBeUndefined();
    expect(run.result).toEqual({ par: [10, 21, 32], seq: ['#0=10', '#1=21', '#2=32'] });
    expect(run.steps).toMatchObject({ par: 'COMPLETED', 'par[2]': 'COMPLETED', 'seq[0]': 'COMPLETED' });
  });

  it('fails a foreach over a missing field with "not an array"', async () => {
    const run = await runText(
      [
        'name: each',
        'inputs:',
        '  items: { type: array }',
        'steps:',
        '  greet:',
        '    foreach: "${inputs.items}"',
        '    action: { echo: "${item}" }',
      ].join('\n'),
      { input: {} },
    );
    expect(run.status).toBe('FAILED');
    expect(run.failure?.message).toContain(
      "step 'greet': foreach `${inputs.items}` is not an array (got nothing",
    );
    expect(run.failure?.message).toContain("no such key 'items' (at inputs)");
    expect(run.steps).toEqual({ greet: 'FAILED' });
  });

  it('fails a step reading user.nmae, naming the step and the path; later steps never run', async () => {
    const run = await runText(
      [
        'name: greet',
        'inputs:',
        '  user: { type: object }',
        'steps:',
        '  hello:',
        '    action: { echo: "hello" }',
        '  greet:',
        '    action: { echo: "hi ${inputs.user.nmae}" }',
        '  after:',
        '    action: { echo: "never" }',
      ].join('\n'),
      { input: { user: { name: 'ada' } } },
    );
    expect(run.status).toBe('FAILED');
    expect(run.failure?.message).toBe(
      "step 'greet': expression `inputs.user.nmae`: no such key 'nmae' (at inputs.user)",
    );
    expect(run.steps).toEqual({ hello: 'COMPLETED', greet: 'FAILED' });
    const scheduled = run.history.filter((e) => e.eventType === 'ActivityTaskScheduled');
    expect(scheduled).toHaveLength(1);
  });

  it('runs a DAG with dependency states and if', async () => {
    const run = await runText(
      [
        'name: dag',
        'inputs:',
        '  n: { type: integer }',
        'steps:',
        '  start:',
        '    action: { echo: "${inputs.n}" }',
        '  big:',
        '    dependsOn: [start]',
        '    if: "${steps.start.output > 10}"',
        '    action: { echo: big }',
        '  boom:',
        '    dependsOn: [start]',
        '    action: { sleep: "${\'no duration\'}" }',
        '  onBoom:',
        '    dependsOn: ["boom:FAILED"]',
        '    action: { echo: "${steps.boom.error.type}" }',
        '  afterBig:',
        '    dependsOn: [big]',
        '    action: { echo: unreachable }',
        '  whenSkipped:',
        '    dependsOn: ["big:SKIPPED", "boom:ANY"]',
        '    action: { echo: "${steps.big.state}" }',
      ].join('\n'),
      { input: { n: 3 } },
    );
    expect(run.failure).toBeUndefined();
    expect(run.status).toBe('COMPLETED');
    expect(run.steps).toEqual({
      start: 'COMPLETED',
      big: 'SKIPPED',
      boom: 'FAILED',
      onBoom: 'COMPLETED',
      afterBig: 'SKIPPED',
      whenSkipped: 'COMPLETED',
    });
    expect(run.result).toMatchObject({ onBoom: 'InvalidDuration', whenSkipped: 'SKIPPED', big: null });
  });
});
