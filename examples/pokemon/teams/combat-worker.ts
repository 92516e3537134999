/**
 * The combat team's worker module, for `baton worker`: attack and heal. With `BATON_EFFECTS_FILE`
 * set, each applied effect appends a line there (which process ran it).
 *
 * @example
 * npx baton worker --module dist/examples/pokemon/teams/combat-worker.js --task-queue combat --store sqlite:/tmp/pokemon.db
 */
import { combatTeamActivities, effectsFileFromEnv } from '../distributed.js';

/** attack and heal, on a fresh combat service. */
export const activities = combatTeamActivities({ effectsFile: effectsFileFromEnv() });
