import { randomUUID } from 'node:crypto';
import type pg from 'pg';
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
  ReleaseRequest,
  ResetExecutionRequest,
  ResetExecutionResult,
  SignalRequest,
  Store,
  StoreNotice,
  TaskQueueBacklog,
  UpdateRecord,
  UpdateRequest,
} from '../types.js';
import { PostgresActivityTasks } from './activity-tasks.js';
import { claimBatch } from './claim.js';
import {
  admitUpdateOp,
  cancelOp,
  releaseOp,
  signalOp,
  signalWithStartOp,
  startOp,
  terminateOp,
} from './client-ops.js';
import { GroupCommitter } from './group-commit.js';
import { outgoingOp } from './children.js';
import { NoticeListener, NoticePoster } from './notify.js';
import {
  openDatabase,
  parsePostgresUrl,
  poolConfig,
  type Pools,
  type PostgresStoreOptions,
  type PostgresTarget,
} from './open-database.js';
import * as reads from './reads.js';
import { PoolDb, Reconnector } from './reconnect.js';
import { resetOp } from './reset.js';
import { ms, toInbox, type InboxRow } from './rows.js';
import { ST } from './statements.js';
import { PostgresTopicStore } from './topic-store.js';
import { PostgresSchedules } from './schedules.js';

export type { PostgresStoreOptions } from './open-database.js';

/**
 * The PostgreSQL store, for many workers in many processes: claims with `FOR UPDATE SKIP LOCKED`,
 * fenced group commits (one statement for a turn's steps), wake-ups across processes with
 * `LISTEN/NOTIFY` (the workers' polling is the safety net), BIGINT times as numbers, and
 * reconnection with back-off when the server goes away. Open it with {@link PostgresStore.open}
 * or `openStore('postgres://…')`.
 *
 * @example
 * const store = await PostgresStore.open('postgres://postgres@127.0.0.1:5432/baton?schema=capture');
 */
export class PostgresStore implements Store {
  readonly topics: PostgresTopicStore;
  readonly activityTasks: PostgresActivityTasks;
  readonly schedules: PostgresSchedules;
  /** Reads and client statements. */
  private readonly db: PoolDb;
  /** The workers' path: claims, renewals, inbox reads (group commits have their own connection too). */
  private readonly workDb: PoolDb;
  /** Point reads of one turn, coalesced. */
  private readonly batcher: reads.ReadBatcher;
  private readonly reconnector: Reconnector;
  private readonly committer: GroupCommitter;
  private readonly listener: NoticeListener;
  private readonly listeners = new Set<(notice: StoreNotice) => void>();
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly poster: NoticePoster;
  /** Set by close(): operations stop retrying through a connection loss (they fail instead). */
  private stopping = false;
  private closing = false;
  private closed: Promise<void> | undefined;

  private constructor(
    readonly url: string,
    private readonly pools: Pools,
    target: PostgresTarget,
    options: PostgresStoreOptions,
  ) {
    this.reconnector = new Reconnector(target.where, options.logger, () => this.stopping);
    this.db = new PoolDb(pools.main, this.reconnector);
    this.workDb = new PoolDb(pools.work, this.reconnector);
    this.batcher = new reads.ReadBatcher(this.db);
    this.channel = `baton:${target.schema ?? ''}`;
    const announce = (notices: readonly StoreNotice[]) => notices.forEach((n) => this.emit(n));
    this.committer = new GroupCommitter(pools.work, this.reconnector, this.channel, this.origin, announce);
    const { connectionString, connectionTimeoutMillis, keepAlive } = poolConfig(target, options, 1);
    const config: pg.ClientConfig = { connectionString, keepAlive };
    if (connectionTimeoutMillis !== undefined) config.connectionTimeoutMillis = connectionTimeoutMillis;
    this.listener = new NoticeListener(config, this.channel, this.origin, this.reconnector, (n) =>
      this.emit(n),
    );
    this.poster = new NoticePoster(pools.main, this.channel, this.origin);
    this.activityTasks = new PostgresActivityTasks(this.workDb, (runId, taskQueue) =>
      this.post([
        { kind: 'inbox', runId },
        { kind: 'task', taskQueue },
      ]),
    );
    this.topics = new PostgresTopicStore(pools.main, (topic) => this.post([{ kind: 'topic', topic }]));
    this.schedules = new PostgresSchedules(
      pools.main,
      (taskQueue) => this.post([{ kind: 'task', taskQueue }]),
      this.reconnector,
    );
  }

  /**
   * Opens (creating the schema of the URL's `schema` parameter if missing, and migrating it) a
   * store at a `postgres://` or `postgresql://` URL.
   *
   * @throws StoreError for a bad URL, an unreachable server (naming host and port), or a schema
   *   that cannot be used (newer than this code, a failed migration).
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const target = parsePostgresUrl(url);
    return new PostgresStore(url, await openDatabase(target, options), target, options);
  }

  createExecution(req: CreateExecutionRequest): Promise<void> {
    // The common start needs no look-up: batched with the other starts of the turn.
    if (req.reusePolicy === 'ALLOW_DUPLICATE') return this.committer.enqueue({ start: req });
    return this.committer.enqueue({ apply: startOp(req) });
  }

  signal(req: SignalRequest): Promise<void> {
    return this.committer.enqueue({ apply: signalOp(req) });
  }

  async signalWithStart(start: CreateExecutionRequest, signal: SignalRequest): Promise<string> {
    let runId = '';
    await this.committer.enqueue({ apply: signalWithStartOp(start, signal, (r) => (runId = r)) });
    return runId;
  }

  claimExecutions(req: ClaimRequest): Promise<ClaimedExecution[]> {
    return claimBatch(this.workDb, req);
  }

  commit(write: ExecutionWrite): Promise<void> {
    return this.committer.enqueue({ write });
  }

  async renewLeases(
    workerId: string,
    runIds: readonly string[],
    leaseMs: number,
    nowMs: number,
  ): Promise<string[]> {
    const { rows } = await this.workDb.query<{ run_id: string }>(ST.renew, [
      ms(nowMs + leaseMs),
      workerId,
      runIds,
    ]);
    return rows.map((r) => r.run_id);
  }

  release(req: ReleaseRequest): Promise<void> {
    return this.committer.enqueue({ apply: releaseOp(req) });
  }

  async inboxFor(workerId: string): Promise<InboxRecord[]> {
    return (await this.workDb.query<InboxRow>(ST.inboxOfOwner, [workerId])).rows.map(toInbox);
  }

  getExecution(workflowId: string, runId?: string): Promise<ExecutionRecord | undefined> {
    if (runId !== undefined) return this.batcher.execution(workflowId, runId);
    return reads.getExecution(this.db, workflowId, runId);
  }

  getHistory(runId: string, fromEventId = 1, toEventId?: number): Promise<HistoryEvent[]> {
    return reads.getHistory(this.db, runId, fromEventId, toEventId);
  }

  getLastEvent(runId: string): Promise<HistoryEvent | undefined> {
    return this.batcher.lastEvent(runId);
  }

  getPendingActivities(runId: string): Promise<PendingActivityRecord[]> {
    return reads.getPendingActivities(this.db, runId);
  }

  closedAmong(runIds: readonly string[]): Promise<string[]> {
    return reads.closedAmong(this.db, runIds);
  }

  listExecutions(filter: ListFilter): Promise<ExecutionRecord[]> {
    return reads.listExecutions(this.db, filter);
  }

  taskQueueBacklog(nowMs: number): Promise<TaskQueueBacklog[]> {
    return reads.taskQueueBacklog(this.db, nowMs);
  }

  async resetExecution(req: ResetExecutionRequest): Promise<ResetExecutionResult> {
    let terminatedRunId: string | undefined;
    await this.committer.enqueue({ apply: resetOp(req, (id) => (terminatedRunId = id)) });
    return { terminatedRunId };
  }

  sendFromWorkflow(req: OutgoingRequest): Promise<void> {
    return this.committer.enqueue({ apply: outgoingOp(req) });
  }

  requestCancel(workflowId: string, runId: string | undefined, reason: string, nowMs: number): Promise<void> {
    return this.committer.enqueue({ apply: cancelOp(workflowId, runId, reason, nowMs) });
  }

  terminate(workflowId: string, runId: string | undefined, reason: string, nowMs: number): Promise<void> {
    return this.committer.enqueue({ apply: terminateOp(workflowId, runId, reason, nowMs) });
  }

  async admitUpdate(req: UpdateRequest): Promise<{ runId: string; record: UpdateRecord }> {
    let runId = '';
    await this.committer.enqueue({ apply: admitUpdateOp(req, (r) => (runId = r)) });
    return { runId, record: (await this.getUpdate(runId, req.updateId))! };
  }

  getUpdate(runId: string, updateId: string): Promise<UpdateRecord | undefined> {
    return reads.getUpdate(this.db, runId, updateId);
  }

  async addQuery(
    runId: string,
    queryName: string,
    payload: string | Uint8Array,
    nowMs: number,
  ): Promise<number> {
    const id = await reads.addQuery(this.db, runId, queryName, payload, nowMs);
    this.post([{ kind: 'query', runId }]);
    return id;
  }

  takeQueries(req: {
    workerId: string;
    taskQueue: string;
    workflowTypes: readonly string[];
    nowMs: number;
    reclaimAfterMs: number;
  }): Promise<QueryRecord[]> {
    return reads.takeQueries(this.workDb, req);
  }

  async answerQuery(queryId: number, answer: QueryAnswer, nowMs: number): Promise<void> {
    await reads.answerQuery(this.db, queryId, answer, nowMs);
    this.post([{ kind: 'answered', queryId }]);
  }

  queryAnswer(queryId: number): Promise<QueryAnswer | undefined> {
    return reads.queryAnswer(this.db, queryId);
  }

  async dropQuery(queryId: number): Promise<void> {
    await this.db.query(ST.dropQuery, [queryId]);
  }

  subscribe(listener: (notice: StoreNotice) => void): () => void {
    this.listeners.add(listener);
    this.listener.start();
    return () => this.listeners.delete(listener);
  }

  /**
   * Commits what is queued, stops listening and closes the pools. From now on an operation that
   * loses its connection fails with StoreError instead of waiting for the server to come back.
   */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    await this.committer.flush();
    await this.poster.flush();
    await this.committer.forgetSettled().catch(() => undefined); // best effort: tiny leftover rows
    this.closing = true;
    this.listeners.clear();
    await this.listener.close();
    await Promise.all([this.pools.main.end(), this.pools.work.end()]);
  }

  /** Tells this process's listeners now, and other processes' with a NOTIFY (batched per turn). */
  private post(notices: StoreNotice[]): void {
    for (const n of notices) this.emit(n);
    if (!this.closing) this.poster.post(notices);
  }

  private emit(notice: StoreNotice): void {
    for (const listener of this.listeners) listener(notice);
  }
}
