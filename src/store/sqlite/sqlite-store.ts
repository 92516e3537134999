import type Database from 'better-sqlite3';
import { resolve } from 'node:path';
import type { Payload } from '../../common/converter.js';
import type { HistoryEvent } from '../../common/history.js';
import type {
  ClaimedExecution,
  ClaimRequest,
  CreateExecutionRequest,
  ExecutionRecord,
  ExecutionWrite,
  InboxRecord,
  ListFilter,
  OutgoingRequest,
  PendingActivityRecord,
  QueryAnswer,
  QueryRecord,
  UpdateRecord,
  UpdateRequest,
  UpdateStage,
  ReleaseRequest,
  ResetExecutionRequest,
  ResetExecutionResult,
  SignalRequest,
  Store,
  StoreNotice,
  TaskQueueBacklog,
} from '../types.js';
import { applyExecutionWrite } from './apply-write.js';
import { applyOutgoing } from './children.js';
import { claimBatch } from './claim.js';
import { GroupCommitter } from './group-commit.js';
import { applySignal, applyStart, latestRun, runningRow, terminateRow } from './execution-ops.js';
import { openDatabase, type SqliteStoreOptions } from './open-database.js';
import {
  activityParams,
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
import { SqliteTopicStore } from './topic-store.js';
import { SqliteActivityTasks } from './activity-tasks.js';
import { SqliteSchedules } from './schedules.js';
import { listExecutions, prepareBacklog } from './reads.js';
import { applyReset, prepareReset, type ResetStatements } from './reset.js';

export type { SqliteStoreOptions } from './open-database.js';

/**
 * The embedded store: one SQLite file (or `:memory:`), shared safely by several processes (WAL,
 * busy timeout). Writes of many executions are group-committed.
 *
 * @throws StoreError when the path cannot be created or written, or the file is not a Baton
 *   database.
 */
export class SqliteStore implements Store {
  readonly url: string;
  readonly topics: SqliteTopicStore;
  readonly activityTasks: SqliteActivityTasks;
  readonly schedules: SqliteSchedules;
  private readonly db: Database.Database;
  private readonly st: Statements;
  private readonly committer: GroupCommitter;
  private readonly listeners = new Set<(notice: StoreNotice) => void>();
  private readonly listCache = new Map<string, Database.Statement>();
  private readonly resetSt: ResetStatements;
  private readonly backlog: (nowMs: number) => TaskQueueBacklog[];
  private closed = false;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    const memory = path === ':memory:';
    const location = memory ? 'sqlite::memory:' : resolve(path);
    this.url = `sqlite:${memory ? ':memory:' : path}`;
    this.db = openDatabase(path, location, memory, options);
    this.st = prepareStatements(this.db);
    this.committer = new GroupCommitter(this.db);
    this.resetSt = prepareReset(this.db);
    this.backlog = prepareBacklog(this.db);
    this.topics = new SqliteTopicStore(this.db, (topic) => this.emit({ kind: 'topic', topic }));
    this.activityTasks = new SqliteActivityTasks(this.db, (runId, taskQueue) => {
      this.emit({ kind: 'inbox', runId });
      this.emit({ kind: 'task', taskQueue });
    });
    this.schedules = new SqliteSchedules(this.db, this.st, (taskQueue) =>
      this.emit({ kind: 'task', taskQueue }),
    );
  }

  createExecution(req: CreateExecutionRequest): Promise<void> {
    let terminated: ExecutionRow | undefined;
    return this.committer.enqueue({
      apply: () => {
        terminated = applyStart(this.st, req);
      },
      after: () => {
        if (terminated !== undefined)
          this.emit({ kind: 'closed', runId: terminated.run_id, workflowId: terminated.workflow_id });
        this.emit({ kind: 'task', taskQueue: req.taskQueue });
      },
    });
  }

  signal(req: SignalRequest): Promise<void> {
    let row: ExecutionRow | undefined;
    return this.committer.enqueue({
      apply: () => {
        row = applySignal(this.st, runningRow(this.st, req.workflowId, req.runId), req);
      },
      after: () => this.announceInbox(row!),
    });
  }

  signalWithStart(start: CreateExecutionRequest, signal: SignalRequest): Promise<string> {
    let row: ExecutionRow | undefined;
    return this.committer
      .enqueue({
        apply: () => {
          const running = latestRun(this.st, start.workflowId);
          if (running === undefined || running.status !== 'RUNNING') applyStart(this.st, start);
          row = applySignal(this.st, runningRow(this.st, start.workflowId, undefined), signal);
        },
        after: () => this.announceInbox(row!),
      })
      .then(() => row!.run_id);
  }

  async claimExecutions(req: ClaimRequest): Promise<ClaimedExecution[]> {
    return this.db.transaction(() => claimBatch(this.st, req)).immediate();
  }

  commit(write: ExecutionWrite): Promise<void> {
    const links: StoreNotice[] = [];
    return this.committer.enqueue({
      apply: () => applyExecutionWrite(this.st, write, links),
      after: () => {
        for (const n of links) this.emit(n);
        for (const u of write.updates ?? [])
          this.emit({ kind: 'update', runId: write.runId, updateId: u.updateId });
        if (write.close !== undefined)
          this.emit({ kind: 'closed', runId: write.runId, workflowId: write.workflowId });
        if (write.nextRun !== undefined) this.emit({ kind: 'task', taskQueue: write.nextRun.taskQueue });
        for (const a of write.upsertActivities ?? [])
          if (a.taskQueue !== undefined) this.emit({ kind: 'activityTask', taskQueue: a.taskQueue });
      },
    });
  }

  async renewLeases(
    workerId: string,
    runIds: readonly string[],
    leaseMs: number,
    nowMs: number,
  ): Promise<string[]> {
    const rows = this.st.renew.all({ workerId, ids: JSON.stringify(runIds), expiresAtMs: nowMs + leaseMs });
    return (rows as { run_id: string }[]).map((r) => r.run_id);
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

  async getHistory(runId: string, fromEventId = 1, toEventId?: number): Promise<HistoryEvent[]> {
    if (toEventId === undefined) return this.readHistory(runId, fromEventId);
    return (this.st.historyRange.all(runId, fromEventId, toEventId) as EventRow[]).map(toEvent);
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
    return listExecutions(this.db, this.listCache, filter);
  }

  async taskQueueBacklog(nowMs: number): Promise<TaskQueueBacklog[]> {
    return this.backlog(nowMs);
  }

  resetExecution(req: ResetExecutionRequest): Promise<ResetExecutionResult> {
    let done: ReturnType<typeof applyReset> | undefined;
    return this.committer
      .enqueue({
        apply: () => {
          done = applyReset(this.st, this.resetSt, req);
        },
        after: () => {
          const { terminated, taskQueue } = done!;
          if (terminated !== undefined)
            this.emit({ kind: 'closed', runId: terminated.run_id, workflowId: terminated.workflow_id });
          this.emit({ kind: 'task', taskQueue });
        },
      })
      .then(() => ({ terminatedRunId: done!.terminated?.run_id }));
  }

  requestCancel(workflowId: string, runId: string | undefined, reason: string, nowMs: number): Promise<void> {
    let row: ExecutionRow | undefined;
    return this.committer.enqueue({
      apply: () => {
        row = runningRow(this.st, workflowId, runId);
        this.st.insertInbox.run(row.run_id, 'cancel', JSON.stringify({ reason }), null, nowMs);
        this.st.wakeUnowned.run(nowMs, row.run_id);
      },
      after: () => this.announceInbox(row!),
    });
  }

  terminate(workflowId: string, runId: string | undefined, reason: string, nowMs: number): Promise<void> {
    let row: ExecutionRow | undefined;
    const links: StoreNotice[] = [];
    return this.committer.enqueue({
      apply: () => {
        row = terminateRow(this.st, runningRow(this.st, workflowId, runId), reason, nowMs, links);
      },
      after: () => {
        this.emit({ kind: 'closed', runId: row!.run_id, workflowId: row!.workflow_id });
        for (const n of links) this.emit(n);
      },
    });
  }

  sendFromWorkflow(req: OutgoingRequest): Promise<void> {
    const notices: StoreNotice[] = [];
    return this.committer.enqueue({
      apply: () => applyOutgoing(this.st, req, notices),
      after: () => notices.forEach((n) => this.emit(n)),
    });
  }

  admitUpdate(req: UpdateRequest): Promise<{ runId: string; record: UpdateRecord }> {
    let row: ExecutionRow | undefined;
    let admitted = false;
    return this.committer
      .enqueue({
        apply: () => {
          row = runningRow(this.st, req.workflowId, req.runId);
          admitted =
            this.st.insertUpdate.run(row.run_id, req.updateId, req.updateName, req.nowMs).changes === 1;
          if (!admitted) return;
          const attrs = JSON.stringify({ updateId: req.updateId, updateName: req.updateName });
          this.st.insertInbox.run(row.run_id, 'update', attrs, req.payload, req.nowMs);
          this.st.wakeUnowned.run(req.nowMs, row.run_id);
        },
        after: () => {
          if (admitted) this.announceInbox(row!);
        },
      })
      .then(() => ({ runId: row!.run_id, record: this.readUpdate(row!.run_id, req.updateId)! }));
  }

  async getUpdate(runId: string, updateId: string): Promise<UpdateRecord | undefined> {
    return this.readUpdate(runId, updateId);
  }

  private readUpdate(runId: string, updateId: string): UpdateRecord | undefined {
    const r = this.st.getUpdate.get(runId, updateId) as
      { update_id: string; stage: UpdateStage; outcome: Payload | null; failed: number } | undefined;
    return r === undefined
      ? undefined
      : { updateId: r.update_id, stage: r.stage, outcome: r.outcome ?? undefined, failed: r.failed === 1 };
  }

  async addQuery(runId: string, queryName: string, payload: Payload, nowMs: number): Promise<number> {
    const row = this.st.insertQuery.get(runId, queryName, payload, nowMs) as { id: number };
    this.emit({ kind: 'query', runId });
    return row.id;
  }

  async takeQueries(req: {
    workerId: string;
    taskQueue: string;
    workflowTypes: readonly string[];
    nowMs: number;
    reclaimAfterMs: number;
  }): Promise<QueryRecord[]> {
    const rows = this.st.takeQueries.all({
      workerId: req.workerId,
      nowMs: req.nowMs,
      staleMs: req.nowMs - req.reclaimAfterMs,
      taskQueue: req.taskQueue,
      types: JSON.stringify(req.workflowTypes),
    }) as {
      id: number;
      run_id: string;
      query_name: string;
      payload: Payload | null;
      workflow_type: string;
      status: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      workflowType: r.workflow_type,
      running: r.status === 'RUNNING',
      queryName: r.query_name,
      payload: r.payload ?? undefined,
    }));
  }

  async answerQuery(queryId: number, answer: QueryAnswer, nowMs: number): Promise<void> {
    const error = answer.ok ? null : JSON.stringify({ name: answer.name, message: answer.message });
    this.st.answerQuery.run(answer.ok ? answer.payload : null, error, nowMs, queryId);
    this.emit({ kind: 'answered', queryId });
  }

  async queryAnswer(queryId: number): Promise<QueryAnswer | undefined> {
    const row = this.st.queryAnswer.get(queryId) as
      { answer: Payload | null; error: string | null; answered_at_ms: number | null } | undefined;
    if (row === undefined || row.answered_at_ms === null) return undefined;
    if (row.error !== null) {
      const e = JSON.parse(row.error) as { name: string; message: string };
      return { ok: false, name: e.name, message: e.message };
    }
    return { ok: true, payload: row.answer! };
  }

  async dropQuery(queryId: number): Promise<void> {
    this.st.dropQuery.run(queryId);
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

  /** Tells the owner (or the workers of the queue, when unowned) that the inbox has mail. */
  private announceInbox(row: ExecutionRow): void {
    this.emit({ kind: 'inbox', runId: row.run_id });
    this.emit({ kind: 'task', taskQueue: row.task_queue });
  }

  private emit(notice: StoreNotice): void {
    for (const listener of this.listeners) listener(notice);
  }
}
