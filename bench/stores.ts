import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** `normal`: WAL + synchronous=NORMAL (the default); `full`: every commit fsynced. SQLite only. */
export type Durability = 'normal' | 'full';

/** The store types the bench runs on. */
export type StoreKind = 'sqlite' | 'postgres';

/** Where a workload runs: a SQLite file (with its durability) or a PostgreSQL server. */
export type StoreTarget =
  | { kind: 'sqlite'; durability: Durability }
  | {
      kind: 'postgres';
      /** The server's URL, without `schema` (each run gets a fresh schema). */
      baseUrl: string;
    };

/** The PostgreSQL server of `--store postgres` when `BATON_BENCH_POSTGRES_URL` is not set. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty store of `target`: its URL, and how to remove it once closed. */
export interface FreshStore {
  url: string;
  /** The schema (PostgreSQL) or undefined (SQLite). */
  schema: string | undefined;
  /** Deletes the temp dir (SQLite) or drops the schema (PostgreSQL). Call after the store is closed. */
  remove(): Promise<void>;
}

/**
 * A fresh store: a SQLite file in a new temp dir, or a new schema `bench_<random>` on the
 * PostgreSQL server (created, and migrated, by the first `openStore` on the URL).
 */
export function freshStore(target: StoreTarget): FreshStore {
  if (target.kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'baton-bench-'));
    return {
      url: `sqlite:${join(dir, 'baton.db')}`,
      schema: undefined,
      remove: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  liveSchemas.set(schema, target.baseUrl);
  dropOnInterrupt();
  const url = new URL(target.baseUrl);
  url.searchParams.set('schema', schema);
  // Names the bench's connections (in pg_stat_activity; `--count-statements` reads their CPU time).
  if (!url.searchParams.has('application_name')) url.searchParams.set('application_name', 'baton-bench');
  return {
    url: url.toString(),
    schema,
    remove: async () => {
      await withServer(target.baseUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
      liveSchemas.delete(schema);
    },
  };
}

/** The bench schemas not dropped yet, with their server's URL. */
const liveSchemas = new Map<string, string>();
let interruptHandler = false;

/** On Ctrl-C (SIGINT) or SIGTERM, drops the schemas still there, then exits. */
function dropOnInterrupt(): void {
  if (interruptHandler) return;
  interruptHandler = true;
  const handler = (signal: NodeJS.Signals): void => {
    const drops = [...liveSchemas].map(([schema, baseUrl]) =>
      withServer(baseUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).catch(() => {
        console.error(`bench: could not drop schema ${schema}; drop it by hand`);
      }),
    );
    void Promise.all(drops).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

/** Runs `fn` with a plain connection to the server at `baseUrl` (no schema), then closes it. */
export async function withServer<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Waits until `count` connections LISTEN on the store channel of `schema` (the store's channel is
 * `baton:<schema>`; a listening connection's last statement stays its LISTEN), so wake-ups across
 * processes are not lost while a store is still connecting its listener.
 */
export async function waitForListeners(
  baseUrl: string,
  schema: string,
  count: number,
  timeoutMs = 10_000,
): Promise<void> {
  await withServer(baseUrl, async (client) => {
    const listen = `LISTEN ${client.escapeIdentifier(`baton:${schema}`)}`;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND state = 'idle'`,
        [listen],
      );
      if ((rows[0]?.n ?? 0) >= count) return;
      if (performance.now() > deadline)
        throw new Error(
          `only ${rows[0]?.n ?? 0} of ${count} stores listen on schema ${schema} after ${timeoutMs} ms`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  });
}

/** `server 127.0.0.1:5432/postgres` for a PostgreSQL target, `SQLite file, durability D` for SQLite. */
export function describeTarget(target: StoreTarget): string {
  if (target.kind === 'sqlite') return `SQLite file, durability ${target.durability}`;
  const u = new URL(target.baseUrl);
  return `PostgreSQL ${u.host}${u.pathname}, a fresh schema per run`;
}

/** What one minimal commit costs on the server: `p50` and `mean` ms over `n` one-row INSERTs. */
export interface CommitFloor {
  p50Ms: number;
  meanMs: number;
  n: number;
}

/**
 * Times `n` autocommitted one-row INSERTs into a logged table (in a throwaway schema), with the
 * server's own `synchronous_commit`: the floor under any durable step (a round trip, a WAL write
 * and, with `synchronous_commit = on`, its flush). It moves with the disk's other traffic, so the
 * bench measures it next to the workloads.
 */
export async function commitFloor(baseUrl: string, n = 300): Promise<CommitFloor> {
  const schema = `bench_probe_${randomBytes(4).toString('hex')}`;
  return withServer(baseUrl, async (c) => {
    await c.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id bigserial PRIMARY KEY, v text)`);
    try {
      const insert = { name: 'probe', text: `INSERT INTO ${schema}.t (v) VALUES ($1)`, values: ['x'] };
      for (let i = 0; i < 50; i++) await c.query(insert);
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await c.query(insert);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return { p50Ms: times[n >> 1]!, meanMs: times.reduce((a, b) => a + b, 0) / n, n };
    } finally {
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
}
