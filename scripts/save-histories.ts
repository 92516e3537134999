/**
 * Runs the examples (the Pokémon capture, the capture as a saga whose throw fails for good, the
 * capture as a step workflow, Hello World as a step workflow) on an in-memory store and saves
 * their histories in test/histories/, the saved-history format of docs/replay.md. Run it after a
 * change to the history format or to those examples that old histories must not replay against:
 *
 *   npx tsx scripts/save-histories.ts
 *
 * test/replay/cli-replay.test.ts replays them with `baton replay`.
 *
 * Stack traces in failure payloads name files relative to the repository (`<repo>/src/…`), not
 * by this machine's absolute paths; nothing else is changed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  captureActivities,
  CombatService,
  mewtwo,
  PokeballService,
  sacha,
  StatusService,
} from '../examples/pokemon/index.js';
import { helloWorldActivities } from '../examples/pokemon/hello-world.js';
import {
  Baton,
  historyToJson,
  silentLogger,
  type ReplayableHistory,
  type WorkflowDefinition,
} from '../src/index.js';
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

/** The repository root, with its trailing separator, as stack traces show it. */
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What stack traces show instead of {@link REPO_ROOT}. */
const REPO = '<repo>/';

/** A stack trace with the repository root (a path or a file: URL) replaced by `<repo>/`. */
function relativeStack(stack: string): string {
  return stack.replaceAll(pathToFileURL(REPO_ROOT).href, REPO).replaceAll(REPO_ROOT, REPO);
}

/**
 * A converted value (the data converter's JSON) with the stack (`s`) of every error node
 * (`{"@t":"E"}`, its causes too) relativised. An escaped object's (`{"@t":"o"}`) keys are user keys.
 */
function withRelativeStacks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withRelativeStacks);
  if (value === null || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  const mapValues = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, withRelativeStacks(v)]));
  if (node['@t'] === 'o' && node.v !== null && typeof node.v === 'object')
    return { ...node, v: mapValues(node.v as Record<string, unknown>) };
  const out = mapValues(node);
  if (node['@t'] === 'E' && typeof node.s === 'string') out.s = relativeStack(node.s);
  return out;
}

/** The history with stack traces relativised in its (JSON) payloads; events otherwise as they are. */
function portable(history: ReplayableHistory): ReplayableHistory {
  const events = history.events.map((e) =>
    typeof e.payload === 'string'
      ? { ...e, payload: JSON.stringify(withRelativeStacks(JSON.parse(e.payload))) }
      : e,
  );
  return { ...history, events };
}

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
    const history = portable(await handle.fetchHistory());
    const json = historyToJson(history);
    if (json.includes(REPO_ROOT))
      throw new Error(`${example.file}: the repository root ${REPO_ROOT} is still in the history`);
    writeFileSync(join(HISTORIES_DIR, example.file), json);
    console.log(`wrote ${join(HISTORIES_DIR, example.file)} (${history.events.length} events)`);
  }
} finally {
  await baton.close();
}
