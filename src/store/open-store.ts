import { StoreError } from '../common/errors.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

/** The default store URL: an embedded SQLite file under the current folder. */
export const DEFAULT_STORE_URL = 'sqlite:./.baton/baton.db';

/** Options of {@link openStore}. */
export type StoreOptions = SqliteStoreOptions;

/**
 * Opens a store from its URL: `sqlite:PATH` (relative or absolute) or `sqlite::memory:`.
 *
 * @throws StoreError for an unknown scheme or a store that cannot be opened.
 * @example
 * const store = await openStore('sqlite:./.baton/baton.db', { durability: 'full' });
 */
export async function openStore(url: string = DEFAULT_STORE_URL, options: StoreOptions = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new StoreError(`store URL '${url}': expected a path after 'sqlite:'`);
    return new SqliteStore(path, options);
  }
  throw new StoreError(`store URL '${url}': unknown scheme; expected 'sqlite:PATH' or 'sqlite::memory:'`);
}
