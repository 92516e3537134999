/**
 * `baton worker --module FILE --task-queue Q` as a real child process on a temp SQLite file: the
 * test process starts workflows with its own Baton on the same file (multi-process SQLite) and the
 * child runs them; SIGTERM shuts it down gracefully (exit 0, a running attempt finishes and its
 * execution is handed back), a second signal exits at once (143); modules that cannot be used are
 * refused with exit 2 and a message naming the file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Baton, silentLogger, type WorkflowDefinition } from '../../src/index.js';
import { capturePokemon, mewtwo, sacha } from '../../examples/pokemon/index.js';
import { captureSteps } from '../../examples/pokemon/steps.js';
import { runBaton, tempStore } from '../support/cli.js';
import { runTs, type Child } from '../support/child.js';

const children = new Set<Child>();

// afterAll, not afterEach: the tests run concurrently, and each test's children are its own.
afterAll(() => {
  for (const child of children) if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
  children.clear();
});

/** Starts `baton worker ARGS` from the sources, without `BATON_STORE`. */
function startWorker(args: string[]): Child {
  const child = runTs('src/cli/main.ts', ['worker', ...args], { BATON_STORE: undefined });
  children.add(child);
  return child;
}

/** Resolves once the child's stdout matches `pattern`; rejects when it exits first or after `timeoutMs`. */
async function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = child.stdout().match(pattern);
    if (match !== null) return match;
    const gone = child.proc.exitCode !== null || child.proc.signalCode !== null;
    if (gone || Date.now() > deadline) {
      throw new Error(
        `${gone ? 'worker exited' : 'timed out'} before ${String(pattern)}\nstdout: ${child.stdout()}\nstderr: ${child.stderr()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The child's exit, or a rejection after `timeoutMs`. */
function exitWithin(
  child: Child,
  timeoutMs: number,
): Promise<{ code: number | null; signal: string | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`no exit within ${timeoutMs} ms\nstdout: ${child.stdout()}\nstderr: ${child.stderr()}`),
        ),
      timeoutMs,
    );
  });
  return Promise.race([child.exited, timeout]).finally(() => clearTimeout(timer));
}

/** Writes `source` as FILE in the temp dir of `store` and returns its path. */
function fixture(store: string, file: string, source: string): string {
  const path = join(dirname(store), file);
  writeFileSync(path, source);
  return path;
}

/** A module with a workflow whose one activity writes a line to a marker file, then sleeps. */
const NAPPER_MODULE = `
import { appendFileSync } from 'node:fs';
export const napper = Object.freeze({
  name: 'Napper',
  fn: async (ctx, marker, ms) => {
    const act = ctx.activities({ startToCloseTimeout: '30s' });
    return act.nap(marker, ms);
  },
});
export const activities = {
  async nap(marker, ms) {
    appendFileSync(marker, 'started\\n');
    await new Promise((resolve) => setTimeout(resolve, ms));
    return 'rested';
  },
};
`;

async function openStore(file: string): Promise<Baton> {
  return Baton.open(`sqlite:${file}`, { logger: silentLogger });
}

describe.concurrent('baton worker (CLI, child processes)', () => {
  it('runs the Pokémon module: captures started from another process, then exits 0 on SIGTERM', async () => {
    const file = tempStore('baton-worker-cli-');
    const worker = startWorker([
      '--module',
      'examples/pokemon/worker-module.ts',
      '--task-queue',
      'q1',
      '--store',
      `sqlite:${file}`,
      '--name',
      'capture-1',
    ]);
    const [ready] = await waitForOutput(worker, /^worker .*$/m);
    expect(ready).toMatch(
      new RegExp(
        `^worker ${worker.proc.pid}@\\S+/capture-1-\\w+ on task queue q1, store sqlite:\\S+: ` +
          'workflows CapturePokemon, CapturePokemonSaga, CapturePokemonSteps; ' +
          'activities paralyze, attack, throwPokeball, cure, heal$',
      ),
    );

    const baton = await openStore(file);
    try {
      const { pokemon, trainer } = await baton.client.execute(capturePokemon, {
        taskQueue: 'q1',
        args: [sacha(), mewtwo()],
      });
      expect(pokemon.status).toBe('PAR');
      expect(pokemon.trainerName).toBe('Sacha');
      expect(trainer.pokemons.map((p) => p.name)).toEqual(['Pikachu', 'Mewtwo']);
      const steps = await baton.client.execute(captureSteps, {
        taskQueue: 'q1',
        args: [{ trainer: sacha(), pokemon: mewtwo() }],
      });
      expect(steps.pokemon.trainerName).toBe('Sacha');
    } finally {
      await baton.close();
    }

    worker.proc.kill('SIGTERM');
    const exit = await exitWithin(worker, 5_000);
    expect(exit, worker.stderr()).toEqual({ code: 0, signal: null });
    expect(worker.stdout()).toMatch(/^SIGTERM: shutting down/m);
    expect(worker.stdout()).toMatch(/^worker \S+ stopped$/m);
    expect(worker.stderr()).toBe('');
  });

  it('lets a running activity attempt finish on SIGTERM and hands the execution back', async () => {
    const file = tempStore('baton-worker-cli-');
    const module = fixture(file, 'napper.mjs', NAPPER_MODULE);
    const marker = join(dirname(file), 'nap.log');
    const worker = startWorker(['--module', module, '--task-queue', 'naps', '--store', `sqlite:${file}`]);
    await waitForOutput(worker, /workflows Napper; activities nap$/m);
    const { napper, activities } = (await import(pathToFileURL(module).href)) as {
      napper: WorkflowDefinition<[string, number], string>;
      activities: object;
    };

    const baton = await openStore(file);
    try {
      const handle = await baton.client.start(napper, { taskQueue: 'naps', args: [marker, 1_000] });
      while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 10));
      worker.proc.kill('SIGTERM');
      const exit = await exitWithin(worker, 8_000);
      expect(exit, worker.stderr()).toEqual({ code: 0, signal: null });

      const { events } = await handle.fetchHistory();
      expect(events.map((e) => e.eventType)).toContain('ActivityTaskCompleted');
      // Handed back: a worker in this process takes it at once and finishes without running nap again.
      const inProcess = baton.worker({ taskQueue: 'naps', workflows: [napper], activities });
      const running = inProcess.run();
      try {
        expect(await handle.result()).toBe('rested');
      } finally {
        await inProcess.shutdown();
        await running;
      }
      expect(readFileSync(marker, 'utf8')).toBe('started\n');
    } finally {
      await baton.close();
    }
  });

  it('exits at once with 143 on a second SIGTERM', async () => {
    const file = tempStore('baton-worker-cli-');
    const module = fixture(file, 'napper.mjs', NAPPER_MODULE);
    const marker = join(dirname(file), 'nap.log');
    const worker = startWorker(['--module', module, '--task-queue', 'naps', '--store', `sqlite:${file}`]);
    await waitForOutput(worker, /^worker /m);
    const { napper } = (await import(pathToFileURL(module).href)) as {
      napper: WorkflowDefinition<[string, number], string>;
    };
    const baton = await openStore(file);
    try {
      await baton.client.start(napper, { taskQueue: 'naps', args: [marker, 20_000] });
      while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 10));
      worker.proc.kill('SIGTERM');
      await waitForOutput(worker, /^SIGTERM: shutting down/m);
      worker.proc.kill('SIGTERM');
      const exit = await exitWithin(worker, 3_000);
      expect(exit).toEqual({ code: 143, signal: null });
      expect(worker.stderr()).toMatch(/SIGTERM again: exiting at once/);
    } finally {
      await baton.close();
    }
  });

  it('takes exported async functions as activities when there is no activities export', async () => {
    const file = tempStore('baton-worker-cli-');
    const module = fixture(
      file,
      'greeter.mjs',
      `
      const greetWorkflow = Object.freeze({
        name: 'Greet',
        fn: async (ctx, name) => ctx.activities({ startToCloseTimeout: '10s' }).greet(name),
      });
      export const workflows = [greetWorkflow];
      export async function greet(name) { return 'Hello, ' + name + '!'; }
      export function notAnActivity() { return 1; }
      export const answer = 42;
      `,
    );
    const worker = startWorker([
      '--module',
      module,
      '--task-queue',
      'greetings',
      '--store',
      `sqlite:${file}`,
    ]);
    await waitForOutput(worker, /workflows Greet; activities greet$/m);
    const baton = await openStore(file);
    try {
      expect(await baton.client.execute('Greet', { taskQueue: 'greetings', args: ['Sacha'] })).toBe(
        'Hello, Sacha!',
      );
    } finally {
      await baton.close();
    }
    worker.proc.kill('SIGINT');
    expect(await exitWithin(worker, 5_000)).toEqual({ code: 0, signal: null });
  });

  it('refuses a missing module with exit 2, naming the file, and opens no store', async () => {
    const file = tempStore('baton-worker-cli-');
    const exit = await runBaton([
      'worker',
      '--module',
      'examples/pokemon/no-such-module.js',
      '--task-queue',
      'q1',
      '--store',
      `sqlite:${file}`,
    ]);
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toMatch(/worker module examples\/pokemon\/no-such-module\.js not found/);
    expect(exit.stdout).toBe('');
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a module that exports no workflows and no activities', async () => {
    const file = tempStore('baton-worker-cli-');
    const module = fixture(file, 'empty.mjs', 'export const answer = 42;\nexport function helper() {}\n');
    const exit = await runBaton([
      'worker',
      '--module',
      module,
      '--task-queue',
      'q1',
      '--store',
      `sqlite:${file}`,
    ]);
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain(`worker module ${module} exports no workflows and no activities`);
    expect(exit.stderr).toContain('it exports answer, helper');
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a module that fails to import, showing the error', async () => {
    const file = tempStore('baton-worker-cli-');
    const module = fixture(file, 'broken.mjs', "throw new Error('Team Rocket was here');\n");
    const exit = await runBaton([
      'worker',
      '--module',
      module,
      '--task-queue',
      'q1',
      '--store',
      `sqlite:${file}`,
    ]);
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain(`worker module ${module} failed to import`);
    expect(exit.stderr).toContain('Error: Team Rocket was here');
  });

  it('refuses an activities export that is not an object of functions', async () => {
    const file = tempStore('baton-worker-cli-');
    const module = fixture(file, 'bad-activities.mjs', 'export const activities = { paralyze: 1 };\n');
    const exit = await runBaton([
      'worker',
      '--module',
      module,
      '--task-queue',
      'q1',
      '--store',
      `sqlite:${file}`,
    ]);
    expect(exit.code, exit.stderr).toBe(2);
    expect(exit.stderr).toContain(`worker module ${module}: activities.paralyze: expected an async function`);
  });

  it('requires --task-queue (exit 2)', async () => {
    const exit = await runBaton(['worker', '--module', 'examples/pokemon/worker-module.ts']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/--task-queue/);
  });
});
