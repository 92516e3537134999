import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineWorkflow } from '../../src/index.js';
import { latch, openTestEnv } from '../support/harness.js';

// Several processes may share one SQLite file. When a write of an owner fails for a reason other
// than a lost lease (here SQLITE_BUSY: another process held the write lock past busyTimeoutMs), the
// host "drops the execution" — but its lease stays with the worker and keeps being renewed, so no
// worker (not even this one) ever picks the execution up again: it is stuck RUNNING.

describe('a failed owner write', () => {
  it('an execution whose write failed with SQLITE_BUSY is picked up again and completes', async () => {
    const logs: string[] = [];
    const log = (level: string) => (m: string, a?: object) =>
      void logs.push(`${level} ${m} ${JSON.stringify(a)}`);
    const env = await openTestEnv({
      busyTimeoutMs: 50,
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    });
    const release = latch();
    let calls = 0;
    const activities = {
      async hold(): Promise<void> {
        await new Promise((r) => setTimeout(r, 8000));
      },
      async step(): Promise<string> {
        calls++;
        if (calls === 1) await release.promise;
        return 'done';
      },
    };
    const wf = defineWorkflow('BusyStore', async (ctx) =>
      ctx
        .activities<typeof activities>({ startToCloseTimeout: '10s', retry: { initialInterval: 10 } })
        .step(),
    );
    // a second execution held by the same worker, so the worker keeps renewing its leases
    const holder = defineWorkflow('Holder', async (ctx) =>
      ctx.activities<typeof activities>({ startToCloseTimeout: '10s' }).hold(),
    );
    env.worker({
      taskQueue: 'q',
      workflows: [wf, holder],
      activities,
      leaseTimeout: 1000,
      shutdownGraceTime: 10,
    });
    await env.baton.client.start(holder, { taskQueue: 'q' });
    const handle = await env.baton.client.start(wf, { taskQueue: 'q' });
    await new Promise((r) => setTimeout(r, 100));
    // another process takes the write lock for 300 ms while the activity completes
    const other = new Database(join(env.dir, 'baton.db'));
    other.exec('BEGIN IMMEDIATE');
    release.release();
    await new Promise((r) => setTimeout(r, 300));
    other.exec('COMMIT');
    other.close();
    const outcome = await Promise.race([
      handle.result(),
      new Promise((r) => setTimeout(() => r('still RUNNING 4 s after the lock was released'), 4000)),
    ]);
    const d = await handle.describe();
    expect(logs[0]).toContain('database is locked'); // the write did fail
    expect({ outcome, worker: d.worker === undefined ? 'none' : 'held by a worker that dropped it' }).toEqual(
      {
        outcome: 'done',
        worker: 'none',
      },
    );
  });
});
