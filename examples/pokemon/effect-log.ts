/**
 * A service's own small database (one SQLite file per service) that makes its event handlers
 * idempotent: an effect is applied once per event id, in one transaction with the record that it
 * was, and its result is kept so a redelivered event gets the same answer without a second effect.
 */
import Database from 'better-sqlite3';

/** One applied effect, as the log keeps it. */
export interface EffectRecord {
  eventId: string;
  captureId: string;
  effect: string;
  atMs: number;
}

/**
 * The effect log of one service.
 *
 * @example
 * const log = new EffectLog('/tmp/status.db');
 * const paralyzed = log.once(eventId, captureId, 'paralyze', () => status.paralyze(pokemon));
 */
export class EffectLog {
  private readonly db: Database.Database;
  private readonly find: Database.Statement;
  private readonly insertProcessed: Database.Statement;
  private readonly insertEffect: Database.Statement;

  /** Opens (or creates) the log at `path` (`:memory:` for a log that dies with the process). */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS processed (event_id TEXT PRIMARY KEY, result TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS effects (
        n INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, capture_id TEXT NOT NULL,
        effect TEXT NOT NULL, at_ms INTEGER NOT NULL);`);
    this.find = this.db.prepare(`SELECT result FROM processed WHERE event_id = ?`);
    this.insertProcessed = this.db.prepare(`INSERT INTO processed (event_id, result) VALUES (?, ?)`);
    this.insertEffect = this.db.prepare(
      `INSERT INTO effects (event_id, capture_id, effect, at_ms) VALUES (?, ?, ?, ?)`,
    );
  }

  /**
   * Applies `apply` once for `eventId`: the first time, runs it and records the effect and its
   * result in one transaction; afterwards, returns the recorded result without running it.
   *
   * @returns the effect's result, and whether this call applied it.
   */
  once<T>(
    eventId: string,
    captureId: string,
    effect: string,
    apply: () => T,
  ): { result: T; applied: boolean } {
    return this.db
      .transaction(() => {
        const done = this.find.get(eventId) as { result: string } | undefined;
        if (done !== undefined) return { result: JSON.parse(done.result) as T, applied: false };
        const result = apply();
        this.insertProcessed.run(eventId, JSON.stringify(result ?? null));
        this.insertEffect.run(eventId, captureId, effect, Date.now());
        return { result, applied: true };
      })
      .immediate();
  }

  /** Every effect applied, oldest first. */
  effects(): EffectRecord[] {
    return (
      this.db.prepare(`SELECT event_id, capture_id, effect, at_ms FROM effects ORDER BY n`).all() as {
        event_id: string;
        capture_id: string;
        effect: string;
        at_ms: number;
      }[]
    ).map((r) => ({ eventId: r.event_id, captureId: r.capture_id, effect: r.effect, atMs: r.at_ms }));
  }

  close(): void {
    this.db.close();
  }
}
