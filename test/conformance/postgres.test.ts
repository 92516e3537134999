/**
 * The store conformance suite on PostgreSQL, one fresh schema per store, whenever
 * BATON_TEST_POSTGRES_URL is set (CI sets it); plus the PostgreSQL migration cases.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, StoreError, type Store } from '../../src/index.js';
import { GroupCommitter } from '../../src/store/postgres/group-commit.js';
import { MIGRATIONS, MIGRATIONS_TABLE } from '../../src/store/postgres/migrate.js';
import { openDatabase, parsePostgresUrl } from '../../src/store/postgres/open-database.js';
import { Reconnector } from '../../src/store/postgres/reconnect.js';
import { ST } from '../../src/store/postgres/statements.js';
import { storeConformance } from './store-suite.js';

const url = process.env.BATON_TEST_POSTGRES_URL;
if (url === undefined) {
  console.warn(
    'postgres.test.ts skipped: BATON_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)',
  );
}

const schemas: string[] = [];

/** A fresh schema name (created by the store that opens it, dropped after the file's tests). */
function freshSchema(): string {
  const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  schemas.push(schema);
  return schema;
}

function withSchema(schema: string): string {
  const u = new URL(url!);
  u.searchParams.set('schema', schema);
  return u.toString();
}

async function admin<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (url === undefined || schemas.length === 0) return;
  await admin(`DROP SCHEMA IF EXISTS ${schemas.splice(0).join(', ')} CASCADE`);
});

describe.skipIf(url === undefined)('PostgreSQL', () => {
  storeConformance('PostgreSQL', () => openStore(withSchema(freshSchema())));

  describe('PostgreSQL migrations', () => {
    it('two stores migrating one new schema at once both open it', async () => {
      const schema = freshSchema();
      const stores: Store[] = await Promise.all([1, 2, 3].map(() => openStore(withSchema(schema))));
      await Promise.all(stores.map((s) => s.close()));
      const rows = await admin<{ version: number }>(
        `SELECT version FROM ${schema}.${MIGRATIONS_TABLE} ORDER BY version`,
      );
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    });

    it('a schema newer than this code is refused with a clear error', async () => {
      const schema = freshSchema();
      await (await openStore(withSchema(schema))).close();
      await admin(`INSERT INTO ${schema}.${MIGRATIONS_TABLE} (version, applied_at_ms) VALUES (99, 0)`);
      const err = await openStore(withSchema(schema)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toContain(
        `schema version 99, newer than this Baton knows (${MIGRATIONS[MIGRATIONS.length - 1]!.version})`,
      );
      expect((err as Error).message).toContain(`schema "${schema}"`);
    });
  });

  describe('PostgreSQL store', () => {
    it('an unreachable server is a StoreError naming host and port', async () => {
      const err = await openStore('postgres://postgres@127.0.0.1:5999/test').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as Error).message).toMatch(/^cannot reach PostgreSQL at 127\.0\.0\.1:5999: .*ECONNREFUSED/);
    });

    it('a bad schema name is refused before connecting', async () => {
      await expect(openStore(withSchema('Robert; DROP'))).rejects.toThrow(/schema 'Robert; DROP' must be/);
    });

    it('times are numbers and payloads come back as the type they were given', async () => {
      const store = await openStore(withSchema(freshSchema()));
      const bytes = new Uint8Array([0, 1, 2, 255]);
      const startEvent = {
        eventId: 1,
        eventType: 'WorkflowExecutionStarted',
        timeMs: 1_700_000_000_123,
        attrs: { workflowType: 'T', workflowId: 'p1', taskQueue: 'q', attempt: 1, randomSeed: 's' },
        payload: bytes,
      } as const;
      await store.createExecution({
        workflowId: 'p1',
        runId: 'r1',
        workflowType: 'T',
        taskQueue: 'q',
        reusePolicy: 'ALLOW_DUPLICATE',
        startEvent: startEvent as never,
        nowMs: 1_700_000_000_123,
        memo: 'memo-text',
        searchAttributes: { team: 'pokeball', level: 42, shiny: true },
      });
      const e = await store.getExecution('p1');
      expect(e).toMatchObject({
        startTimeMs: 1_700_000_000_123,
        memo: 'memo-text',
        readyAtMs: 1_700_000_000_123,
      });
      expect(typeof e!.startTimeMs).toBe('number');
      const [first] = await store.getHistory('r1');
      expect(first!.timeMs).toBe(1_700_000_000_123);
      expect(first!.payload).toBeInstanceOf(Uint8Array);
      expect([...(first!.payload as Uint8Array)]).toEqual([0, 1, 2, 255]);
      expect(
        (await store.listExecutions({ searchAttributes: { team: 'pokeball', shiny: true } })).map(
          (x) => x.runId,
        ),
      ).toEqual(['r1']);
      expect(await store.listExecutions({ searchAttributes: { team: 'status' } })).toEqual([]);
      await store.close();
    });

    it('a group commit whose connection drops before or after its commit is applied exactly once', async () => {
      const schema = freshSchema();
      const { main: pool, work } = await openDatabase(parsePostgresUrl(withSchema(schema)), {});
      let fault: 'before' | 'after' | undefined;
      // A pool whose clients lose the connection around the next commit (the answer never comes):
      // a transaction's COMMIT, or the one statement that is a batch of owner writes.
      const flaky = {
        query: pool.query.bind(pool),
        connect: async () => {
          const client = await pool.connect();
          return new Proxy(client, {
            get(target, prop) {
              if (prop !== 'query') {
                const v = Reflect.get(target, prop) as unknown;
                return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
              }
              return async (q: unknown, values?: unknown[]) => {
                const commit =
                  typeof q === 'string'
                    ? q.endsWith('COMMIT')
                    : (q as { name?: string }).name?.startsWith('baton_wb_') === true;
                if (commit && fault === 'before') {
                  fault = undefined;
                  throw new Error('Connection terminated unexpectedly');
                }
                const r = await target.query(q as pg.QueryConfig, values);
                if (commit && fault === 'after') {
                  fault = undefined;
                  throw new Error('Connection terminated unexpectedly');
                }
                return r;
              };
            },
          });
        },
      } as unknown as pg.Pool;
      const committer = new GroupCommitter(
        flaky,
        new Reconnector('test', undefined, () => false),
        'c',
        'o',
        () => {},
      );
      for (const [i, f] of (['before', 'after'] as const).entries()) {
        fault = f;
        await committer.enqueue({
          apply: async (tx) => {
            await tx.query(ST.insertInbox, [`run-${i}`, 'signal', '{}', null, null, 1]);
            return [];
          },
        });
        expect(fault).toBeUndefined();
      }
      await committer.flush();
      const rows = await admin<{ run_id: string; n: number }>(
        `SELECT run_id, count(*)::int AS n FROM ${schema}.inbox GROUP BY run_id ORDER BY run_id`,
      );
      expect(rows).toEqual([
        { run_id: 'run-0', n: 1 },
        { run_id: 'run-1', n: 1 },
      ]);
      // Owner writes: one statement, recorded in baton_commits; an append done twice would be
      // refused by its fence (LeaseLostError), and one lost would leave the history short.
      const store = await openStore(withSchema(schema));
      const req = {
        workflowId: 'w',
        runId: 'r',
        workflowType: 'T',
        taskQueue: 'q',
        reusePolicy: 'ALLOW_DUPLICATE' as const,
        startEvent: { eventId: 1, eventType: 'WorkflowExecutionStarted', timeMs: 1, attrs: {} } as never,
        nowMs: 1,
      };
      await store.createExecution(req);
      const [claimed] = await store.claimExecutions({
        taskQueue: 'q',
        workerId: 'A',
        leaseMs: 60_000,
        limit: 1,
        nowMs: 2,
        includeBlocked: false,
      });
      const event = (eventId: number) =>
        ({ eventId, eventType: 'TimerFired', timeMs: 3, attrs: { seq: eventId } }) as never;
      for (const [i, f] of (['after', 'before'] as const).entries()) {
        fault = f;
        await committer.enqueue({
          write: {
            runId: 'r',
            workflowId: 'w',
            workerId: 'A',
            epoch: claimed!.execution.leaseEpoch,
            expectedLastEventId: i + 1,
            events: [event(i + 2)],
          },
        });
        expect(fault).toBeUndefined();
      }
      expect((await store.getHistory('r')).map((e) => e.eventId)).toEqual([1, 2, 3]);
      await committer.forgetSettled();
      expect(await admin(`SELECT id FROM ${schema}.baton_commits`)).toEqual([]);
      await store.close();
      await Promise.all([pool.end(), work.end()]);
    });

    it('notices of one store reach the listeners of another (LISTEN/NOTIFY)', async () => {
      const target = withSchema(freshSchema());
      const [a, b] = [await openStore(target), await openStore(target)];
      const seen: string[] = [];
      b.subscribe((n) => seen.push(n.kind === 'task' ? `task:${n.taskQueue}` : n.kind));
      // The listener connects in the background: announce until it hears both (the two writes go
      // through different connections, so their notices may arrive in either order).
      for (let i = 0; i < 100 && !(seen.includes('task:remote') && seen.includes('topic')); i++) {
        await a.topics.publish(
          { topic: 'wake', id: `e${i}`, key: undefined, correlationId: 'c', data: '1' },
          Date.now(),
          0,
        );
        await a.createExecution({
          workflowId: `n${i}`,
          runId: `rn${i}`,
          workflowType: 'T',
          taskQueue: 'remote',
          reusePolicy: 'ALLOW_DUPLICATE',
          startEvent: {
            eventId: 1,
            eventType: 'WorkflowExecutionStarted',
            timeMs: 1,
            attrs: {
              workflowType: 'T',
              workflowId: `n${i}`,
              taskQueue: 'remote',
              attempt: 1,
              randomSeed: 's',
            },
          } as never,
          nowMs: 1,
        });
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen).toContain('task:remote');
      expect(seen).toContain('topic');
      await a.close();
      await b.close();
    });
  });
});

describe('PostgreSQL reconnection (no server needed)', () => {
  it('retries an operation through a connection loss and logs the outage once, and its end once', async () => {
    const logged: string[] = [];
    const log = (level: string) => (m: string) => logged.push(`${level} ${m}`);
    const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    const reconnector = new Reconnector('db.example:5432/baton', logger, () => false);
    let calls = 0;
    const value = await reconnector.run(async () => {
      if (++calls < 4)
        throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' });
      return 'ok';
    });
    expect([value, calls]).toEqual(['ok', 4]);
    expect(logged).toEqual([
      'warn lost the connection to PostgreSQL at db.example:5432/baton; retrying with back-off',
      'info PostgreSQL at db.example:5432/baton is reachable again',
    ]);
    await expect(
      reconnector.run(async () => {
        throw new Error('syntax error at or near "SELEC"');
      }),
    ).rejects.toThrow(/syntax error/);
  });

  it('gives up with a StoreError once the store is closed', async () => {
    let closed = false;
    const reconnector = new Reconnector('db.example:5432/baton', undefined, () => closed);
    const run = reconnector.run(async () => {
      closed = true;
      throw new Error('Connection terminated unexpectedly');
    });
    await expect(run).rejects.toThrow(StoreError);
    await expect(run).rejects.toThrow(/closed while it was unreachable/);
  });
});
