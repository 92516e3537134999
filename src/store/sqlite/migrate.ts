import type Database from 'better-sqlite3';
import { StoreError } from '../../common/errors.js';
import { migration001 } from './migrations/001-initial.js';
import { migration002 } from './migrations/002-signal-payloads.js';
import { migration003 } from './migrations/003-queries.js';
import { migration004 } from './migrations/004-updates.js';
import { migration005 } from './migrations/005-visibility.js';
import { migration006 } from './migrations/006-topics.js';
import { migration007 } from './migrations/007-activity-tasks.js';
import { migration008 } from './migrations/008-child-workflows.js';
import { migration009 } from './migrations/009-schedules.js';

/** Numbered, append-only migrations of the SQLite schema. */
export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  { version: 1, sql: migration001 },
  { version: 2, sql: migration002 },
  { version: 3, sql: migration003 },
  { version: 4, sql: migration004 },
  { version: 5, sql: migration005 },
  { version: 6, sql: migration006 },
  { version: 7, sql: migration007 },
  { version: 8, sql: migration008 },
  { version: 9, sql: migration009 },
];

/** `PRAGMA application_id` of a Baton database: the bytes 'Batn'. */
export const APPLICATION_ID = 0x4261746e;

/**
 * Brings the schema up to date in one IMMEDIATE transaction, so two processes migrating at once
 * are safe. Refuses a file that is not a Baton database and a schema newer than this code.
 *
 * @throws StoreError naming the file and what is wrong.
 */
export function migrate(db: Database.Database, location: string): void {
  const run = db.transaction(() => {
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== APPLICATION_ID) {
      const objects = db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number };
      if (appId !== 0 || objects.n > 0) {
        throw new StoreError(
          `${location} is not a Baton database (application_id ${appId}, ${objects.n} schema objects); refusing to use it`,
        );
      }
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)`);
    }
    const row = db.prepare(`SELECT max(version) AS v FROM schema_migrations`).get() as { v: number | null };
    const current = row.v ?? 0;
    const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    if (current > latest) {
      throw new StoreError(
        `${location} has schema version ${current}, newer than this Baton knows (${latest}); upgrade Baton`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare(`INSERT INTO schema_migrations (version, applied_at_ms) VALUES (?, ?)`).run(
        m.version,
        Date.now(),
      );
    }
  });
  run.immediate();
}
