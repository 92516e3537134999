/**
 * The status team's worker module, for `baton worker`: paralyze and cure. With
 * `BATON_EFFECTS_FILE` set, each applied effect appends a line there (which process ran it).
 *
 * @example
 * npx baton worker --module dist/examples/pokemon/teams/status-worker.js --task-queue status --store sqlite:/tmp/pokemon.db
 */
import { effectsFileFromEnv, statusTeamActivities } from '../distributed.js';

/** paralyze and cure, on a fresh status service. */
export const activities = statusTeamActivities({ effectsFile: effectsFileFromEnv() });
