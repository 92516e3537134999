/**
 * The capture the naive way: three plain calls to the services, one after the other, with no
 * engine. It works while nothing goes wrong. When the process dies between two calls, the
 * services keep what was done (Mewtwo stays paralyzed) and nothing anywhere records that a
 * capture was half done: there is no history to resume from and nothing that retries.
 *
 * The services keep their state in a small JSON "world" file (a stand-in for each service's own
 * database), so that what a killed process left behind can be looked at afterwards.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { CaptureResult, Pokemon, Status, Trainer } from './domain.js';
import { CombatService, PokeballService, StatusService } from './services.js';

/** The calls of the sequential capture, in order (named as the durable capture's activities). */
export const SEQUENTIAL_CALLS = ['paralyze', 'attack', 'throwPokeball'] as const;
/** One call of the sequential capture. */
export type SequentialCall = (typeof SEQUENTIAL_CALLS)[number];

/** What the sequential capture calls: the classes of `services.ts` fit, and so do remote clients. */
export interface CaptureServices {
  status: { paralyze(p: Pokemon): Pokemon | Promise<Pokemon> };
  combat: { attack(p: Pokemon): Pokemon | Promise<Pokemon> };
  pokeball: { throw(t: Trainer, p: Pokemon): CaptureResult | Promise<CaptureResult> };
}

/** Called after each call returned, with what it returned. */
export type AfterCall = (call: SequentialCall, value: Pokemon | CaptureResult) => void;

/**
 * Captures `pokemon` for `trainer` with three plain calls. No retry, no record of progress: if
 * the process dies after `paralyze`, the Pokémon stays paralyzed and nobody knows a capture was
 * under way.
 *
 * @example
 * const services = { status: new StatusService(), combat: new CombatService(), pokeball: new PokeballService() };
 * const { pokemon } = await captureSequentially(services, sacha(), mewtwo());
 */
export async function captureSequentially(
  services: CaptureServices,
  trainer: Trainer,
  pokemon: Pokemon,
  afterCall: AfterCall = () => {},
): Promise<CaptureResult> {
  const paralyzed = await services.status.paralyze(pokemon);
  afterCall('paralyze', paralyzed);
  const weakened = await services.combat.attack(paralyzed);
  afterCall('attack', weakened);
  const result = await services.pokeball.throw(trainer, weakened);
  afterCall('throwPokeball', result);
  return result;
}

/** The services' state: what each service has recorded in its own storage. */
export interface World {
  /** The status service: each Pokémon's status condition, by id. */
  status: Record<string, Status>;
  /** The combat service: each Pokémon's current health, by id. */
  health: Record<string, number>;
  /** The Poké Ball service: the captures it made. */
  captures: { trainer: string; pokemon: string }[];
  /** The teams the Poké Ball service knows, by trainer name. */
  teams: Record<string, string[]>;
}

/** A world where `pokemon` is wild and `trainer` has their team. @example writeWorld(file, newWorld(sacha(), mewtwo())) */
export function newWorld(trainer: Trainer, pokemon: Pokemon): World {
  return {
    status: { [pokemon.id]: pokemon.status },
    health: { [pokemon.id]: pokemon.currentHealth },
    captures: [],
    teams: { [trainer.name]: trainer.pokemons.map((p) => p.name) },
  };
}

/** Reads the world file. @throws when it is missing or not JSON. */
export function readWorld(file: string): World {
  return JSON.parse(readFileSync(file, 'utf8')) as World;
}

/** Writes the world file (synchronously: once a call returned, its effect is in the file). */
export function writeWorld(file: string, world: World): void {
  writeFileSync(file, `${JSON.stringify(world, null, 2)}\n`);
}

/**
 * The three services of `services.ts`, each writing its effect to the world file before it
 * returns, as a real service commits to its database before it answers.
 *
 * @example
 * writeWorld(file, newWorld(sacha(), mewtwo()));
 * await captureSequentially(worldServices(file), sacha(), mewtwo());
 * readWorld(file).captures; // [{ trainer: 'Sacha', pokemon: 'Mewtwo' }]
 */
export function worldServices(file: string): CaptureServices {
  const status = new StatusService();
  const combat = new CombatService();
  const pokeball = new PokeballService();
  const update = (change: (w: World) => void): void => {
    const world = readWorld(file);
    change(world);
    writeWorld(file, world);
  };
  return {
    status: {
      paralyze(p) {
        const after = status.paralyze(p);
        update((w) => (w.status[after.id] = after.status));
        return after;
      },
    },
    combat: {
      attack(p) {
        const after = combat.attack(p);
        update((w) => (w.health[after.id] = after.currentHealth));
        return after;
      },
    },
    pokeball: {
      throw(t, p) {
        const result = pokeball.throw(t, p);
        update((w) => {
          w.captures.push({ trainer: result.trainer.name, pokemon: result.pokemon.name });
          w.teams[result.trainer.name] = result.trainer.pokemons.map((x) => x.name);
        });
        return result;
      },
    },
  };
}
