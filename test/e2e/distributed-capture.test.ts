/**
 * The Pokémon capture across teams, as real processes (no mocks): `baton demo capture
 * --distributed` runs each step in a service worker process, and issue 5's done-when test — three
 * worker processes (the workflow; status + combat; pokeball), 300 captures started from this
 * process, the pokeball worker SIGKILLed mid-run and restarted 2 s later: all 300 complete, each
 * activity completion is recorded once per workflow, and the effects counted in a side file are
 * at least once each. On a SQLite file always; on PostgreSQL when BATON_TEST_POSTGRES_URL is set
 * and its store runs activity tasks.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, test, type TestContext } from 'vitest';
import {
  capturePokemonAcrossTeams,
  readTeamEffects,
  TEAM_TASK_QUEUES,
  type TeamEffect,
} from '../../examples/pokemon/distributed.js';
import { mewtwo, sacha, type CaptureResult } from '../../examples/pokemon/index.js';
import { Baton, silentLogger, StoreError, type WorkflowHandle } from '../../src/index.js';
import { runTs, type Child } from '../support/child.js';
import { runBaton, tempStore } from '../support/cli.js';

const children = new Set<Child>();

afterAll(async () => {
  for (const child of children) if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
  await Promise.all([...children].map((c) => c.exited));
  children.clear();
});

interface DistributedJson {
  workflowId: string;
  workers: { name: string; taskQueue: string; pid: number; identity: string }[];
  steps: { activity: string; attempt: number; outcome: string; pid: number; worker: string }[];
  recorded: { activity: string; attempt: number; identity: string; worker: string }[];
  result?: CaptureResult;
}

describe.concurrent('baton demo capture --distributed (CLI, child processes)', () => {
  test('runs the workflow and each service in its own worker process', async () => {
    const store = `sqlite:${tempStore('baton-distributed-demo-')}`;
    const exit = await runBaton(['demo', 'capture', '--distributed', '--store', store, '--json']);
    expect(exit.code, exit.stderr).toBe(0);
    const lines = exit.stdout.trim().split('\n');
    expect(lines, exit.stdout).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as DistributedJson;

    expect(out.workers.map((w) => `${w.name}:${w.taskQueue}`)).toEqual([
      'workflow:pokemon-teams',
      'status:status',
      'combat:combat',
      'pokeball:pokeball',
    ]);
    const pids = out.workers.map((w) => w.pid);
    expect(new Set(pids).size).toBe(4);
    expect(pids).not.toContain(undefined);
    const workflowPid = out.workers[0]!.pid;
    expect(out.steps.map((s) => `${s.activity}#${s.attempt}:${s.outcome}@${s.worker}`)).toEqual([
      'paralyze#1:completed@status',
      'attack#1:completed@combat',
      'throwPokeball#1:completed@pokeball',
    ]);
    for (const step of out.steps) {
      expect(step.pid).not.toBe(workflowPid);
      expect(step.pid).toBe(out.workers.find((w) => w.name === step.worker)!.pid);
    }
    // The history names the same workers (ActivityTaskStarted's identity).
    expect(out.recorded.map((r) => `${r.activity}@${r.worker}`)).toEqual([
      'paralyze@status',
      'attack@combat',
      'throwPokeball@pokeball',
    ]);
    expect(out.result!.pokemon).toMatchObject({ name: 'Mewtwo', status: 'PAR', trainerName: 'Sacha' });
    expect(out.result!.trainer.pokemons.map((p) => p.name)).toEqual(['Pikachu', 'Mewtwo']);
  });

  test('refuses sqlite::memory: with exit 2', async () => {
    const exit = await runBaton(['demo', 'capture', '--distributed', '--store', 'sqlite::memory:']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/--distributed needs a store every worker process can open/);
    expect(exit.stdout).toBe('');
  });
});

/** A store for the kill test: its URL, and what removes it afterwards. */
interface StoreUnderTest {
  url: string;
  cleanup(): Promise<void>;
}

const postgresUrl = process.env.BATON_TEST_POSTGRES_URL;

/** A fresh schema on BATON_TEST_POSTGRES_URL, or why the PostgreSQL case is skipped. */
async function postgresStore(): Promise<StoreUnderTest | string> {
  if (postgresUrl === undefined) return 'BATON_TEST_POSTGRES_URL is not set';
  const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const u = new URL(postgresUrl);
  u.searchParams.set('schema', schema);
  const url = u.toString();
  const cleanup = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  };
  let baton: Baton;
  try {
    baton = await Baton.open(url, { logger: silentLogger });
  } catch (error) {
    if (error instanceof StoreError && /unknown scheme/.test(error.message))
      return `openStore does not accept postgres:// URLs yet (${error.message})`;
    throw error;
  }
  const hasActivityTasks = baton.store.activityTasks !== undefined;
  await baton.close();
  if (!hasActivityTasks) {
    await cleanup();
    return 'the PostgreSQL store has no activity tasks yet (store.activityTasks is undefined)';
  }
  return { url, cleanup };
}

const STORES: { name: string; open(): Promise<StoreUnderTest | string> }[] = [
  {
    name: 'a SQLite file',
    open: async () => ({ url: `sqlite:${tempStore('baton-teams-')}`, cleanup: async () => {} }),
  },
  { name: 'PostgreSQL', open: postgresStore },
];

const CAPTURES = 300;
const KILL_AFTER_THROWS = 30;

/** Resolves once the child's stdout matches `pattern` `count` times; rejects when it exits first. */
async function waitForLines(child: Child, pattern: RegExp, count = 1, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const global = new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`);
  for (;;) {
    if ((child.stdout().match(global)?.length ?? 0) >= count) return;
    const gone = child.proc.exitCode !== null || child.proc.signalCode !== null;
    if (gone || Date.now() > deadline) {
      throw new Error(
        `${gone ? 'process exited' : 'timed out'} before ${String(pattern)}\nstdout: ${child.stdout()}\nstderr: ${child.stderr()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function spawnChild(file: string, args: string[], effectsFile: string): Child {
  const child = runTs(file, args, { BATON_STORE: undefined, BATON_EFFECTS_FILE: effectsFile });
  children.add(child);
  return child;
}

/** `baton worker` for a team module of examples/pokemon/teams/, from the sources. */
async function startTeamWorker(
  module: string,
  taskQueue: string,
  url: string,
  effectsFile: string,
): Promise<Child> {
  const child = spawnChild(
    'src/cli/main.ts',
    [
      'worker',
      '--module',
      `examples/pokemon/teams/${module}.ts`,
      '--task-queue',
      taskQueue,
      '--store',
      url,
      '--name',
      taskQueue,
    ],
    effectsFile,
  );
  await waitForLines(child, /^worker \S+ on task queue /m);
  return child;
}

async function stop(child: Child): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  child.proc.kill('SIGTERM');
  return child.exited;
}

/** What the workers wrote to stderr, for a failure message. */
function stderrOf(children: Child[]): string {
  return children.map((c) => `pid ${c.proc.pid} stderr: ${c.stderr().slice(-2_000)}`).join('\n');
}

/** `promise`, or a rejection with `message()` after `timeoutMs`. */
async function within<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function countBy(effects: TeamEffect[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of effects) {
    const key = `${e.pokemonId}/${e.activity}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('the capture across teams, 300 workflows, the pokeball worker SIGKILLed and restarted', () => {
  for (const store of STORES) {
    test(`all complete, each completion recorded once, effects at least once (${store.name})`, async (ctx: TestContext) => {
      const opened = await store.open();
      if (typeof opened === 'string') {
        ctx.skip(opened);
        return;
      }
      const dir = mkdtempSync(join(tmpdir(), 'baton-teams-effects-'));
      const effectsFile = join(dir, 'effects.jsonl');
      // The store is created (migrated) here, before the workers open it.
      const baton = await Baton.open(opened.url, { logger: silentLogger });
      const running: Child[] = [];
      try {
        const workflow = await startTeamWorker(
          'workflow-worker',
          TEAM_TASK_QUEUES.workflow,
          opened.url,
          effectsFile,
        );
        running.push(workflow);
        const statusCombat = spawnChild(
          'examples/pokemon/teams/status-combat-worker.ts',
          ['--store', opened.url],
          effectsFile,
        );
        running.push(statusCombat);
        await waitForLines(statusCombat, /^worker \S+ on task queue (status|combat), /m, 2);
        const pokeball = await startTeamWorker(
          'pokeball-worker',
          TEAM_TASK_QUEUES.pokeball,
          opened.url,
          effectsFile,
        );
        running.push(pokeball);

        const handles: WorkflowHandle<CaptureResult>[] = await Promise.all(
          Array.from({ length: CAPTURES }, (_, i) =>
            baton.client.start(capturePokemonAcrossTeams, {
              workflowId: `teams-${i + 1}`,
              taskQueue: TEAM_TASK_QUEUES.workflow,
              args: [sacha(), { ...mewtwo(), id: `mewtwo-${i + 1}` }],
            }),
          ),
        );

        // Mid-run: some throws are done, not all.
        const throws = (): number =>
          readTeamEffects(effectsFile).filter((e) => e.activity === 'throwPokeball').length;
        const deadline = Date.now() + 30_000;
        while (throws() < KILL_AFTER_THROWS) {
          if (Date.now() > deadline)
            throw new Error(`fewer than ${KILL_AFTER_THROWS} throws within 30 s\n${stderrOf(running)}`);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        pokeball.proc.kill('SIGKILL');
        expect((await pokeball.exited).signal).toBe('SIGKILL');
        const throwsAtKill = throws();
        expect(throwsAtKill).toBeGreaterThanOrEqual(KILL_AFTER_THROWS);
        expect(throwsAtKill).toBeLessThan(CAPTURES);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        const restarted = await startTeamWorker(
          'pokeball-worker',
          TEAM_TASK_QUEUES.pokeball,
          opened.url,
          effectsFile,
        );
        running.push(restarted);

        const results = await within(
          Promise.all(handles.map((h) => h.result())),
          90_000,
          () => `the captures did not all complete within 90 s\n${stderrOf(running)}`,
        );
        for (const [i, { pokemon, trainer }] of results.entries()) {
          expect(pokemon).toEqual({
            ...mewtwo(),
            id: `mewtwo-${i + 1}`,
            status: 'PAR',
            currentHealth: 50,
            trainerName: 'Sacha',
          });
          expect(trainer.pokemons.map((p) => p.name)).toEqual(['Pikachu', 'Mewtwo']);
        }

        // Each activity completion is recorded exactly once per workflow.
        for (const handle of handles) {
          const { events } = await handle.fetchHistory();
          const typeOf = new Map<number, string>();
          const completed: string[] = [];
          for (const e of events) {
            if (e.eventType === 'ActivityTaskScheduled') typeOf.set(e.eventId, e.attrs.activityType);
            if (e.eventType === 'ActivityTaskCompleted')
              completed.push(typeOf.get(e.attrs.scheduledEventId)!);
          }
          expect(completed, handle.workflowId).toEqual(['paralyze', 'attack', 'throwPokeball']);
        }

        // Effects: at least once each (a throw whose result died with the worker ran again).
        const effects = readTeamEffects(effectsFile);
        const counts = countBy(effects);
        for (let i = 1; i <= CAPTURES; i++)
          for (const activity of ['paralyze', 'attack', 'throwPokeball'])
            expect(
              counts.get(`mewtwo-${i}/${activity}`) ?? 0,
              `mewtwo-${i}/${activity}`,
            ).toBeGreaterThanOrEqual(1);
        expect(effects.filter((e) => e.activity === 'cure' || e.activity === 'heal')).toEqual([]);
        // Throws ran in both pokeball processes: the killed one, then the restarted one.
        const throwPids = new Set(effects.filter((e) => e.activity === 'throwPokeball').map((e) => e.pid));
        expect(throwPids).toEqual(new Set([pokeball.proc.pid, restarted.proc.pid]));
        // The other steps never ran in the pokeball processes, nor in the workflow's.
        const servicePid = statusCombat.proc.pid;
        expect(new Set(effects.filter((e) => e.activity !== 'throwPokeball').map((e) => e.pid))).toEqual(
          new Set([servicePid]),
        );

        for (const child of [workflow, statusCombat, restarted])
          expect(await stop(child), child.stderr()).toEqual({ code: 0, signal: null });
      } finally {
        // On a failure, before the store goes: no worker of this test outlives it.
        for (const child of running) if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
        await Promise.all(running.map((c) => c.exited));
        await baton.close();
        rmSync(dir, { recursive: true, force: true });
        await opened.cleanup();
      }
    }, 120_000);
  }
});
