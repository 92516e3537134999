/**
 * The capture as a saga: each step that succeeded registers its compensation (paralyze → cure,
 * attack → heal). When a later step fails for good, the compensations run newest first, so a
 * Pokémon that could not be captured is not left weakened and paralyzed.
 */
import { defineWorkflow, type ActivityOptions } from '../../src/index.js';
import type { CaptureActivities } from './activities.js';
import type { Pokemon, Trainer } from './domain.js';
import { CAPTURE_ACTIVITY_OPTIONS } from './workflows.js';

/**
 * Options of the saga's Poké Ball throw, over {@link CAPTURE_ACTIVITY_OPTIONS}: 3 attempts (200 ms,
 * then 400 ms apart), so a Poké Ball service that keeps failing makes the throw fail for good.
 */
export const SAGA_THROW_OPTIONS: ActivityOptions = Object.freeze({
  retry: Object.freeze({ initialInterval: '200ms', backoffCoefficient: 2, maximumAttempts: 3 }),
});

/**
 * Captures `pokemon` for `trainer`, undoing what was done when the throw fails for good: the
 * Pokémon is healed, then cured (reverse order), and the workflow fails with the throw's
 * `ActivityFailure` (or with `SagaCompensationFailed` if a compensation failed too).
 *
 * @example
 * const { pokemon } = await baton.client.execute(capturePokemonSaga, {
 *   taskQueue: 'pokemon-capture', args: [sacha(), mewtwo()],
 * });
 */
export const capturePokemonSaga = defineWorkflow(
  'CapturePokemonSaga',
  async (ctx, trainer: Trainer, pokemon: Pokemon) => {
    const act = ctx.activities<CaptureActivities>(CAPTURE_ACTIVITY_OPTIONS);
    return ctx.saga(
      async (saga) => {
        const paralyzed = await act.paralyze(pokemon);
        saga.addCompensation(() => act.cure(paralyzed));
        const weakened = await act.attack(paralyzed);
        saga.addCompensation(() => act.heal(weakened));
        return act.throwPokeball.withOptions(SAGA_THROW_OPTIONS)(trainer, weakened);
      },
      { continueWithError: true },
    );
  },
);
