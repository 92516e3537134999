/**
 * `baton demo sequential` and `baton demo durable` as real child processes. The sequential demo
 * runs the capture as three plain calls, then again in a grandchild process that SIGKILLs itself
 * right after paralyze: the services' world shows Mewtwo paralyzed and not captured, and nothing
 * recorded the half-done capture (no Baton store either). `durable` is the capture demo by its
 * other name.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Baton, silentLogger } from '../../src/index.js';
import { runBaton, tempStore, type Exit, type Step } from '../support/cli.js';

interface World {
  status: Record<string, string>;
  health: Record<string, number>;
  captures: { trainer: string; pokemon: string }[];
  teams: Record<string, string[]>;
}

interface Call {
  call: string;
  summary: string;
}

interface Pokemon {
  name: string;
  status: string;
  currentHealth: number;
  maxHealth: number;
  trainerName?: string;
}

interface CaptureResult {
  trainer: { name: string; pokemons: { name: string }[] };
  pokemon: Pokemon;
}

interface SequentialJson {
  happy: { calls: Call[]; result: CaptureResult; world: World };
  crashed: {
    crashAfter: string;
    pid: number;
    signal: string | null;
    exitCode: number | null;
    calls: Call[];
    world: World;
    captured: boolean;
    records: number;
  };
}

interface CaptureJson {
  workflowId: string;
  runId: string;
  steps: Step[];
  result: CaptureResult;
}

function parse<T>(exit: Exit): T {
  const lines = exit.stdout.trim().split('\n');
  expect(lines, `stdout: ${exit.stdout}\nstderr: ${exit.stderr}`).toHaveLength(1);
  return JSON.parse(lines[0]!) as T;
}

/** True while a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.concurrent('baton demo sequential (CLI, child processes)', () => {
  it('captures on the happy path; a run SIGKILLed after paralyze leaves Mewtwo PAR, free, and unrecorded', async () => {
    // If the demo opened a Baton store at all, it would be this file.
    const store = tempStore('baton-demo-sequential-');
    const exit = await runBaton(['demo', 'sequential', '--json'], { BATON_STORE: `sqlite:${store}` });
    expect(exit.code, exit.stderr).toBe(0);
    const { happy, crashed } = parse<SequentialJson>(exit);

    expect(happy.calls.map((c) => c.call)).toEqual(['paralyze', 'attack', 'throwPokeball']);
    expect(happy.result.pokemon).toMatchObject({ name: 'Mewtwo', status: 'PAR', trainerName: 'Sacha' });
    expect(happy.result.pokemon.currentHealth).toBeLessThan(happy.result.pokemon.maxHealth);
    expect(happy.result.trainer.pokemons.map((p) => p.name)).toEqual(['Pikachu', 'Mewtwo']);
    expect(happy.world.captures).toEqual([{ trainer: 'Sacha', pokemon: 'Mewtwo' }]);
    expect(happy.world.teams.Sacha).toEqual(['Pikachu', 'Mewtwo']);

    expect(crashed.crashAfter).toBe('paralyze');
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.exitCode).toBeNull();
    expect(alive(crashed.pid)).toBe(false);
    expect(crashed.calls.map((c) => c.call)).toEqual(['paralyze']);
    // The status service did its part; the combat and Poké Ball services were never called.
    expect(crashed.world.status.mewtwo).toBe('PAR');
    expect(crashed.world.health.mewtwo).toBe(200);
    expect(crashed.world.captures).toEqual([]);
    expect(crashed.world.teams.Sacha).toEqual(['Pikachu']);
    expect(crashed.captured).toBe(false);
    expect(crashed.records).toBe(0);

    if (existsSync(store)) {
      const baton = await Baton.open(`sqlite:${store}`, { logger: silentLogger });
      try {
        expect(await baton.client.list()).toEqual([]);
      } finally {
        await baton.close();
      }
    }
  });

  it('prints the calls of both runs, the kill, and what was left behind', async () => {
    const exit = await runBaton(['demo', 'sequential']);
    expect(exit.code, exit.stderr).toBe(0);
    const text = exit.stdout;
    expect(text.match(/status\.paralyze\(Mewtwo\)\s+→ Mewtwo is PAR/g), text).toHaveLength(2);
    expect(text.match(/pokeball\.throw\(Sacha, Mewtwo\)/g), text).toHaveLength(1);
    expect(text).toMatch(/✗ process \d+ killed by SIGKILL/);
    const aftermath = text.slice(text.indexOf('3. What the crash left behind'));
    expect(aftermath).toMatch(/status service\s+Mewtwo is PAR/);
    expect(aftermath).toMatch(/combat service\s+Mewtwo at 200\/200 HP/);
    expect(aftermath).toMatch(/Poké Ball service\s+no capture; Sacha's team: Pikachu\n/);
    expect(aftermath).toContain('records of the half-done capture: none');
  });

  it('refuses the internal --crash-after without --world', async () => {
    const exit = await runBaton(['demo', 'sequential', '--crash-after', 'paralyze']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('needs --world FILE');
  });
});

describe.concurrent('baton demo durable (CLI, child process)', () => {
  it('is the capture demo: same steps and the same captured Mewtwo', async () => {
    const [durable, capture] = await Promise.all(
      ['durable', 'capture'].map((name) =>
        runBaton(['demo', name, '--json', '--store', `sqlite:${tempStore('baton-demo-durable-')}`]),
      ),
    );
    expect(durable!.code, durable!.stderr).toBe(0);
    expect(capture!.code, capture!.stderr).toBe(0);
    const a = parse<CaptureJson>(durable!);
    const b = parse<CaptureJson>(capture!);
    expect(a.workflowId).toMatch(/^capture-mewtwo-/);
    const outline = (j: CaptureJson) => j.steps.map((s) => `${s.activity}#${s.attempt}:${s.outcome}`);
    expect(outline(a)).toEqual(['paralyze#1:completed', 'attack#1:completed', 'throwPokeball#1:completed']);
    expect(outline(a)).toEqual(outline(b));
    expect(a.result).toEqual(b.result);
    expect(a.result.pokemon.trainerName).toBe('Sacha');
  });
});
