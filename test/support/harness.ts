import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach } from 'vitest';
import { Baton, silentLogger, type BatonOptions, type Worker, type WorkerOptions } from '../../src/index.js';

/** A Baton on a fresh store, its workers, and cleanup after the test. */
export interface TestEnv {
  baton: Baton;
  url: string;
  dir: string;
  /** Starts a worker; it is shut down after the test. */
  worker(options: WorkerOptions): Worker;
}

const opened: { baton: Baton; running: Promise<void>[]; dir: string; schema: string | undefined }[] = [];

/**
 * The PostgreSQL server the feature tests run on instead of SQLite: set when BATON_TEST_STORE is
 * `postgres` and BATON_TEST_POSTGRES_URL names the server (vitest.config.ts's `postgres` project).
 */
const postgresUrl =
  process.env.BATON_TEST_STORE === 'postgres' ? process.env.BATON_TEST_POSTGRES_URL : undefined;
if (process.env.BATON_TEST_STORE === 'postgres' && postgresUrl === undefined) {
  throw new Error(
    'BATON_TEST_STORE=postgres needs BATON_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test)',
  );
}

/** True when the tests run on PostgreSQL (BATON_TEST_STORE=postgres). */
export const onPostgres = postgresUrl !== undefined;

afterEach(async () => {
  for (const env of opened.splice(0)) {
    await env.baton.close();
    await Promise.all(env.running);
    rmSync(env.dir, { recursive: true, force: true });
    if (env.schema !== undefined) await dropSchema(env.schema);
  }
});

/** A store URL on a fresh PostgreSQL schema (created when the store opens it). */
function postgresStoreUrl(schema: string): string {
  const u = new URL(postgresUrl!);
  u.searchParams.set('schema', schema);
  return u.toString();
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * Opens a Baton with a silent logger on a temp SQLite file (or memory), or, when
 * BATON_TEST_STORE=postgres, on a fresh PostgreSQL schema dropped after the test.
 */
export async function openTestEnv(options: BatonOptions & { memory?: boolean } = {}): Promise<TestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-test-'));
  const schema = onPostgres ? `t_${randomUUID().replaceAll('-', '').slice(0, 16)}` : undefined;
  const url =
    schema !== undefined
      ? postgresStoreUrl(schema)
      : options.memory === true
        ? 'sqlite::memory:'
        : `sqlite:${join(dir, 'baton.db')}`;
  const { memory: _memory, ...batonOptions } = options;
  let baton: Baton;
  try {
    baton = await Baton.open(url, { logger: silentLogger, ...batonOptions });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    if (schema !== undefined) await dropSchema(schema);
    throw err;
  }
  const entry = { baton, running: [] as Promise<void>[], dir, schema };
  opened.push(entry);
  return {
    baton,
    url,
    dir,
    worker(workerOptions) {
      const w = baton.worker({ pollInterval: 20, ...workerOptions });
      entry.running.push(w.run());
      return w;
    },
  };
}

/** A promise with its resolve function, for releasing blocked activities. */
export function latch<T = void>(): { promise: Promise<T>; release(value: T): void } {
  let release!: (value: T) => void;
  const promise = new Promise<T>((r) => (release = r));
  return { promise, release };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
