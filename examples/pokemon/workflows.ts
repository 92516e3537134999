/**
 * The capture workflow: paralyze → attack → throw a Poké Ball. Deterministic: it talks to the
 * world only through `ctx`, so after a crash it is replayed and continues where it stopped.
 */
import { defineWorkflow, type ActivityOptions } from '../../src/index.js';
import type { CaptureActivities } from './activities.js';
import type { Pokemon, Trainer } from './domain.js';

/** Options of the capture's activities: 10 s per attempt, 5 attempts from 200 ms doubling. */
export const CAPTURE_ACTIVITY_OPTIONS: ActivityOptions = Object.freeze({
  startToCloseTimeout: '10s',
  retry: Object.freeze({ initialInterval: '200ms', backoffCoefficient: 2, maximumAttempts: 5 }),
});

/**
 * Captures `pokemon` for `trainer`; returns `{ trainer, pokemon }` after the capture.
 *
 * @example
 * const { trainer, pokemon } = await baton.client.execute(capturePokemon, {
 *   taskQueue: 'pokemon-capture', args: [sacha(), mewtwo()],
 * });
 */
export const capturePokemon = defineWorkflow(
  'CapturePokemon',
  async (ctx, trainer: Trainer, pokemon: Pokemon) => {
    const act = ctx.activities<CaptureActivities>(CAPTURE_ACTIVITY_OPTIONS);
    const paralyzed = await act.paralyze(pokemon);
    const weakened = await act.attack(paralyzed);
    return act.throwPokeball(trainer, weakened);
  },
);
