/**
 * The capture as a module for `baton worker`: its workflows (the capture as code, as a saga and as
 * a step workflow) and its `activities`, built on fresh services.
 *
 * @example
 * npm run build
 * npx baton worker --module dist/examples/pokemon/worker-module.js --task-queue pokemon-capture
 * # then, from any process on the same store:
 * await baton.client.execute(capturePokemon, { taskQueue: 'pokemon-capture', args: [sacha(), mewtwo()] });
 */
import { captureActivities } from './activities.js';
import { CombatService, PokeballService, StatusService } from './services.js';

export { capturePokemon } from './workflows.js';
export { capturePokemonSaga } from './saga.js';
export { captureSteps } from './steps.js';

/** The activities the worker runs: paralyze, attack, throwPokeball and their compensations. */
export const activities = captureActivities(new StatusService(), new CombatService(), new PokeballService());
