/**
 * Issue 5: two processes recovering the same abandoned execution at the same moment; exactly one
 * runs it to the end and the other's writes are rejected. Real worker processes
 * (test/fixtures/race-worker.ts), real SIGKILL / SIGSTOP / SIGCONT, on a SQLite file shared by the
 * processes and, when BATON_TEST_POSTGRES_URL is set, on a fresh PostgreSQL schema (so the
 * `postgres` project of vitest.config.ts leaves this file out).
 *
 * 1. Worker A runs the 8-step `Race` workflow and is SIGKILLed once step 2 is done (A's line for
 *    step 3 is in the side file): the execution is abandoned with A's lease held.
 * 2. Workers B and C start at the same moment: exactly one claims it (the holder; the lease epoch
 *    moves on by one), and only the holder appends side-file lines.
 * 3. Once the holder has finished one step, it is SIGSTOPped in the next (step in flight) for
 *    2.5 s, more than its 1 s lease: the other worker (the rescuer) takes over. SIGCONT: the
 *    holder's step finishes, and it writes nothing more (fenced: its lease epoch is stale).
 * 4. The workflow completes with the right result; every step is completed once in the history,
 *    event ids run 1…n, the step that was in flight in the holder is recorded as the rescuer's.
 *    The side file shows that step twice (activities are at least once).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { Baton, StoreError, silentLogger, type HistoryEvent } from '../../src/index.js';
import type { EventOf } from '../../src/common/history.js';
import { runTs, type Child } from '../support/child.js';
import { eventually } from '../support/harness.js';

const FIXTURE = 'test/fixtures/race-worker.ts';
const STEPS = 8;
/** How long the holder stays stopped: well past its lease (the fixture's `leaseTimeout` is 1 s). */
const STOPPED_MS = 2_500;

const postgresUrl = process.env.BATON_TEST_POSTGRES_URL;

/** One line of the side file: a step's activity started in that worker. */
type SideLine = { worker: string; pid: number; step: number; attempt: number };

/** A worker process of the fixture. */
interface RaceWorker {
  name: string;
  child: Child;
  /** Its worker identity (`pid@host/NAME-xxxxxxxx`), once it printed `ready`. */
  identity: string;
  stopped: boolean;
}

const workers: RaceWorker[] = [];
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const w of workers.splice(0)) {
    const { proc } = w.child;
    if (proc.exitCode !== null || proc.signalCode !== null) continue;
    if (w.stopped) proc.kill('SIGCONT');
    proc.kill('SIGKILL');
    await w.child.exited;
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts a fixture worker; resolves once it runs. */
async function startWorker(url: string, name: string, sideFile: string, fault?: Fault): Promise<RaceWorker> {
  const child = runTs(FIXTURE, [url, name, sideFile, ...(fault === undefined ? [] : [fault])]);
  const w: RaceWorker = { name, child, identity: '', stopped: false };
  workers.push(w);
  w.identity = await eventually(() => /^ready (\S+)$/m.exec(child.stdout())?.[1], 30_000).catch(
    (err: Error) => {
      throw new Error(`worker ${name} did not start: ${err.message}; stderr: ${child.stderr()}`);
    },
  );
  return w;
}

function readSide(sideFile: string): SideLine[] {
  if (!existsSync(sideFile)) return [];
  return readFileSync(sideFile, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as SideLine);
}

/** Waits until the side file has a line matching `match`; returns all lines then. */
function sideLineWhere(sideFile: string, match: (l: SideLine) => boolean, what: string): Promise<SideLine[]> {
  return eventually(() => {
    const lines = readSide(sideFile);
    return lines.some(match) ? lines : undefined;
  }, 20_000).catch((err: Error) => {
    throw new Error(
      `${what}: ${err.message}; side file: ${JSON.stringify(readSide(sideFile))}\n${outputs()}`,
    );
  });
}

/** Everything the workers printed, for failure messages. */
function outputs(): string {
  return workers
    .map((w) => `--- ${w.name} stdout:\n${w.child.stdout()}--- ${w.name} stderr:\n${w.child.stderr()}`)
    .join('\n');
}

/** A fresh temp dir (for the side file and a SQLite store), removed after the test. */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-race-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The PostgreSQL variant's store: a fresh schema (created by the store), dropped after the test. */
function postgresStore(server: string): string {
  const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });
  const u = new URL(server);
  u.searchParams.set('schema', schema);
  return u.toString();
}

/** The test's own Baton on the store, or undefined when `openStore` does not accept the URL's scheme. */
async function openBaton(url: string): Promise<Baton | undefined> {
  try {
    const baton = await Baton.open(url, { logger: silentLogger });
    cleanups.push(() => baton.close());
    return baton;
  } catch (err) {
    if (err instanceof StoreError && /unknown scheme/.test(err.message)) return undefined;
    throw err;
  }
}

/**
 * How the holder learns, after SIGCONT, that its lease is gone. `renewal`: as it happens (its lease
 * renewal is overdue, runs first and finds the execution claimed elsewhere, or its commit comes
 * first and is refused). `commit`: its first renewal after the freeze stalls (the fixture's
 * `stall-renewal`), so the write of its finished step reaches the store, which refuses it.
 */
type Fence = 'renewal' | 'commit';
type Fault = 'stall-renewal';

/** The step A is killed in (the steps before it done), and the step the holder is stopped in. */
const KILLED_IN = 3;
const STOPPED_IN = 4;

/** What the phases of a run share. */
interface Run {
  baton: Baton;
  url: string;
  sideFile: string;
  runId: string;
  a: RaceWorker;
  /** The lease epoch of A's claim. */
  epochOfA: number;
  /** Side-file lines when A was killed. */
  linesOfA: SideLine[];
}

/** The run itself, on the store at `url` (the test's Baton is already open on it). */
async function recoveryRace(baton: Baton, url: string, sideFile: string, fence: Fence): Promise<void> {
  const run = await abandonedByA(baton, url, sideFile);
  const { holder, rescuer, epochOfHolder, linesOfHolder } = await raceOfBAndC(run, fence);
  await rescueWhileStopped(run, holder, rescuer, epochOfHolder);
  const { out: afterCont, start: thawedAt } = await thaw(holder);
  if (fence === 'renewal') {
    expect(afterCont, 'the holder found out it was fenced').toMatch(/^fenced (commit|renewal) /m);
  } else {
    expect(afterCont).toMatch(/^stalled renewal$/m);
    expect(afterCont, 'its attempt ended and was handed on to be recorded').toMatch(
      /^attempt seq=\d+ attempt=1 outcome=completed$/m,
    );
    expect(afterCont, 'the store refused its write, made at its old epoch').toMatch(
      new RegExp(`^fenced commit runId=${run.runId} epoch=${epochOfHolder} events=[1-9]`, 'm'),
    );
  }

  // 4. The rescuer runs it to the end; nothing of the holder after its stop reaches the history.
  const handle = baton.client.getHandle('race');
  expect(await handle.result()).toEqual(Array.from({ length: STEPS }, (_, i) => (i + 1) ** 2));
  expect(holder.child.stdout().slice(thawedAt), 'the holder recorded nothing after SIGCONT').not.toMatch(
    /^recorded /m,
  );
  const side = readSide(sideFile);
  const before = [...run.linesOfA, ...linesOfHolder];
  expect(side.slice(0, before.length)).toEqual(before);
  expect(
    side.slice(before.length).map((l) => [l.worker, l.step]),
    'the holder appended nothing after it was stopped',
  ).toEqual(Array.from({ length: STEPS - STOPPED_IN + 1 }, (_, i) => [rescuer.name, STOPPED_IN + i]));
  // At least once: the steps in flight at the kill and at the stop ran twice, the others once.
  const runs = (step: number) => side.filter((l) => l.step === step).map((l) => l.worker);
  expect(runs(KILLED_IN)).toEqual(['A', holder.name]);
  expect(runs(STOPPED_IN)).toEqual([holder.name, rescuer.name]);
  for (let step = 1; step <= STEPS; step++)
    if (step !== KILLED_IN && step !== STOPPED_IN) expect(runs(step)).toHaveLength(1);
  const { events } = await handle.fetchHistory();
  checkHistory(baton, events, { a: run.a, holder, rescuer });
}

/** 1. A runs the workflow and dies once step 2 is done: the execution is abandoned, A's lease held. */
async function abandonedByA(baton: Baton, url: string, sideFile: string): Promise<Run> {
  const a = await startWorker(url, 'A', sideFile);
  await baton.client.start('Race', { taskQueue: 'race', workflowId: 'race' });
  await sideLineWhere(sideFile, (l) => l.worker === 'A' && l.step === KILLED_IN, 'A reaching its step');
  a.child.proc.kill('SIGKILL');
  expect((await a.child.exited).signal).toBe('SIGKILL');
  const abandoned = (await baton.store.getExecution('race'))!;
  expect(abandoned.status).toBe('RUNNING');
  expect(abandoned.leaseOwner).toBe(a.identity);
  const linesOfA = readSide(sideFile);
  expect(linesOfA.map((l) => [l.worker, l.step])).toEqual(
    Array.from({ length: KILLED_IN }, (_, i) => ['A', i + 1]),
  );
  return { baton, url, sideFile, runId: abandoned.runId, a, epochOfA: abandoned.leaseEpoch, linesOfA };
}

/**
 * 2. B and C start at the same moment; exactly one of them (the holder) claims the execution. Once
 * it has finished one step, it is SIGSTOPped in the next, that step in flight.
 */
async function raceOfBAndC(run: Run, fence: Fence) {
  const { url, sideFile, linesOfA } = run;
  const fault = fence === 'commit' ? 'stall-renewal' : undefined;
  const [b, c] = await Promise.all([
    startWorker(url, 'B', sideFile, fault),
    startWorker(url, 'C', sideFile, fault),
  ]);
  const first = await sideLineWhere(sideFile, (l) => l.worker !== 'A', 'B or C taking over');
  const holder = first.find((l) => l.worker !== 'A')!.worker === 'B' ? b : c;
  const rescuer = holder === b ? c : b;
  const inHolder = (l: SideLine) => l.worker === holder.name && l.step === STOPPED_IN;
  await sideLineWhere(sideFile, inHolder, `${holder.name} reaching step ${STOPPED_IN}`);
  await stopOutsideTransactions(holder, url);
  const linesOfHolder = readSide(sideFile).slice(linesOfA.length);
  expect(
    linesOfHolder.map((l) => [l.worker, l.step, l.attempt]),
    'only the holder works until it is stopped',
  ).toEqual([
    [holder.name, KILLED_IN, 2],
    [holder.name, STOPPED_IN, 1],
  ]);
  expect(rescuer.child.stdout(), 'the other one never held it').not.toMatch(/^held 1$/m);
  const claimed = (await run.baton.store.getExecution('race'))!;
  expect(claimed.leaseOwner).toBe(holder.identity);
  expect(claimed.leaseEpoch, 'one claim between A and the holder').toBe(run.epochOfA + 1);
  return { holder, rescuer, epochOfHolder: claimed.leaseEpoch, linesOfHolder };
}

/**
 * SIGSTOPs a worker, and waits until it is stopped. On SQLite, a process stopped inside a write
 * transaction would keep the file's write lock (so no other process could take its lease over): if
 * the lock cannot be taken, it is continued for a moment and stopped again (this happens about
 * once in 200 stops; PostgreSQL's claims and renewals are single statements and skip locked rows).
 */
async function stopOutsideTransactions(w: RaceWorker, url: string): Promise<void> {
  for (let tries = 1; ; tries++) {
    w.child.proc.kill('SIGSTOP');
    w.stopped = true;
    await eventually(() => (processState(w.child.proc.pid!) === 'T' ? true : undefined), 5_000);
    if (!url.startsWith('sqlite:') || sqliteWriteLockFree(url.slice('sqlite:'.length))) return;
    if (tries === 10) throw new Error(`${w.name} stopped holding the SQLite write lock ${tries} times`);
    w.child.proc.kill('SIGCONT');
    w.stopped = false;
    await sleep(1);
  }
}

/** A process's state letter from /proc/PID/stat: `T` when stopped (without /proc, assumed so). */
function processState(pid: number): string {
  if (!existsSync(`/proc/${pid}/stat`)) return 'T';
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)![0]!;
}

/** True when another connection gets SQLite's write lock within 200 ms. */
function sqliteWriteLockFree(path: string): boolean {
  const db = new Database(path, { timeout: 200 });
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return false;
    throw err;
  } finally {
    db.close();
  }
}

/**
 * 3. Stopped for longer than its lease: the rescuer takes over, the holder's step still in flight.
 * The rescuer finds that step's attempt lost (START_TO_CLOSE) and retries it 1 s later (default
 * policy), so its first line comes 1.7–2.1 s after the stop and the run cannot end before 2.9 s.
 */
async function rescueWhileStopped(
  run: Run,
  holder: RaceWorker,
  rescuer: RaceWorker,
  epochOfHolder: number,
): Promise<void> {
  await sleep(STOPPED_MS);
  const takenOver = (await run.baton.store.getExecution('race'))!;
  expect(takenOver.status, outputs()).toBe('RUNNING');
  expect(takenOver.leaseOwner, outputs()).toBe(rescuer.identity);
  expect(takenOver.leaseEpoch, 'one claim between the holder and the rescuer').toBe(epochOfHolder + 1);
  // Normally there already; a loaded machine may need a moment more (the holder stays stopped).
  const byRescuer = (l: SideLine) => l.worker === rescuer.name;
  const lines = await sideLineWhere(run.sideFile, byRescuer, 'the rescuer taking over');
  const sinceStop = lines.slice(run.linesOfA.length + 2);
  expect(new Set(sinceStop.map((l) => l.worker))).toEqual(new Set([rescuer.name]));
  expect(sinceStop[0]).toMatchObject({ step: STOPPED_IN, attempt: 2 });
}

/**
 * SIGCONTs the holder and waits until its step has finished and it let go of the execution;
 * resolves with what it printed since (and where that starts in its stdout).
 */
async function thaw(holder: RaceWorker): Promise<{ out: string; start: number }> {
  const start = holder.child.stdout().length;
  holder.child.proc.kill('SIGCONT');
  holder.stopped = false;
  const out = await eventually<string>(() => {
    const since = holder.child.stdout().slice(start);
    return since.includes(`finished step=${STOPPED_IN}`) && /^held 0$/m.test(since) ? since : undefined;
  }, 10_000).catch((err: Error) => {
    throw new Error(`${err.message}; holder after SIGCONT: ${holder.child.stdout().slice(start)}`);
  });
  return { out, start };
}

/** Exactly one completion per step, ids 1…n in order, each step's start by the worker expected. */
function checkHistory(
  baton: Baton,
  events: HistoryEvent[],
  who: { a: RaceWorker; holder: RaceWorker; rescuer: RaceWorker },
): void {
  expect(events.map((e) => e.eventId)).toEqual(events.map((_, i) => i + 1));
  expect(events.map((e) => e.eventType)).toEqual([
    'WorkflowExecutionStarted',
    ...Array.from({ length: STEPS }, () => [
      'ActivityTaskScheduled',
      'ActivityTaskStarted',
      'ActivityTaskCompleted',
    ]).flat(),
    'WorkflowExecutionCompleted',
  ]);
  // Step s is scheduled at event 3s − 1, started at 3s, completed at 3s + 1.
  const steps = Array.from({ length: STEPS }, (_, i) => {
    const [scheduled, started, completed] = events.slice(3 * i + 1, 3 * i + 4) as [
      EventOf<'ActivityTaskScheduled'>,
      EventOf<'ActivityTaskStarted'>,
      EventOf<'ActivityTaskCompleted'>,
    ];
    expect(started.attrs.scheduledEventId).toBe(scheduled.eventId);
    expect(completed.attrs).toMatchObject({
      scheduledEventId: scheduled.eventId,
      startedEventId: started.eventId,
    });
    const { identity, attempt } = started.attrs;
    const [args, result] = [scheduled, completed].map((e) => baton.converter.fromPayload(e.payload!));
    return { args, result, identity, attempt };
  });
  const { a, holder, rescuer } = who;
  const expected = (step: number) => {
    const io = { args: [step], result: step ** 2 };
    if (step < KILLED_IN) return { ...io, identity: a.identity, attempt: 1 };
    if (step < STOPPED_IN) return { ...io, identity: holder.identity, attempt: 2 };
    return { ...io, identity: rescuer.identity, attempt: step === STOPPED_IN ? 2 : 1 };
  };
  expect(steps).toEqual(steps.map((_, i) => expected(i + 1)));
  for (const w of [a, holder, rescuer])
    expect(w.identity).toMatch(new RegExp(`^${w.child.proc.pid}@[^/]+/${w.name}-[0-9a-f]{8}$`));
}

/** Shuts down B and C with SIGTERM (graceful) and checks they exit cleanly. */
async function stopWorkers(): Promise<void> {
  const alive = workers.filter((w) => w.child.proc.exitCode === null && w.child.proc.signalCode === null);
  for (const w of alive) w.child.proc.kill('SIGTERM');
  const exits = await Promise.all(alive.map((w) => w.child.exited));
  expect(
    exits.map((e) => e.code),
    outputs(),
  ).toEqual(alive.map(() => 0));
}

/** The stores, each giving a fresh store's URL for a test, or why it is skipped. */
const STORES: { name: string; open(): { url: string } | { skip: string } }[] = [
  {
    name: 'SQLite (one file, several processes)',
    open: () => ({ url: `sqlite:${join(tempDir(), 'baton.db')}` }),
  },
  {
    name: 'PostgreSQL (a fresh schema)',
    open: () =>
      postgresUrl === undefined
        ? { skip: 'BATON_TEST_POSTGRES_URL is not set' }
        : { url: postgresStore(postgresUrl) },
  },
];

const FENCES: { fence: Fence; title: string }[] = [
  { fence: 'renewal', title: 'one runs it to the end; the stopped one, thawed, writes nothing more' },
  {
    fence: 'commit',
    title: "one runs it to the end; the stopped one's write, made with a stalled renewal, is refused",
  },
];

describe('two processes recover the same abandoned execution at the same moment', () => {
  for (const store of STORES) {
    describe(`on ${store.name}`, () => {
      for (const { fence, title } of FENCES) {
        it(
          title,
          async (ctx) => {
            const opened = store.open();
            if ('skip' in opened) {
              console.warn(`recovery-race.test.ts on ${store.name} skipped: ${opened.skip}`);
              return ctx.skip(opened.skip);
            }
            const baton = await openBaton(opened.url);
            if (baton === undefined) {
              const why = `openStore does not accept ${opened.url.split(':')[0]}: URLs yet`;
              console.warn(`recovery-race.test.ts on ${store.name} skipped: ${why}`);
              return ctx.skip(why);
            }
            await recoveryRace(baton, opened.url, join(tempDir(), 'side.jsonl'), fence);
            await stopWorkers();
          },
          60_000,
        );
      }
    });
  }
});
