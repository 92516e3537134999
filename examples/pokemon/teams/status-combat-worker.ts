/**
 * The status and combat teams in one process: two workers sharing one store connection, on task
 * queues `status` (paralyze, cure) and `combat` (attack, heal). `baton worker` polls one task
 * queue, so this is a small program rather than a module for it:
 *
 *   node --import tsx examples/pokemon/teams/status-combat-worker.ts --store URL [--name NAME]
 *   node dist/examples/pokemon/teams/status-combat-worker.js --store URL [--name NAME]
 *
 * It prints one line per worker, as `baton worker` does (`worker ID on task queue Q, store URL:
 * …`), then works until SIGTERM or SIGINT: both workers shut down gracefully and it exits 0 (a
 * second signal exits at once). With `BATON_EFFECTS_FILE` set, each applied effect appends a line
 * there (which process ran it). Exit 2: no `--store`.
 */
import { parseArgs } from 'node:util';
import { Baton } from '../../../src/index.js';
import {
  combatTeamActivities,
  effectsFileFromEnv,
  statusTeamActivities,
  TEAM_TASK_QUEUES,
} from '../distributed.js';

const { values } = parseArgs({
  options: { store: { type: 'string' }, name: { type: 'string', default: 'status-combat' } },
});
if (values.store === undefined) {
  console.error('usage: status-combat-worker --store URL [--name NAME]');
  process.exit(2);
}
const store = values.store;
const effectsFile = effectsFileFromEnv();
const baton = await Baton.open(store);
const teams = [
  { taskQueue: TEAM_TASK_QUEUES.status, activities: statusTeamActivities({ effectsFile }) },
  { taskQueue: TEAM_TASK_QUEUES.combat, activities: combatTeamActivities({ effectsFile }) },
];
const workers = teams.map((t) => baton.worker({ ...t, identity: values.name }));
const running = workers.map((w) => w.run());
for (const [i, w] of workers.entries()) {
  const names = Object.keys(teams[i]!.activities).join(', ');
  console.log(
    `worker ${w.identity} on task queue ${w.taskQueue}, store ${store}: workflows (none); activities ${names}`,
  );
}

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
  stopping = true;
  console.log(`${signal}: shutting down`);
  // A failed shutdown rejects its worker's run() too, where it is reported.
  for (const w of workers) w.shutdown().catch(() => {});
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

try {
  await Promise.all(running);
  console.log('workers stopped');
} catch (error) {
  console.error('a worker failed:', error);
  process.exitCode = 1;
} finally {
  await baton.close();
}
