/**
 * Runs the examples (the Pokémon capture, the capture as a saga whose throw fails for good, the
 * capture as a step workflow, Hello World as a step workflow) on an in-memory store and saves
 * their histories in test/histories/, the saved-history format of docs/replay.md. Run it after a
 * change to the history format or to those examples that old histories must not replay against:
 *
 *   npx tsx scripts/save-histories.ts
 *
 * test/replay/cli-replay.test.ts replays them with `baton replay`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  captureActivities,
  CombatService,
  mewtwo,
  PokeballService,
  sacha,
  StatusService,
} from '../examples/pokemon/index.js';
import { helloWorldActivities } from '../examples/pokemon/hello-world.js';
import { Baton, historyToJson, silentLogger, type WorkflowDefinition } from '../src/index.js';
import { capturePokemon, capturePokemonSaga, captureSteps, helloWorld } from '../test/histories/workflows.js';

/** Where the histories go. */
export const HISTORIES_DIR = 'test/histories';

interface Example {
  file: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  workflow: WorkflowDefinition<any, any>;
  args: unknown[];
  activities: Record<string, (...args: never[]) => Promise<unknown>>;
}

const capture = () => captureActivities(new StatusService(), new CombatService(), new PokeballService());
const EXAMPLES: Example[] = [
  { file: 'capture.json', workflow: capturePokemon, args: [sacha(), mewtwo()], activities: capture() },
  {
    file: 'saga.json',
    workflow: capturePokemonSaga,
    args: [sacha(), mewtwo()],
    activities: captureActivities(
      new StatusService(),
      new CombatService(),
      new PokeballService({ failProbability: 1 }),
    ),
  },
  {
    file: 'capture-steps.json',
    workflow: captureSteps,
    args: [{ trainer: sacha(), pokemon: mewtwo() }],
    activities: capture(),
  },
  {
    file: 'hello-world.json',
    workflow: helloWorld,
    args: [{ trainer: sacha(), pokemon: mewtwo() }],
    activities: helloWorldActivities,
  },
];

const baton = await Baton.open('sqlite::memory:', { logger: silentLogger });
try {
  for (const example of EXAMPLES) {
    const taskQueue = `save-${example.workflow.name}`;
    const worker = baton.worker({ taskQueue, workflows: [example.workflow], activities: example.activities });
    const running = worker.run();
    const handle = await baton.client.start(example.workflow, {
      taskQueue,
      workflowId: `example-${example.file.replace(/\.json$/, '')}`,
      args: example.args as never,
    });
    await handle.result().catch(() => undefined); // the saga fails, as designed
    await worker.shutdown();
    await running;
    const history = await handle.fetchHistory();
    writeFileSync(join(HISTORIES_DIR, example.file), historyToJson(history));
    console.log(`wrote ${join(HISTORIES_DIR, example.file)} (${history.events.length} events)`);
  }
} finally {
  await baton.close();
}
