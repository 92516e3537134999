/**
 * `baton demo capture` as real child processes on a temp SQLite file: a plain run, a run that
 * SIGKILLs itself right after paralyze is durable and a resume in a new process that does not run
 * paralyze again, and injected faults whose retries show in the steps.
 */
import { describe, expect, it } from 'vitest';
import { Baton, silentLogger } from '../../src/index.js';
import { runBaton, tempStore, type Exit, type Step } from '../support/cli.js';

interface DemoJson {
  workflowId: string;
  runId: string;
  steps: Step[];
  crashedAfter?: string;
  result?: {
    trainer: { name: string; pokemons: { name: string }[] };
    pokemon: { name: string; status: string; currentHealth: number; maxHealth: number; trainerName?: string };
  };
}

/** Runs `baton demo capture --store sqlite:FILE …` from the sources and waits for it to exit. */
function capture(file: string, ...args: string[]): Promise<Exit> {
  return runBaton(['demo', 'capture', '--store', `sqlite:${file}`, ...args]);
}

function parse(exit: Exit): DemoJson {
  const lines = exit.stdout.trim().split('\n');
  expect(lines, `stdout: ${exit.stdout}\nstderr: ${exit.stderr}`).toHaveLength(1);
  return JSON.parse(lines[0]!) as DemoJson;
}

describe.concurrent('baton demo capture (CLI, child processes)', () => {
  it('captures Mewtwo for Sacha and prints one JSON object', async () => {
    const exit = await capture(tempStore('baton-demo-cli-'), '--json');
    expect(exit.code, exit.stderr).toBe(0);
    const out = parse(exit);
    expect(out.workflowId).toMatch(/^capture-mewtwo-/);
    expect(out.steps.map((s) => `${s.activity}#${s.attempt}:${s.outcome}`)).toEqual([
      'paralyze#1:completed',
      'attack#1:completed',
      'throwPokeball#1:completed',
    ]);
    const { pokemon, trainer } = out.result!;
    expect(pokemon.status).toBe('PAR');
    expect(pokemon.currentHealth).toBeLessThan(200);
    expect(pokemon.currentHealth).toBeGreaterThanOrEqual(1);
    expect(pokemon.trainerName).toBe('Sacha');
    expect(trainer.pokemons.map((p) => p.name)).toEqual(['Pikachu', 'Mewtwo']);
  });

  it('dies by SIGKILL after paralyze, and a resume finishes without running paralyze again', async () => {
    const file = tempStore('baton-demo-cli-');
    const crashed = await capture(file, '--crash-after', 'paralyze', '--json');
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const before = parse(crashed);
    expect(before.crashedAfter).toBe('paralyze');
    expect(before.steps.map((s) => `${s.activity}:${s.outcome}`)).toEqual(['paralyze:completed']);

    const resumed = await capture(file, '--resume', before.workflowId, '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = parse(resumed);
    expect(after.workflowId).toBe(before.workflowId);
    expect(after.runId).toBe(before.runId);
    expect(after.steps.map((s) => s.activity)).not.toContain('paralyze');
    expect(after.steps.filter((s) => s.outcome === 'completed').map((s) => s.activity)).toEqual([
      'attack',
      'throwPokeball',
    ]);
    expect(after.result!.pokemon.status).toBe('PAR');

    const baton = await Baton.open(`sqlite:${file}`, { logger: silentLogger });
    try {
      const { events } = await baton.client.getHandle(before.workflowId).fetchHistory();
      const typeOf = new Map<number, string>();
      const completed: string[] = [];
      for (const e of events) {
        if (e.eventType === 'ActivityTaskScheduled') typeOf.set(e.eventId, e.attrs.activityType);
        if (e.eventType === 'ActivityTaskCompleted')
          completed.push(typeOf.get(e.attrs.scheduledEventId) ?? '?');
      }
      expect([...completed].sort()).toEqual(['attack', 'paralyze', 'throwPokeball']);
      expect(completed.filter((t) => t === 'paralyze')).toHaveLength(1);
      expect(events.at(-1)?.eventType).toBe('WorkflowExecutionCompleted');
    } finally {
      await baton.close();
    }
  });

  it('shows the retries of injected faults: attempts 1 to 3 of every activity', async () => {
    const exit = await capture(tempStore('baton-demo-cli-'), '--fail-first', '2', '--json');
    expect(exit.code, exit.stderr).toBe(0);
    const out = parse(exit);
    for (const activity of ['paralyze', 'attack', 'throwPokeball']) {
      const steps = out.steps.filter((s) => s.activity === activity);
      expect(
        steps.map((s) => `${s.attempt}:${s.outcome}`),
        activity,
      ).toEqual(['1:failed', '2:failed', '3:completed']);
    }
    expect(out.result!.pokemon.trainerName).toBe('Sacha');
  });
});
