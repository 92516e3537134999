/**
 * createMetrics on real workers and a real store: the Pokémon capture and its activities, failing
 * attempts, every close status, the backlog read at scrape time and group-commit batch sizes.
 */
import { describe, expect, it } from 'vitest';
import {
  captureActivities,
  capturePokemon,
  CombatService,
  mewtwo,
  PokeballService,
  sacha,
  StatusService,
} from '../../examples/pokemon/index.js';
import {
  ApplicationFailure,
  Baton,
  combineHooks,
  createMetrics,
  defineSignal,
  defineWorkflow,
  silentLogger,
  systemClock,
  Worker,
  type Store,
} from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';
import { sample, sum } from './prom-text.js';

const WF = { workflow_type: 'CapturePokemon' };

function services(statusFaults: { failFirst?: number } = {}) {
  return captureActivities(new StatusService(statusFaults), new CombatService(), new PokeballService());
}

const finish = defineSignal('finish');
/** Waits for `finish` (or its cancellation, or its termination). */
const waiter = defineWorkflow('Waiter', async (ctx) => {
  let done = false;
  ctx.setHandler(finish, () => {
    done = true;
  });
  await ctx.condition(() => done);
  return 'finished';
});
const failing = defineWorkflow('Failing', async () => {
  throw ApplicationFailure.nonRetryable('the Pokémon fled', 'Fled');
});
/** One activity that takes `ms` (its completion's commit comes after a termination). */
const slow = defineWorkflow('Slow', async (ctx, ms: number) => {
  const act = ctx.activities<{ nap(ms: number): Promise<void> }>({ startToCloseTimeout: '10s' });
  await act.nap(ms);
});
/** One activity routed to a task queue nobody polls. */
const routed = defineWorkflow('Routed', async (ctx) => {
  const act = ctx.activities<{ scan(): Promise<void> }>({ startToCloseTimeout: '10s', taskQueue: 'pokedex' });
  await act.scan();
});

describe('createMetrics', () => {
  it('a capture counts one start, one completion, three attempts and their latencies', async () => {
    const env = await openTestEnv();
    const metrics = createMetrics(env.baton.store);
    env.worker({
      taskQueue: 'capture',
      workflows: [capturePokemon],
      activities: services(),
      hooks: metrics.hooks,
    });
    const result = await env.baton.client.execute(capturePokemon, {
      taskQueue: 'capture',
      args: [sacha(), mewtwo()],
    });
    expect(result.pokemon.trainerName).toBe('Sacha');

    const text = await metrics.metrics();
    expect(metrics.contentType).toMatch(/^text\/plain/);
    expect(sample(text, 'baton_workflows_started_total', WF)).toBe(1);
    expect(sample(text, 'baton_workflows_completed_total', WF)).toBe(1);
    expect(sample(text, 'baton_workflows_failed_total', WF)).toBeUndefined();
    expect(sample(text, 'baton_workflow_duration_seconds_count', { ...WF, status: 'COMPLETED' })).toBe(1);
    expect(sum(text, 'baton_activity_attempt_latency_seconds_count')).toBe(3);
    for (const type of ['paralyze', 'attack', 'throwPokeball']) {
      expect(sample(text, 'baton_activity_attempt_latency_seconds_count', { activity_type: type })).toBe(1);
      expect(
        sample(text, 'baton_activity_attempts_total', { activity_type: type, outcome: 'completed' }),
      ).toBe(1);
    }
    expect(sum(text, 'baton_activity_attempts_total')).toBe(3);
    const kind = (k: string) => ({ task_queue: 'capture', kind: k });
    expect(sample(text, 'baton_schedule_to_start_latency_seconds_count', kind('workflow'))).toBe(1);
    expect(sample(text, 'baton_schedule_to_start_latency_seconds_count', kind('activity'))).toBe(3);
    // Nothing was taken over, and the execution closed here (it was never let go of).
    expect(sum(text, 'baton_lease_expiries_total')).toBe(0);
    expect(sum(text, 'baton_workflow_releases_total')).toBe(0);
  });

  it('failed attempts are counted by outcome, each with one latency observation', async () => {
    const env = await openTestEnv();
    const metrics = createMetrics(env.baton.store);
    const activities = services({ failFirst: 2 });
    env.worker({ taskQueue: 'capture', workflows: [capturePokemon], activities, hooks: metrics.hooks });
    await env.baton.client.execute(capturePokemon, { taskQueue: 'capture', args: [sacha(), mewtwo()] });

    const text = await metrics.metrics();
    const paralyze = (outcome: string) => ({ activity_type: 'paralyze', outcome });
    expect(sample(text, 'baton_activity_attempts_total', paralyze('failed'))).toBe(2);
    expect(sample(text, 'baton_activity_attempts_total', paralyze('completed'))).toBe(1);
    expect(sample(text, 'baton_activity_attempt_latency_seconds_count', { activity_type: 'paralyze' })).toBe(
      3,
    );
    expect(sum(text, 'baton_activity_attempt_latency_seconds_count')).toBe(5);
    // Schedule-to-start counts from the end of a retry's back-off (200 ms, then 400 ms), not from
    // the failure: the five waits together stay well under the 0.6 s of back-off.
    const activityWait = sample(text, 'baton_schedule_to_start_latency_seconds_sum', {
      task_queue: 'capture',
      kind: 'activity',
    });
    expect(activityWait).toBeLessThan(0.5);
    expect(sample(text, 'baton_workflows_completed_total', WF)).toBe(1);
  });

  it('a run terminated while an activity is in flight counts as terminated, not as a lost lease', async () => {
    const env = await openTestEnv();
    const metrics = createMetrics(env.baton.store);
    let napping = 0;
    const nap = async (ms: number) => {
      napping++;
      await new Promise((resolve) => setTimeout(resolve, ms));
    };
    env.worker({ taskQueue: 'slow', workflows: [slow], activities: { nap }, hooks: metrics.hooks });
    const handle = await env.baton.client.start(slow, { taskQueue: 'slow', args: [400] });
    await eventually(() => (napping === 1 ? true : undefined));
    // Terminated from another process's view of the store (no in-process notice reaches the worker).
    const other = await Baton.open(env.url, { logger: silentLogger });
    await other.client.getHandle(handle.workflowId).terminate('while it naps');
    await other.close();
    await expect(handle.result()).rejects.toThrow();
    expect(
      await eventually(async () =>
        sample(await metrics.metrics(), 'baton_workflows_terminated_total', { workflow_type: 'Slow' }),
      ),
    ).toBe(1);
    // The nap ends and its commit is fenced: still no release counted.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(sum(await metrics.metrics(), 'baton_workflow_releases_total')).toBe(0);
  });

  it('counts each close status: failed, canceled, terminated, timed out', async () => {
    const env = await openTestEnv();
    const metrics = createMetrics(env.baton.store);
    env.worker({ taskQueue: 'ends', workflows: [waiter, failing], hooks: metrics.hooks });
    const client = env.baton.client;
    await expect(client.execute(failing, { taskQueue: 'ends' })).rejects.toThrow();
    const canceled = await client.start(waiter, { taskQueue: 'ends' });
    const terminated = await client.start(waiter, { taskQueue: 'ends' });
    const timedOut = await client.start(waiter, { taskQueue: 'ends', workflowExecutionTimeout: '300ms' });
    const completed = await client.start(waiter, { taskQueue: 'ends' });
    // All four are held by the worker (their first task ran) before the client acts on them.
    await eventually(async () =>
      sample(await metrics.metrics(), 'baton_workflows_started_total', { workflow_type: 'Waiter' }) === 4
        ? true
        : undefined,
    );
    await canceled.cancel();
    await terminated.terminate('test');
    await completed.signal(finish);
    for (const h of [canceled, terminated, timedOut]) await expect(h.result()).rejects.toThrow();
    await expect(completed.result()).resolves.toBe('finished');

    const waiterCount = (name: string) =>
      eventually(async () => sample(await metrics.metrics(), name, { workflow_type: 'Waiter' }));
    expect(await waiterCount('baton_workflows_started_total')).toBe(4);
    expect(await waiterCount('baton_workflows_canceled_total')).toBe(1);
    // Terminated by the client: the worker holding it learns it from the store.
    expect(await waiterCount('baton_workflows_terminated_total')).toBe(1);
    expect(await waiterCount('baton_workflows_timed_out_total')).toBe(1);
    expect(await waiterCount('baton_workflows_completed_total')).toBe(1);
    const text = await metrics.metrics();
    expect(sample(text, 'baton_workflows_failed_total', { workflow_type: 'Failing' })).toBe(1);
    expect(sample(text, 'baton_workflows_started_total', { workflow_type: 'Failing' })).toBe(1);
    expect(sum(text, 'baton_workflow_releases_total')).toBe(0);
  });

  it('the backlog gauge is read from the store at each scrape', async () => {
    const env = await openTestEnv();
    const metrics = createMetrics(env.baton.store);
    const client = env.baton.client;
    for (let i = 0; i < 3; i++) await client.start(waiter, { taskQueue: 'idle', workflowId: `idle-${i}` });
    const text = await metrics.metrics();
    expect(sample(text, 'baton_task_queue_backlog', { task_queue: 'idle', kind: 'workflow' })).toBe(3);

    // A worker takes them: the workflow backlog empties; an activity routed to 'pokedex' (nobody
    // polls it) waits there.
    env.worker({ taskQueue: 'idle', workflows: [waiter, routed], hooks: metrics.hooks });
    await client.start(routed, { taskQueue: 'idle', workflowId: 'routed' });
    const after = await eventually(async () => {
      const t = await metrics.metrics();
      return sample(t, 'baton_task_queue_backlog', { task_queue: 'pokedex', kind: 'activity' }) === 1 &&
        sample(t, 'baton_task_queue_backlog', { task_queue: 'idle', kind: 'workflow' }) === undefined
        ? t
        : undefined;
    });
    expect(sum(after, 'baton_task_queue_backlog')).toBe(1);
  });

  it('group-commit batch sizes add up to the writes the worker made, some batches holding several', async () => {
    const env = await openTestEnv();
    const metrics = createMetrics(env.baton.store);
    let commits = 0;
    const store = countingCommits(env.baton.store, () => commits++);
    const worker = new Worker(
      { store, converter: env.baton.converter, clock: systemClock, logger: silentLogger },
      { taskQueue: 'batch', workflows: [capturePokemon], activities: services(), hooks: metrics.hooks },
    );
    const running = worker.run();
    try {
      const client = env.baton.client;
      const handles = await Promise.all(
        Array.from({ length: 20 }, () =>
          client.start(capturePokemon, { taskQueue: 'batch', args: [sacha(), mewtwo()] }),
        ),
      );
      await Promise.all(handles.map((h) => h.result()));
    } finally {
      await worker.shutdown();
      await running;
    }
    await new Promise((resolve) => setImmediate(resolve));
    const text = await metrics.metrics();
    expect(commits).toBeGreaterThanOrEqual(20 * 4);
    expect(sample(text, 'baton_group_commit_batch_size_sum')).toBe(commits);
    const batches = sample(text, 'baton_group_commit_batch_size_count')!;
    expect(batches).toBeGreaterThan(0);
    // Batches of one write are fewer than all batches: some turns committed several executions.
    expect(sample(text, 'baton_group_commit_batch_size_bucket', { le: '1' })).toBeLessThan(batches);
  });

  it("BatonOptions.hooks reach every worker of the Baton, before each worker's own hooks", async () => {
    const calls: string[] = [];
    const env = await openTestEnv({
      hooks: { onWorkflowClosed: (e) => calls.push(`baton:${e.workflowType}:${e.status}`) },
    });
    const metrics = createMetrics(env.baton.store);
    env.worker({
      taskQueue: 'one',
      workflows: [capturePokemon],
      activities: services(),
      hooks: combineHooks(metrics.hooks, { onWorkflowClosed: (e) => calls.push(`worker:${e.workflowType}`) }),
    });
    env.worker({ taskQueue: 'two', workflows: [failing] });
    await env.baton.client.execute(capturePokemon, { taskQueue: 'one', args: [sacha(), mewtwo()] });
    await expect(env.baton.client.execute(failing, { taskQueue: 'two' })).rejects.toThrow();
    await eventually(() => (calls.length === 3 ? true : undefined));
    expect(calls).toEqual([
      'baton:CapturePokemon:COMPLETED',
      'worker:CapturePokemon',
      'baton:Failing:FAILED',
    ]);
    expect(sample(await metrics.metrics(), 'baton_workflows_completed_total', WF)).toBe(1);
  });

  it('registers under a prefix in a given registry, and refuses a second set of the same names', async () => {
    const env = await openTestEnv();
    const metrics = createMetrics(env.baton.store, { prefix: 'pokedex_' });
    expect(await metrics.metrics()).toContain('# TYPE pokedex_workflows_started_total counter');
    expect(() => createMetrics(env.baton.store, { prefix: 'pokedex_', registry: metrics.registry })).toThrow(
      /already been registered/,
    );
    const withDefaults = createMetrics(env.baton.store, { collectDefault: true });
    expect(await withDefaults.metrics()).toContain('process_cpu_user_seconds_total');
  });
});

/** `store` with `onCommit` called for each `commit` (a real store underneath). */
function countingCommits(store: Store, onCommit: () => void): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'commit')
        return (write: Parameters<Store['commit']>[0]) => {
          onCommit();
          return target.commit(write);
        };
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
