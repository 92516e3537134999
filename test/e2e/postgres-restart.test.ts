/**
 * Connection loss mid-run. (1) PostgreSQL stopped for 3 s and restarted while 100 workflows run on
 * one worker: all complete, none twice. It stops the local server (as root, with pg_ctlcluster),
 * which disturbs every other test using it, so it runs only when BATON_TEST_POSTGRES_RESTART=1
 * (and BATON_TEST_POSTGRES_URL names the server); run this file alone. (2) The store's own
 * connections killed again and again (`pg_terminate_backend`, mid-transaction and mid-commit) while
 * workflows run: all complete, none twice; this one disturbs no one and runs whenever
 * BATON_TEST_POSTGRES_URL is set.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Baton, defineWorkflow, silentLogger, type Logger } from '../../src/index.js';

const url = process.env.BATON_TEST_POSTGRES_URL;
const enabled = process.env.BATON_TEST_POSTGRES_RESTART === '1' && url !== undefined;
if (url === undefined) {
  console.warn(
    'postgres-restart.test.ts skipped: BATON_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)',
  );
} else if (!enabled) {
  console.warn(
    'postgres-restart.test.ts skipped: it stops the local PostgreSQL server; set BATON_TEST_POSTGRES_RESTART=1 and BATON_TEST_POSTGRES_URL to run it (alone)',
  );
}

const schemas: string[] = [];

/** A store URL on a fresh schema, its connections named `appName` (to find them in pg_stat_activity). */
function storeUrl(appName?: string): string {
  const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  schemas.push(schema);
  const target = new URL(url!);
  target.searchParams.set('schema', schema);
  if (appName !== undefined) target.searchParams.set('application_name', appName);
  return target.toString();
}

/** Checks every run completed once, with each of its 8 steps recorded once, events numbered 1…n. */
async function expectEachOnce(
  handles: { fetchHistory(): Promise<{ events: { eventType: string; eventId: number }[] }> }[],
) {
  for (const h of handles) {
    const { events } = await h.fetchHistory();
    const count = (type: string) => events.filter((e) => e.eventType === type).length;
    expect(count('WorkflowExecutionCompleted')).toBe(1);
    expect(count('ActivityTaskCompleted')).toBe(8);
    expect(count('ActivityTaskScheduled')).toBe(8);
    expect(events.map((e) => e.eventId)).toEqual(events.map((_, i) => i + 1));
  }
}

/** Stops or starts the local cluster (the first version under /etc/postgresql, cluster main). */
function cluster(action: 'stop' | 'start'): void {
  const version = readdirSync('/etc/postgresql')[0]!;
  execFileSync(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', version, 'main', action, ...(action === 'stop' ? ['-m', 'fast'] : [])],
    {
      stdio: 'ignore',
    },
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const step = async (n: number): Promise<number> => {
  await sleep(100);
  return n + 1;
};

const steps = defineWorkflow('RestartSteps', async (ctx) => {
  const call = ctx.activities<{ step: typeof step }>({ startToCloseTimeout: '20s' });
  let n = 0;
  for (let i = 0; i < 8; i++) n = await call.step(n);
  return n;
});

afterAll(async () => {
  if (url === undefined || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schemas.splice(0).join(', ')} CASCADE`);
  await client.end();
});

describe.skipIf(url === undefined)('PostgreSQL connections killed mid-run', () => {
  it('50 workflows while the store’s connections are terminated every 25 ms for 2 s: all complete, none twice', async () => {
    const appName = `baton_kill_${randomUUID().slice(0, 8)}`;
    const baton = await Baton.open(storeUrl(appName), { logger: silentLogger });
    const worker = baton.worker({
      taskQueue: 'kill',
      workflows: [steps],
      activities: { step },
      pollInterval: 50,
    });
    const running = worker.run();
    const killer = new pg.Client({ connectionString: url });
    await killer.connect();
    try {
      const handles = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          baton.client.start(steps, { taskQueue: 'kill', workflowId: `kill-${i}`, args: [] }),
        ),
      );
      let killed = 0;
      for (const end = Date.now() + 2000; Date.now() < end;) {
        const { rows } = await killer.query<{ ok: boolean }>(
          'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
          [appName],
        );
        killed += rows.length;
        await sleep(25);
      }
      expect(killed).toBeGreaterThan(0);
      const results = await Promise.all(handles.map((h) => h.result()));
      expect(results).toEqual(handles.map(() => 8));
      await expectEachOnce(handles);
    } finally {
      await killer.end();
      await baton.close();
      await running;
    }
  }, 60_000);
});

describe.skipIf(!enabled)('PostgreSQL restart mid-run', () => {
  it('100 workflows on one worker: PostgreSQL stopped 3 s and restarted, all complete, none twice', async () => {
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (m) => warnings.push(m),
      error: (m) => warnings.push(m),
    };
    const baton = await Baton.open(storeUrl(), { logger });
    const worker = baton.worker({
      taskQueue: 'restart',
      workflows: [steps],
      activities: { step },
      pollInterval: 50,
    });
    const running = worker.run();
    try {
      const handles = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          baton.client.start(steps, { taskQueue: 'restart', workflowId: `restart-${i}`, args: [] }),
        ),
      );
      await sleep(300);
      cluster('stop');
      try {
        await sleep(3000);
      } finally {
        cluster('start');
      }
      const results = await Promise.all(handles.map((h) => h.result()));
      expect(results).toEqual(handles.map(() => 8));
      await expectEachOnce(handles);
      // The store logged the outage once and retried: no worker saw a failed poll or write.
      expect(warnings, warnings.join('\n')).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^lost the connection to PostgreSQL at 127\.0\.0\.1:5432\/.*; retrying with back-off$/,
      );
    } finally {
      await baton.close();
      await running;
    }
  }, 120_000);
});
