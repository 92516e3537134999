import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, StoreError } from '../../src/index.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrate.js';
import { storeConformance } from './store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'baton-conformance-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeConformance('SQLite file', () => openStore(`sqlite:${join(dir, `store-${++n}.db`)}`));
storeConformance('SQLite memory', () => openStore('sqlite::memory:'));

describe('SQLite migrations', () => {
  it('two stores migrating one new file at once both open it', async () => {
    const file = join(dir, 'concurrent.db');
    const [a, b] = await Promise.all([openStore(`sqlite:${file}`), openStore(`sqlite:${file}`)]);
    await a.close();
    await b.close();
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version })),
    );
    db.close();
  });

  it('a schema newer than this code is refused with a clear error', async () => {
    const file = join(dir, 'newer.db');
    await (await openStore(`sqlite:${file}`)).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_migrations (version, applied_at_ms) VALUES (99, 0)').run();
    db.close();
    const err = await openStore(`sqlite:${file}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain(
      `schema version 99, newer than this Baton knows (${MIGRATIONS[MIGRATIONS.length - 1]!.version})`,
    );
  });
});
