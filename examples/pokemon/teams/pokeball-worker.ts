/**
 * The pokeball team's worker module, for `baton worker`: throwPokeball. With `BATON_EFFECTS_FILE`
 * set, each applied effect appends a line there (which process ran it).
 *
 * @example
 * npx baton worker --module dist/examples/pokemon/teams/pokeball-worker.js --task-queue pokeball --store sqlite:/tmp/pokemon.db
 */
import { effectsFileFromEnv, pokeballTeamActivities } from '../distributed.js';

/** throwPokeball, on a fresh Poké Ball service. */
export const activities = pokeballTeamActivities({ effectsFile: effectsFileFromEnv() });
