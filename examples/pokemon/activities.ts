/**
 * The capture's activities: plain async functions over the injected services. `throwPokeball`
 * (not `throw`) so that the object can be destructured.
 */
import type { CaptureResult, Pokemon, Trainer } from './domain.js';
import type { CombatService, PokeballService, StatusService } from './services.js';

/**
 * Activities of the capture workflows, to register on a worker.
 *
 * @example
 * const activities = captureActivities(new StatusService(), new CombatService(), new PokeballService());
 * baton.worker({ taskQueue: 'pokemon-capture', workflows: [capturePokemon], activities });
 */
export function captureActivities(status: StatusService, combat: CombatService, pokeball: PokeballService) {
  return {
    async paralyze(p: Pokemon): Promise<Pokemon> {
      return status.paralyze(p);
    },
    async attack(p: Pokemon): Promise<Pokemon> {
      return combat.attack(p);
    },
    async throwPokeball(t: Trainer, p: Pokemon): Promise<CaptureResult> {
      return pokeball.throw(t, p);
    },
    /** Compensation of `paralyze`. */
    async cure(p: Pokemon): Promise<Pokemon> {
      return status.cure(p);
    },
    /** Compensation of `attack`. */
    async heal(p: Pokemon): Promise<Pokemon> {
      return combat.heal(p);
    },
  };
}

/** The activity interface that workflows type their proxies with. */
export type CaptureActivities = ReturnType<typeof captureActivities>;
