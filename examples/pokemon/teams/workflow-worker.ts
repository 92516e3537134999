/**
 * The capture team's worker module, for `baton worker`: the workflow only. Its activity calls are
 * routed to the `status`, `combat` and `pokeball` task queues, where the other teams' workers
 * (their own processes) run them.
 *
 * @example
 * npm run build
 * npx baton worker --module dist/examples/pokemon/teams/workflow-worker.js --task-queue pokemon-teams --store sqlite:/tmp/pokemon.db
 */
export { capturePokemonAcrossTeams } from '../distributed.js';
