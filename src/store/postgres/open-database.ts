import pg from 'pg';
import { StoreError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import { migrate } from './migrate.js';

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /**
   * Connections in the store's pool for reads and the client. Three more serve the workers' path
   * (group commits, claims, renewals), and one LISTENs. @default 10
   */
  poolSize?: number;
  /** How long opening one connection may take, in ms, before it fails. @default 10000 */
  connectTimeoutMs?: number;
  /**
   * Where connection losses are reported (once when PostgreSQL becomes unreachable, once when it
   * is back). @default none: the store retries quietly
   */
  logger?: Logger;
}

/** A parsed `postgres://` store URL. */
export interface PostgresTarget {
  /** The URL given to `pg`: the store URL without `schema`, with `search_path` in `options`. */
  connectionString: string;
  /** The schema of the `schema` query parameter, if any. */
  schema: string | undefined;
  /** `host:port`, for messages. */
  hostPort: string;
  /** `host:port/database`, for messages. */
  where: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/**
 * Parses a `postgres://` (or `postgresql://`) store URL. Its optional `schema` query parameter
 * names the schema the store lives in (created if missing); every pooled connection gets it as
 * its `search_path`.
 *
 * @throws StoreError for a malformed URL or schema name.
 */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new StoreError(`store URL '${url}': not a valid postgres:// URL`, err);
  }
  const schema = parsed.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StoreError(
      `store URL '${url}': schema '${schema}' must be a lowercase identifier (a-z, 0-9, _) of at most 48 characters`,
    );
  }
  parsed.searchParams.delete('schema');
  if (schema !== undefined) {
    const options = parsed.searchParams.get('options');
    parsed.searchParams.set('options', `${options === null ? '' : `${options} `}-c search_path=${schema}`);
  }
  const host = parsed.searchParams.get('host') ?? (parsed.hostname === '' ? 'localhost' : parsed.hostname);
  const hostPort = `${host}:${parsed.port === '' ? '5432' : parsed.port}`;
  const database = decodeURIComponent(parsed.pathname.slice(1)) || parsed.username || 'postgres';
  return { connectionString: parsed.toString(), schema, hostPort, where: `${hostPort}/${database}` };
}

/** INT8 (BIGINT, OID 20) as a number; every other type as `pg` parses it by default. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === 20 && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Connections of the pool that serves the workers' path: group commits, claims, renewals. */
const WORK_POOL_SIZE = 3;

/** The pools of a store: `main` for reads and the client, `work` for the workers' path. */
export interface Pools {
  main: pg.Pool;
  /** Group commits, claims, lease renewals and inbox reads never wait behind a crowd of reads. */
  work: pg.Pool;
}

/** The pool's configuration for a target (`max` connections). */
export function poolConfig(
  target: PostgresTarget,
  options: PostgresStoreOptions,
  max: number,
): pg.PoolConfig {
  return {
    connectionString: target.connectionString,
    max,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    types,
  };
}

function newPool(target: PostgresTarget, options: PostgresStoreOptions, max: number): pg.Pool {
  const pool = new pg.Pool(poolConfig(target, options, max));
  // A connection that drops while idle in the pool, or checked out between two queries, emits
  // 'error' (unhandled, it would end the process): ignore it, the next query on it fails and is
  // retried on a new connection.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Opens the pools on the target, checks the server is reachable, creates the schema if missing
 * and migrates it.
 *
 * @throws StoreError naming host and port when the server cannot be reached (e.g. `cannot reach
 *   PostgreSQL at 127.0.0.1:5999: connect ECONNREFUSED 127.0.0.1:5999`), naming the database and
 *   schema when it cannot be used (a schema newer than this code, a failed migration), and for a
 *   `poolSize` that is not a positive integer.
 */
export async function openDatabase(target: PostgresTarget, options: PostgresStoreOptions): Promise<Pools> {
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new StoreError(`poolSize: expected a positive integer, got ${String(options.poolSize)}`);
  }
  const main = newPool(target, options, poolSize);
  let client: pg.PoolClient;
  try {
    client = await main.connect();
  } catch (err) {
    await main.end().catch(() => undefined);
    throw new StoreError(`cannot reach PostgreSQL at ${target.hostPort}: ${describeError(err)}`, err);
  }
  try {
    await migrate(client, target.schema, target.where);
    client.release();
  } catch (err) {
    client.release(true);
    await main.end().catch(() => undefined);
    throw err;
  }
  return { main, work: newPool(target, options, WORK_POOL_SIZE) };
}

/** An error's message; the first inner error's for an AggregateError (both address families refused). */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describeError(err.errors[0]);
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return err.message || (typeof code === 'string' ? code : err.name);
  }
  return String(err);
}
