import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from '../../common/errors.js';
import { migrate } from './migrate.js';

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /**
   * `'normal'` (WAL, `synchronous=NORMAL`: a commit survives a killed process) or `'full'`
   * (`synchronous=FULL`: every commit is fsynced and survives a power cut).
   * @default 'normal'
   */
  durability?: 'normal' | 'full';
  /** How long a connection waits for another process's write lock, in ms. @default 5000 */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating its folder) and migrates a SQLite store file, or a memory database.
 *
 * @throws StoreError naming the file and what is wrong: an unwritable path, a file that is not a
 *   SQLite database, a SQLite database that is not Baton's, a schema newer than this code.
 */
export function openDatabase(
  path: string,
  location: string,
  memory: boolean,
  options: SqliteStoreOptions,
): Database.Database {
  if (!memory) {
    try {
      makeFolder(dirname(location));
    } catch (err) {
      throw new StoreError(
        `cannot create the folder of the SQLite store ${location}: ${(err as Error).message}`,
        err,
      );
    }
  }
  let db: Database.Database;
  try {
    db = new Database(memory ? ':memory:' : location, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (err) {
    throw new StoreError(`cannot open the SQLite store ${location}: ${(err as Error).message}`, err);
  }
  try {
    if (!memory) {
      db.pragma('journal_mode = WAL');
      // Checkpoint every ~40 MB of WAL instead of ~4 MB: hot pages are copied back far less often.
      db.pragma('wal_autocheckpoint = 10000');
    }
    db.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
    migrate(db, location);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    const code = (err as { code?: string }).code;
    const why =
      code === 'SQLITE_NOTADB'
        ? 'the file is not a SQLite database (so not a Baton database)'
        : code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN'
          ? 'the file or its folder is not writable'
          : (err as Error).message;
    throw new StoreError(`cannot use the SQLite store ${location}: ${why}`, err);
  }
}

/**
 * Creates a folder and its missing parents one level at a time (Node's recursive mkdir loops
 * forever on some virtual file systems such as /proc).
 */
function makeFolder(path: string): void {
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new Error(`${path} exists and is not a folder`);
    return;
  }
  const parent = dirname(path);
  if (parent !== path) makeFolder(parent);
  mkdirSync(path);
}
