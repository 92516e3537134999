import { StoreError } from '../common/errors.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
import type { PostgresStoreOptions } from './postgres/open-database.js';
import type { Store } from './types.js';

/** The default store URL: an embedded SQLite file under the current folder. */
export const DEFAULT_STORE_URL = 'sqlite:./.baton/baton.db';

/** Options of {@link openStore}: each store reads its own and ignores the other's. */
export type StoreOptions = SqliteStoreOptions & PostgresStoreOptions;

/**
 * Opens a store from its URL: `sqlite:PATH` (relative or absolute), `sqlite::memory:`, or
 * `postgres://user@host:port/database` (also `postgresql://`), whose optional `schema` query
 * parameter names the schema to use (created if missing; default: the connection's).
 *
 * @throws StoreError for an unknown scheme or a store that cannot be opened (for PostgreSQL, an
 *   unreachable server names host and port).
 * @example
 * const store = await openStore('sqlite:./.baton/baton.db', { durability: 'full' });
 * const shared = await openStore('postgres://postgres@127.0.0.1:5432/baton?schema=capture', { poolSize: 20 });
 */
export async function openStore(url: string = DEFAULT_STORE_URL, options: StoreOptions = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new StoreError(`store URL '${url}': expected a path after 'sqlite:'`);
    return new SqliteStore(path, options);
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // Loaded only when asked for: the pg driver is not needed on SQLite.
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    return PostgresStore.open(url, options);
  }
  throw new StoreError(
    `store URL '${url}': unknown scheme; expected 'sqlite:PATH', 'sqlite::memory:' or 'postgres://user@host:port/database'`,
  );
}
