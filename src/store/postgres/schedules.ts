import type pg from 'pg';
import { StoreError, WorkflowExecutionAlreadyStartedError } from '../../common/errors.js';
import type {
  CreateScheduleRequest,
  ScheduleRecord,
  ScheduleStore,
  ScheduleWrite,
} from '../schedule-types.js';
import { ClientTx } from './batch-apply.js';
import { applyStart } from './execution-ops.js';
import { ms, payloadColumns, payloadOf } from './rows.js';
import type { Reconnector } from './reconnect.js';
import { inTransaction } from './transaction.js';

interface ScheduleRow {
  schedule_id: string;
  body: string;
  args_text: string | null;
  args_bytes: Uint8Array | null;
  wake_at_ms: number | null;
  conflict_token: number;
  created_at_ms: number;
  updated_at_ms: number;
}

const COLUMNS = `schedule_id, body, args_text, args_bytes, wake_at_ms, conflict_token, created_at_ms, updated_at_ms`;

const SQL = {
  insert: `INSERT INTO schedules (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, 1, $6, $6)
    ON CONFLICT (schedule_id) DO NOTHING`,
  get: `SELECT ${COLUMNS} FROM schedules WHERE schedule_id = $1`,
  list: `SELECT ${COLUMNS} FROM schedules WHERE schedule_id > $1 ORDER BY schedule_id LIMIT $2`,
  // Takes the row (a concurrent write waits, then finds the token moved) and moves the token.
  claim: `UPDATE schedules SET conflict_token = conflict_token + 1, updated_at_ms = $3
    WHERE schedule_id = $1 AND conflict_token = $2`,
  update: `UPDATE schedules SET body = $2, args_text = $3, args_bytes = $4, wake_at_ms = $5
    WHERE schedule_id = $1`,
  delete: `DELETE FROM schedules WHERE schedule_id = $1`,
  due: `SELECT ${COLUMNS} FROM schedules WHERE wake_at_ms IS NOT NULL AND wake_at_ms <= $1
    ORDER BY wake_at_ms LIMIT $2`,
  nextWake: `SELECT min(wake_at_ms) AS t FROM schedules`,
} as const;

function toRecord(r: ScheduleRow): ScheduleRecord {
  return {
    scheduleId: r.schedule_id,
    body: r.body,
    args: payloadOf(r.args_text, r.args_bytes),
    wakeAtMs: r.wake_at_ms ?? undefined,
    conflictToken: Number(r.conflict_token),
    createdAtMs: r.created_at_ms,
    updatedAtMs: r.updated_at_ms,
  };
}

/**
 * Schedules on PostgreSQL (table of migration 4). A write is one transaction: the conditional
 * update of the row (`WHERE conflict_token = expected`, which also locks it, so a concurrent write
 * waits and then finds the token moved) and the workflow starts it makes.
 *
 * @example
 * const fired = await store.schedules.write({ scheduleId: 's', expectedToken: 3, nowMs, args, wakeAtMs, starts, body });
 */
export class PostgresSchedules implements ScheduleStore {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly pool: pg.Pool,
    /** Tells the workers of a task queue (in every process) that a workflow task is due. */
    private readonly announceTask: (taskQueue: string) => void,
    /** Runs each statement (and each transaction) again after a connection loss, as the store's other reads and writes. */
    private readonly reconnector: Reconnector,
  ) {}

  async create(req: CreateScheduleRequest): Promise<boolean> {
    const r = await this.guarded(`creating schedule '${req.scheduleId}'`, () =>
      this.pool.query(SQL.insert, [
        req.scheduleId,
        req.body,
        ...payloadColumns(req.args),
        req.wakeAtMs === undefined ? null : ms(req.wakeAtMs),
        ms(req.nowMs),
      ]),
    );
    if (r.rowCount === 1) this.changed();
    return r.rowCount === 1;
  }

  async get(scheduleId: string): Promise<ScheduleRecord | undefined> {
    const r = await this.guarded('reading a schedule', () =>
      this.pool.query<ScheduleRow>(SQL.get, [scheduleId]),
    );
    return r.rows[0] === undefined ? undefined : toRecord(r.rows[0]);
  }

  async list(options: { afterId?: string; limit?: number } = {}): Promise<ScheduleRecord[]> {
    const r = await this.guarded('listing schedules', () =>
      this.pool.query<ScheduleRow>(SQL.list, [options.afterId ?? '', options.limit ?? 1000]),
    );
    return r.rows.map(toRecord);
  }

  async write(req: ScheduleWrite): Promise<boolean[] | undefined> {
    const starts = req.starts ?? [];
    const started = await this.guarded(`writing schedule '${req.scheduleId}'`, () =>
      this.transaction(async (client) => {
        const claimed = await client.query(SQL.claim, [req.scheduleId, req.expectedToken, ms(req.nowMs)]);
        if (claimed.rowCount !== 1) return undefined;
        const tx = new ClientTx(client);
        const done: boolean[] = [];
        for (const s of starts) done.push(await startRefusable(tx, s));
        await client.query(SQL.update, [
          req.scheduleId,
          req.body(done),
          ...payloadColumns(req.args),
          req.wakeAtMs === undefined ? null : ms(req.wakeAtMs),
        ]);
        return done;
      }),
    );
    if (started === undefined) return undefined;
    starts.forEach((s, i) => {
      if (started[i] === true) this.announceTask(s.taskQueue);
    });
    this.changed();
    return started;
  }

  async delete(scheduleId: string): Promise<boolean> {
    const r = await this.guarded('deleting a schedule', () => this.pool.query(SQL.delete, [scheduleId]));
    if (r.rowCount === 1) this.changed();
    return r.rowCount === 1;
  }

  async due(nowMs: number, limit: number): Promise<ScheduleRecord[]> {
    const r = await this.guarded('reading due schedules', () =>
      this.pool.query<ScheduleRow>(SQL.due, [ms(nowMs), limit]),
    );
    return r.rows.map(toRecord);
  }

  async nextWakeMs(): Promise<number | undefined> {
    const r = await this.guarded('reading schedules', () =>
      this.pool.query<{ t: number | null }>(SQL.nextWake, []),
    );
    const t = r.rows[0]?.t;
    return t === null || t === undefined ? undefined : Number(t);
  }

  /** Runs `fn` through connection losses (retried with back-off); other errors become StoreErrors naming `what`. */
  private async guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.reconnector.run(fn);
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError(`PostgreSQL schedule store: ${what} failed: ${(err as Error).message}`, err);
    }
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  private transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, fn);
  }
}

/** Writes a start; false when its reuse policy refused it (a refusal changes nothing). */
async function startRefusable(tx: ClientTx, req: Parameters<typeof applyStart>[1]): Promise<boolean> {
  try {
    await applyStart(tx, req);
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}
