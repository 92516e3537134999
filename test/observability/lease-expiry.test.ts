/**
 * A takeover after a lease expired, with two real workers on one real SQLite store: worker A holds
 * a waiting execution and then cannot renew its lease (its store refuses renewals, as a network
 * partition would), worker B takes it over once the lease has expired and finishes it.
 * Whether the previous owner's lease had expired, and when the workflow task became ready, are
 * facts of the claim the store reports (`ClaimedExecution.leaseExpired` / `readyAtMs`).
 */
import { describe, expect, it } from 'vitest';
import {
  createMetrics,
  defineSignal,
  defineWorkflow,
  silentLogger,
  systemClock,
  Worker,
  type Store,
  type WorkflowTakenEvent,
} from '../../src/index.js';
import { eventually, openTestEnv } from '../support/harness.js';
import { sample } from './prom-text.js';

const finish = defineSignal('finish');
const waiter = defineWorkflow('Waiter', async (ctx) => {
  let done = false;
  ctx.setHandler(finish, () => {
    done = true;
  });
  await ctx.condition(() => done);
  return 'finished';
});

describe('lease expiry', () => {
  it('a takeover from an owner whose lease expired is counted once, by the new owner', async () => {
    const env = await openTestEnv();
    const deps = { converter: env.baton.converter, clock: systemClock, logger: silentLogger };
    const options = { taskQueue: 'lease', workflows: [waiter], leaseTimeout: 300, pollInterval: 20 };
    let partitioned = false;
    const metricsA = createMetrics(env.baton.store);
    const metricsB = createMetrics(env.baton.store);
    const takenB: WorkflowTakenEvent[] = [];

    let reclaimsByA = 0; // A may take its own expired lease back (how often depends on timing)
    const a = new Worker(
      { ...deps, store: refusingRenewals(env.baton.store, () => partitioned) },
      {
        ...options,
        hooks: {
          ...metricsA.hooks,
          onWorkflowTaken(e) {
            if (e.leaseExpired) reclaimsByA++;
            metricsA.hooks.onWorkflowTaken!(e);
          },
        },
      },
    );
    const runningA = a.run();
    const handle = await env.baton.client.start(waiter, { taskQueue: 'lease', workflowId: 'waiter' });
    await eventually(() => (a.heldExecutions === 1 ? true : undefined));
    partitioned = true;
    const b = new Worker(
      { ...deps, store: env.baton.store },
      {
        ...options,
        hooks: {
          ...metricsB.hooks,
          onWorkflowTaken(e) {
            takenB.push(e);
            metricsB.hooks.onWorkflowTaken!(e);
          },
        },
      },
    );
    const runningB = b.run();
    try {
      await eventually(() => (b.heldExecutions === 1 ? true : undefined));
      await handle.signal(finish);
      await expect(handle.result()).resolves.toBe('finished');
      // A hears that the execution closed and finds it was closed by another worker.
      await eventually(async () =>
        sample(await metricsA.metrics(), 'baton_workflow_releases_total', {
          task_queue: 'lease',
          reason: 'lease_lost',
        }),
      );
    } finally {
      await Promise.all([a.shutdown(), b.shutdown()]);
      await Promise.all([runningA, runningB]);
    }

    expect(takenB).toHaveLength(1);
    expect(takenB[0]).toMatchObject({ workflowId: 'waiter', firstTask: false, leaseExpired: true });
    // Ready when A's lease expired (300 ms after its last renewal); B polls every 20 ms after that.
    expect(takenB[0]!.scheduleToStartMs).toBeGreaterThanOrEqual(0);
    expect(takenB[0]!.scheduleToStartMs).toBeLessThan(5_000);
    const textB = await metricsB.metrics();
    expect(sample(textB, 'baton_lease_expiries_total', { task_queue: 'lease' })).toBe(1);
    expect(sample(textB, 'baton_workflows_started_total', { workflow_type: 'Waiter' })).toBeUndefined();
    expect(sample(textB, 'baton_workflows_completed_total', { workflow_type: 'Waiter' })).toBe(1);
    expect(
      sample(textB, 'baton_schedule_to_start_latency_seconds_count', {
        task_queue: 'lease',
        kind: 'workflow',
      }),
    ).toBe(1);
    const textA = await metricsA.metrics();
    expect(sample(textA, 'baton_workflows_started_total', { workflow_type: 'Waiter' })).toBe(1);
    // A is cut off from renewals only: it may claim the execution back itself once its own lease
    // has expired (a lease expiry too, counted by A, once per such claim), before B takes it over.
    expect(sample(textA, 'baton_lease_expiries_total', { task_queue: 'lease' }) ?? 0).toBe(reclaimsByA);
    expect(sample(textA, 'baton_workflows_completed_total', { workflow_type: 'Waiter' })).toBeUndefined();
  });
});

/** The store, except that lease renewals fail while `refuse()` is true. */
function refusingRenewals(store: Store, refuse: () => boolean): Store {
  return override(store, {
    renewLeases: (...args: Parameters<Store['renewLeases']>) =>
      refuse() ? Promise.reject(new Error('partitioned from the store')) : store.renewLeases(...args),
  });
}

/** `store` with some methods replaced (everything else is the real store's). */
function override(store: Store, methods: Partial<Store>): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (Object.hasOwn(methods, prop)) return methods[prop as keyof Store];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
