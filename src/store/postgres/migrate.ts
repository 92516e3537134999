import type { PoolClient } from 'pg';
import { StoreError } from '../../common/errors.js';
import { migration001 } from './migrations/001-initial.js';
import { migration002 } from './migrations/002-topics.js';
import { migration003 } from './migrations/003-child-workflows.js';
import { migration004 } from './migrations/004-schedules.js';

/** Numbered, append-only migrations of the PostgreSQL schema. */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  { version: 1, sql: migration001 },
  { version: 2, sql: migration002 },
  { version: 3, sql: migration003 },
  { version: 4, sql: migration004 },
];

/** The table that records the migrations applied to a schema. */
export const MIGRATIONS_TABLE = 'baton_migrations';

/** Class id of the migration advisory lock ('Bmig'); the object id is a hash of the schema name. */
const MIGRATE_LOCK_CLASS = 0x426d6967;

/**
 * Creates the schema when missing and brings it up to date, in one transaction holding a
 * transaction-scoped advisory lock on the schema's name, so two processes migrating at once are
 * safe: the second waits, then finds nothing left to do. Refuses a schema newer than this code.
 *
 * @param schema - the schema named by the URL, or undefined for the connection's default.
 * @param where - `host:port/database`, for messages.
 * @throws StoreError naming the database, the schema and what is wrong.
 */
export async function migrate(client: PoolClient, schema: string | undefined, where: string): Promise<void> {
  const named = schema === undefined ? 'the default schema' : `schema "${schema}"`;
  await client.query('BEGIN');
  try {
    await client.query(
      `SELECT pg_advisory_xact_lock(${MIGRATE_LOCK_CLASS}, hashtext(coalesce($1, current_schema(), '')))`,
      [schema ?? null],
    );
    if (schema !== undefined)
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(schema)}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, applied_at_ms BIGINT NOT NULL)`,
    );
    const { rows } = await client.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${MIGRATIONS_TABLE}`,
    );
    const current = rows[0]?.v ?? 0;
    const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    if (current > latest) {
      throw new StoreError(
        `PostgreSQL ${where}, ${named}, has schema version ${current}, newer than this Baton knows (${latest}); upgrade Baton`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, applied_at_ms) VALUES ($1, $2)`, [
        m.version,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (err instanceof StoreError) throw err;
    throw new StoreError(`cannot migrate PostgreSQL ${where}, ${named}: ${(err as Error).message}`, err);
  }
}
