/**
 * A wild encounter: the workflow waits for the trainer's decision (a signal), then captures the
 * Pokémon with the capture's activities or lets it flee. While it waits, a query reads the
 * encounter's state and an update offers the Pokémon a berry. `baton dev` runs it, so the web UI
 * and the HTTP API have a workflow that waits for a signal.
 */
import { defineQuery, defineSignal, defineUpdate, defineWorkflow, type Duration } from '../../src/index.js';
import type { CaptureActivities } from './activities.js';
import { sacha, type CaptureResult, type Pokemon, type Trainer } from './domain.js';
import { CAPTURE_ACTIVITY_OPTIONS } from './workflows.js';

/** What the trainer decides: throw a Poké Ball, or run away. */
export type TrainerDecision = 'capture' | 'flee';

/**
 * The signal the encounter waits for.
 *
 * @example
 * await handle.signal(trainerDecision, 'capture');
 */
export const trainerDecision = defineSignal<[decision: TrainerDecision]>('trainerDecision');

/** The state of an encounter, as the {@link encounterState} query returns it. */
export interface EncounterState {
  /** `waiting` for the trainer, then `capturing`, `captured` or `fled`. */
  phase: 'waiting' | 'capturing' | 'captured' | 'fled';
  pokemon: Pokemon;
  /** Berries the Pokémon ate while waiting. */
  berries: number;
}

/**
 * Reads the encounter's state (no change, nothing recorded).
 *
 * @example
 * const { phase, pokemon } = await handle.query(encounterState);
 */
export const encounterState = defineQuery<EncounterState>('encounterState');

/** Health a berry gives back (never above the Pokémon's maximum). */
export const BERRY_HEALTH = 20;

/**
 * Offers the wild Pokémon a berry while the trainer decides: it regains {@link BERRY_HEALTH} HP.
 * Resolves with its health after the berry. Rejected (nothing recorded) once the trainer decided,
 * or when the Pokémon is at full health.
 *
 * @example
 * const hp = await handle.executeUpdate(offerBerry, { args: [] });
 */
export const offerBerry = defineUpdate<number>('offerBerry');

/** What an encounter ends with: the capture's result, or the Pokémon that fled. */
export type EncounterResult =
  | ({ outcome: 'captured' } & CaptureResult)
  | { outcome: 'fled'; pokemon: Pokemon; reason: 'trainer fled' | 'no decision in time' };

/** How long a wild Pokémon waits for the trainer's decision before it flees. */
export const ENCOUNTER_PATIENCE: Duration = '1h';

/**
 * `Encounter(pokemon, trainer = Sacha)`: waits (up to {@link ENCOUNTER_PATIENCE}) for the
 * {@link trainerDecision} signal; on `'capture'` runs paralyze → attack → throw a Poké Ball, on
 * `'flee'` (or no decision in time) returns the Pokémon that fled. Its activities are
 * {@link captureActivities}.
 *
 * @example
 * const handle = await baton.client.start(encounter, { taskQueue: 'pokemon', args: [mewtwo()] });
 * await handle.signal(trainerDecision, 'capture');
 * const ending = await handle.result(); // { outcome: 'captured', trainer, pokemon }
 */
export const encounter = defineWorkflow(
  'Encounter',
  async (ctx, pokemon: Pokemon, trainer: Trainer = sacha()): Promise<EncounterResult> => {
    const state: EncounterState = { phase: 'waiting', pokemon, berries: 0 };
    let decision: TrainerDecision | undefined;
    ctx.setHandler(trainerDecision, (d) => {
      if (decision === undefined && (d === 'capture' || d === 'flee')) decision = d;
    });
    ctx.setHandler(encounterState, () => state);
    ctx.setHandler(
      offerBerry,
      () => {
        const p = state.pokemon;
        state.pokemon = { ...p, currentHealth: Math.min(p.maxHealth, p.currentHealth + BERRY_HEALTH) };
        state.berries += 1;
        return state.pokemon.currentHealth;
      },
      {
        validator: () => {
          if (decision !== undefined) throw new Error(`the trainer already decided to ${decision}`);
          const p = state.pokemon;
          if (p.currentHealth >= p.maxHealth)
            throw new Error(`${p.name} is at full health and refuses the berry`);
        },
      },
    );
    const decided = await ctx.condition(() => decision !== undefined, ENCOUNTER_PATIENCE);
    if (!decided || decision === 'flee') {
      state.phase = 'fled';
      return {
        outcome: 'fled',
        pokemon: state.pokemon,
        reason: decided ? 'trainer fled' : 'no decision in time',
      };
    }
    state.phase = 'capturing';
    const act = ctx.activities<CaptureActivities>(CAPTURE_ACTIVITY_OPTIONS);
    const weakened = await act.attack(await act.paralyze(state.pokemon));
    const captured = await act.throwPokeball(trainer, weakened);
    state.phase = 'captured';
    state.pokemon = captured.pokemon;
    return { outcome: 'captured', ...captured };
  },
);
