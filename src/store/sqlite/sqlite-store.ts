import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreError, WorkflowNotFoundError } from '../../common/errors.js';
import type { HistoryEvent } from '../../common/history.js';
import type {
  ClaimedExecution,
  ClaimRequest,
  CreateExecutionRequest,
  ExecutionRecord,
  ExecutionWrite,
  InboxRecord,
  ListFilter,
  PendingActivityRecord,
  ReleaseRequest,
  Store,
  StoreNotice,
} from '../types.js';
import { applyExecutionWrite } from './apply-write.js';
import { claimBatch } from './claim.js';
import { GroupCommitter } from './group-commit.js';
import { migrate } from './migrate.js';
import { refuseStart } from '../reuse-policy.js';
import {
  activityParams,
  eventParams,
  toActivity,
  toEvent,
  toExecution,
  toInbox,
  type ActivityRow,
  type EventRow,
  type ExecutionRow,
  type InboxRow,
} from './rows.js';
import { prepareStatements, type Statements } from './statements.js';

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
 * The embedded store: one SQLite file (or `:memory:`), shared safely by several processes (WAL,
 * busy timeout). Writes of many executions are group-committed.
 *
 * @throws StoreError when the path cannot be created or written, or the file is not a Baton
 *   database.
 */
export class SqliteStore implements Store {
  readonly url: string;
  private readonly db: Database.Database;
  private readonly st: Statements;
  private readonly committer: GroupCommitter;
  private readonly listeners = new Set<(notice: StoreNotice) => void>();
  private readonly listCache = new Map<string, Database.Statement>();
  private closed = false;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    const memory = path === ':memory:';
    const location = memory ? 'sqlite::memory:' : resolve(path);
    this.url = `sqlite:${memory ? ':memory:' : path}`;
    this.db = openDatabase(path, location, memory, options);
    this.st = prepareStatements(this.db);
    this.committer = new GroupCommitter(this.db);
  }

  createExecution(req: CreateExecutionRequest): Promise<void> {
    return this.committer.enqueue({
      apply: () => {
        // ALLOW_DUPLICATE needs no look-up: the unique index on running workflowIds decides.
        const previous = req.reusePolicy === 'ALLOW_DUPLICATE' ? undefined : this.latestRun(req.workflowId);
        const verdict = refuseStart(req, previous);
        if (verdict === 'terminate') {
          this.terminateRow(
            this.runningRow(req.workflowId, previous!.runId),
            'terminated by a new start (TERMINATE_IF_RUNNING)',
            req.nowMs,
          );
        } else if (verdict !== undefined) {
          throw verdict;
        }
        try {
          this.st.insertExecution.run(
            req.runId,
            req.workflowId,
            req.workflowType,
            req.taskQueue,
            req.nowMs,
            req.nowMs,
          );
        } catch (err) {
          if (verdict !== undefined || (err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE')
            throw err;
          const refusal = refuseStart(req, this.latestRun(req.workflowId));
          throw refusal instanceof Error ? refusal : err;
        }
        this.st.insertEvent.run(...eventParams(req.runId, req.startEvent));
      },
      after: () => this.emit({ kind: 'task', taskQueue: req.taskQueue }),
    });
  }

  async claimExecutions(req: ClaimRequest): Promise<ClaimedExecution[]> {
    return this.db.transaction(() => claimBatch(this.st, req)).immediate();
  }

  commit(write: ExecutionWrite): Promise<void> {
    return this.committer.enqueue({
      apply: () => applyExecutionWrite(this.st, write),
      after:
        write.close === undefined
          ? undefined
          : () => this.emit({ kind: 'closed', runId: write.runId, workflowId: write.workflowId }),
    });
  }

  async renewLeases(workerId: string, leaseMs: number, nowMs: number): Promise<number> {
    return this.st.renew.run({ workerId, expiresAtMs: nowMs + leaseMs }).changes;
  }

  release(req: ReleaseRequest): Promise<void> {
    return this.committer.enqueue({
      apply: () => {
        const r = this.st.release.run({
          runId: req.runId,
          workerId: req.workerId,
          epoch: req.epoch,
          readyAtMs: req.readyAtMs,
          failed: req.taskError === undefined ? 0 : 1,
          taskError: req.taskError ?? null,
        });
        if (r.changes === 1) {
          for (const a of req.handedBack ?? []) this.st.upsertActivity.run(...activityParams(req.runId, a));
        }
      },
      after: () => this.emit({ kind: 'task', taskQueue: req.taskQueue }),
    });
  }

  async inboxFor(workerId: string): Promise<InboxRecord[]> {
    return (this.st.inboxOfOwner.all(workerId) as InboxRow[]).map(toInbox);
  }

  async getExecution(workflowId: string, runId?: string): Promise<ExecutionRecord | undefined> {
    const row = (
      runId === undefined
        ? this.st.latestByWorkflowId.get(workflowId)
        : this.st.byWorkflowAndRun.get(workflowId, runId)
    ) as ExecutionRow | undefined;
    return row === undefined ? undefined : toExecution(row);
  }

  async getHistory(runId: string, fromEventId = 1): Promise<HistoryEvent[]> {
    return this.readHistory(runId, fromEventId);
  }

  async getLastEvent(runId: string): Promise<HistoryEvent | undefined> {
    const row = this.st.lastEvent.get(runId) as EventRow | undefined;
    return row === undefined ? undefined : toEvent(row);
  }

  async getPendingActivities(runId: string): Promise<PendingActivityRecord[]> {
    return (this.st.pendingActivities.all(runId) as ActivityRow[]).map(toActivity);
  }

  async closedAmong(runIds: readonly string[]): Promise<string[]> {
    return (this.st.closedAmong.all(JSON.stringify(runIds)) as { run_id: string }[]).map((r) => r.run_id);
  }

  async listExecutions(filter: ListFilter): Promise<ExecutionRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ['status', filter.status],
      ['workflow_type', filter.workflowType],
      ['workflow_id', filter.workflowId],
    ] as const) {
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    }
    const sql = `SELECT * FROM executions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY start_time_ms DESC, rowid DESC LIMIT ?`;
    let stmt = this.listCache.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      this.listCache.set(sql, stmt);
    }
    return (stmt.all(...params, filter.limit ?? 100) as ExecutionRow[]).map(toExecution);
  }

  requestCancel(workflowId: string, runId: string | undefined, reason: string, nowMs: number): Promise<void> {
    let row: ExecutionRow | undefined;
    return this.committer.enqueue({
      apply: () => {
        row = this.runningRow(workflowId, runId);
        this.st.insertInbox.run(row.run_id, 'cancel', JSON.stringify({ reason }), nowMs);
        this.st.wakeUnowned.run(nowMs, row.run_id);
      },
      after: () => {
        this.emit({ kind: 'inbox', runId: row!.run_id });
        this.emit({ kind: 'task', taskQueue: row!.task_queue });
      },
    });
  }

  terminate(workflowId: string, runId: string | undefined, reason: string, nowMs: number): Promise<void> {
    let row: ExecutionRow | undefined;
    return this.committer.enqueue({
      apply: () => {
        row = this.terminateRow(this.runningRow(workflowId, runId), reason, nowMs);
      },
      after: () => this.emit({ kind: 'closed', runId: row!.run_id, workflowId: row!.workflow_id }),
    });
  }

  subscribe(listener: (notice: StoreNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.committer.flush();
    this.closed = true;
    this.listeners.clear();
    this.db.close();
  }

  private readHistory(runId: string, fromEventId: number): HistoryEvent[] {
    return (this.st.history.all(runId, fromEventId) as EventRow[]).map(toEvent);
  }

  private latestRun(workflowId: string): ExecutionRecord | undefined {
    const row = this.st.latestByWorkflowId.get(workflowId) as ExecutionRow | undefined;
    return row === undefined ? undefined : toExecution(row);
  }

  private runningRow(workflowId: string, runId: string | undefined): ExecutionRow {
    const row = (
      runId === undefined
        ? this.st.latestByWorkflowId.get(workflowId)
        : this.st.byWorkflowAndRun.get(workflowId, runId)
    ) as ExecutionRow | undefined;
    if (row === undefined) throw new WorkflowNotFoundError(workflowId, runId);
    if (row.status !== 'RUNNING') {
      throw new WorkflowNotFoundError(
        workflowId,
        row.run_id,
        `workflow execution already closed (${row.status})`,
      );
    }
    return row;
  }

  private terminateRow(row: ExecutionRow, reason: string, nowMs: number): ExecutionRow {
    const eventId = row.last_event_id + 1;
    const event: HistoryEvent = {
      eventId,
      eventType: 'WorkflowExecutionTerminated',
      timeMs: nowMs,
      attrs: { reason },
    };
    this.st.insertEvent.run(...eventParams(row.run_id, event));
    this.st.terminate.run(nowMs, eventId, row.run_id);
    this.st.deleteActivitiesOfRun.run(row.run_id);
    this.st.deleteInboxOfRun.run(row.run_id);
    return row;
  }

  private emit(notice: StoreNotice): void {
    for (const listener of this.listeners) listener(notice);
  }
}

function openDatabase(
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
