import { defineWorkflow } from '../src/index.js';

/** A Pokémon as the benchmark passes it around (small, JSON-only). */
export interface Pokemon {
  name: string;
  hp: number;
  status: 'healthy' | 'paralyzed';
}

/** A trainer. */
export interface Trainer {
  name: string;
}

/** No-op activities: each resolves at once with a value derived from its input. */
export const activities = {
  async paralyze(pokemon: Pokemon): Promise<Pokemon> {
    return { ...pokemon, status: 'paralyzed' };
  },
  async attack(pokemon: Pokemon): Promise<Pokemon> {
    return { ...pokemon, hp: Math.max(1, pokemon.hp - 10) };
  },
  async throwPokeball(trainer: Trainer, pokemon: Pokemon): Promise<boolean> {
    return trainer.name !== '' && pokemon.hp > 0;
  },
  /** The step of workload B. */
  async noop(step: number): Promise<number> {
    return step;
  },
};

const options = Object.freeze({ startToCloseTimeout: '10s' } as const);

/** Workload A: paralyze → attack → throwPokeball, in sequence (3 activities). */
export const capturePokemon = defineWorkflow(
  'CapturePokemon',
  async (ctx, trainer: Trainer, pokemon: Pokemon): Promise<{ caught: boolean; pokemon: Pokemon }> => {
    const act = ctx.activities<typeof activities>(options);
    const paralyzed = await act.paralyze(pokemon);
    const weakened = await act.attack(paralyzed);
    const caught = await act.throwPokeball(trainer, weakened);
    return { caught, pokemon: weakened };
  },
);

/** Workload B: `steps` sequential no-op activities. */
export const sequentialSteps = defineWorkflow(
  'SequentialSteps',
  async (ctx, steps: number): Promise<number> => {
    const act = ctx.activities<typeof activities>(options);
    let sum = 0;
    for (let i = 0; i < steps; i++) sum += await act.noop(i);
    return sum;
  },
);

/** The arguments of one capture. */
export function captureArgs(i: number): [Trainer, Pokemon] {
  return [{ name: 'Sacha' }, { name: `Mewtwo-${i}`, hp: 100, status: 'healthy' }];
}
