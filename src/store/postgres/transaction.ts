/** One transaction on one pooled PostgreSQL connection (for the stores' multi-statement writes). */
import type pg from 'pg';

/**
 * Runs `fn` in a transaction (READ COMMITTED) on one connection of `pool` and commits; rolls back
 * and rethrows when it throws. A connection whose rollback failed is discarded, not reused.
 *
 * @example
 * const id = await inTransaction(pool, async (c) => (await c.query('INSERT … RETURNING id')).rows[0].id);
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (err) {
    const rolledBack = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    client.release(rolledBack ? undefined : (err as Error));
    throw err;
  }
}
