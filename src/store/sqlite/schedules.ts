import type Database from 'better-sqlite3';
import type { Payload } from '../../common/converter.js';
import { WorkflowExecutionAlreadyStartedError } from '../../common/errors.js';
import type {
  CreateScheduleRequest,
  ScheduleRecord,
  ScheduleStore,
  ScheduleWrite,
} from '../schedule-types.js';
import { applyStart } from './execution-ops.js';
import type { Statements } from './statements.js';

interface ScheduleRow {
  schedule_id: string;
  body: string;
  args: Payload | null;
  wake_at_ms: number | null;
  conflict_token: number;
  created_at_ms: number;
  updated_at_ms: number;
}

const COLUMNS = `schedule_id, body, args, wake_at_ms, conflict_token, created_at_ms, updated_at_ms`;

function toRecord(r: ScheduleRow): ScheduleRecord {
  return {
    scheduleId: r.schedule_id,
    body: r.body,
    args: r.args ?? undefined,
    wakeAtMs: r.wake_at_ms ?? undefined,
    conflictToken: r.conflict_token,
    createdAtMs: r.created_at_ms,
    updatedAtMs: r.updated_at_ms,
  };
}

/**
 * Schedules in SQLite (table of migration 9). A write is one IMMEDIATE transaction: the
 * conditional update of the row (`WHERE conflict_token = expected`) and the workflow starts it
 * makes, so two processes sharing the file never both act on one nominal time.
 *
 * @example
 * const fired = await store.schedules.write({ scheduleId: 's', expectedToken: 3, nowMs, args, wakeAtMs, starts, body });
 */
export class SqliteSchedules implements ScheduleStore {
  private readonly listeners = new Set<() => void>();
  private readonly q;

  constructor(
    private readonly db: Database.Database,
    private readonly st: Statements,
    /** Tells the workers of a task queue that a workflow task is due (after the commit). */
    private readonly announceTask: (taskQueue: string) => void,
  ) {
    this.q = {
      insert: db.prepare(
        `INSERT INTO schedules (${COLUMNS}) VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT (schedule_id) DO NOTHING`,
      ),
      get: db.prepare(`SELECT ${COLUMNS} FROM schedules WHERE schedule_id = ?`),
      list: db.prepare(`SELECT ${COLUMNS} FROM schedules WHERE schedule_id > ? ORDER BY schedule_id LIMIT ?`),
      update: db.prepare(
        `UPDATE schedules SET body = ?, args = ?, wake_at_ms = ?, conflict_token = conflict_token + 1,
           updated_at_ms = ? WHERE schedule_id = ? AND conflict_token = ?`,
      ),
      delete: db.prepare(`DELETE FROM schedules WHERE schedule_id = ?`),
      due: db.prepare(
        `SELECT ${COLUMNS} FROM schedules WHERE wake_at_ms IS NOT NULL AND wake_at_ms <= ?
           ORDER BY wake_at_ms LIMIT ?`,
      ),
      nextWake: db.prepare(`SELECT min(wake_at_ms) AS t FROM schedules`),
    };
  }

  async create(req: CreateScheduleRequest): Promise<boolean> {
    const r = this.q.insert.run(
      req.scheduleId,
      req.body,
      req.args ?? null,
      req.wakeAtMs ?? null,
      req.nowMs,
      req.nowMs,
    );
    if (r.changes === 1) this.changed();
    return r.changes === 1;
  }

  async get(scheduleId: string): Promise<ScheduleRecord | undefined> {
    const row = this.q.get.get(scheduleId) as ScheduleRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  async list(options: { afterId?: string; limit?: number } = {}): Promise<ScheduleRecord[]> {
    return (this.q.list.all(options.afterId ?? '', options.limit ?? 1000) as ScheduleRow[]).map(toRecord);
  }

  async write(req: ScheduleWrite): Promise<boolean[] | undefined> {
    const starts = req.starts ?? [];
    const run = this.db.transaction((): boolean[] | undefined => {
      const started = starts.map((s) => {
        try {
          applyStart(this.st, s);
          return true;
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
          throw err;
        }
      });
      const r = this.q.update.run(
        req.body(started),
        req.args ?? null,
        req.wakeAtMs ?? null,
        req.nowMs,
        req.scheduleId,
        req.expectedToken,
      );
      // Token moved: undo the starts too (throwing rolls the transaction back).
      if (r.changes !== 1) throw new TokenMoved();
      return started;
    });
    let started: boolean[] | undefined;
    try {
      started = run.immediate();
    } catch (err) {
      if (err instanceof TokenMoved) return undefined;
      throw err;
    }
    starts.forEach((s, i) => {
      if (started![i] === true) this.announceTask(s.taskQueue);
    });
    this.changed();
    return started;
  }

  async delete(scheduleId: string): Promise<boolean> {
    const deleted = this.q.delete.run(scheduleId).changes === 1;
    if (deleted) this.changed();
    return deleted;
  }

  async due(nowMs: number, limit: number): Promise<ScheduleRecord[]> {
    return (this.q.due.all(nowMs, limit) as ScheduleRow[]).map(toRecord);
  }

  async nextWakeMs(): Promise<number | undefined> {
    return (this.q.nextWake.get() as { t: number | null }).t ?? undefined;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

/** Thrown inside a write's transaction to roll it back when the conflict token moved. */
class TokenMoved extends Error {}
