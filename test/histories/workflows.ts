/**
 * The example workflows whose saved histories live in this folder, as a module for
 * `baton replay test/histories/*.json --workflows test/histories/workflows.ts` (under tsx).
 * Regenerate the histories with `npx tsx scripts/save-histories.ts`.
 */
export { capturePokemon } from '../../examples/pokemon/workflows.js';
export { capturePokemonSaga } from '../../examples/pokemon/saga.js';
export { captureSteps } from '../../examples/pokemon/steps.js';
export { helloWorld } from '../../examples/pokemon/hello-world.js';
