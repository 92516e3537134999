import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ExecutionWrite, StoreNotice } from '../types.js';
import { applyWrites, refusalsFrom, writeNotices } from './apply-write.js';
import {
  applyFast,
  applyIsolated,
  ClientTx,
  onlyDistinctWrites,
  outcomeOf,
  type Outcome,
  type QueuedOp,
} from './batch-apply.js';
import { noticePayloads } from './notify.js';
import { isConnectionError, isTransientError, type Reconnector } from './reconnect.js';
import { ST } from './statements.js';

export type { QueuedOp } from './batch-apply.js';

interface Queued {
  op: QueuedOp;
  resolve(): void;
  reject(err: unknown): void;
}

/** At most this many writes go into one transaction. */
const MAX_BATCH = 1000;

/**
 * Group commit for one store: the writes queued during one event-loop turn are committed together
 * in one transaction (flushed on `setImmediate`, or at once at a size bound), one transaction at
 * a time; what is queued meanwhile goes into the next. Consecutive owner writes of distinct runs
 * are applied with one statement for all of them (see `applyWrites`); a refused write changes
 * nothing and the batch goes on. A batch of owner writes only (the usual case: one step of many
 * workflows) is that one statement, on its own: one round trip, its NOTIFYs inside. Other batches
 * run in BEGIN … COMMIT, their NOTIFYs on the COMMIT round trip. Any error other than a refusal
 * replays the batch with one SAVEPOINT per write, so only that write fails.
 *
 * Connection loss: the batch is retried with back-off until PostgreSQL is back. When the answer
 * of the commit itself was lost, the commit's record (`baton_commits`, for a one-statement
 * commit) or `txid_status` (for a transaction) says whether it committed, after the old backend
 * is terminated if it still runs; so a batch is never applied twice nor half.
 */
export class GroupCommitter {
  private queue: Queued[] = [];
  private scheduled = false;
  private running: Promise<void> | undefined;
  /** Ids of recorded one-statement commits whose outcome is known (their records can go). */
  private settled: string[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly reconnector: Reconnector,
    private readonly channel: string,
    private readonly origin: string,
    /** Tells this process's listeners, after the commit. */
    private readonly announce: (notices: readonly StoreNotice[]) => void,
  ) {}

  /** Queues a write; resolves once committed, rejects with its refusal or failure. */
  enqueue(op: QueuedOp): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (this.queue.length >= MAX_BATCH) this.kick();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.kick());
      }
    });
  }

  /** Resolves once everything queued now (and after) has been committed or failed. */
  async flush(): Promise<void> {
    while (this.running !== undefined || this.queue.length > 0) {
      this.kick();
      await this.running;
    }
  }

  private kick(): void {
    this.scheduled = false;
    if (this.running !== undefined || this.queue.length === 0) return;
    const items = this.queue.splice(0, MAX_BATCH);
    this.running = this.commitBatch(items).finally(() => {
      this.running = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async commitBatch(items: Queued[]): Promise<void> {
    let isolated = false;
    for (let attempt = 0; ; attempt++) {
      let outcome: Outcome;
      try {
        outcome = await this.attempt(items, isolated);
      } catch (err) {
        if (isConnectionError(err)) {
          try {
            await this.reconnector.pause(err, attempt);
          } catch (closed) {
            for (const item of items) item.reject(closed);
            return;
          }
          continue;
        }
        if (isTransientError(err) && attempt < 20) continue;
        if (!isolated) {
          isolated = true;
          continue;
        }
        for (const item of items) item.reject(err);
        return;
      }
      this.reconnector.recovered();
      for (let i = 0; i < items.length; i++) {
        const err = outcome.errors[i];
        if (err !== undefined) items[i]!.reject(err);
        else {
          items[i]!.resolve();
          try {
            this.announce(outcome.notices[i]!);
          } catch {
            // A listener's failure is its own: the write is committed and the others are settled.
          }
        }
      }
      return;
    }
  }

  /** Deletes the records of settled one-statement commits (on close). */
  async forgetSettled(): Promise<void> {
    const ids = this.settled.splice(0);
    if (ids.length > 0) await this.pool.query('DELETE FROM baton_commits WHERE id = ANY($1::text[])', [ids]);
  }

  /** One transaction over the batch. @throws what aborted it (the batch may be tried again) */
  private async attempt(items: readonly Queued[], isolated: boolean): Promise<Outcome> {
    const ops = items.map((i) => i.op);
    if (!isolated && onlyDistinctWrites(ops)) return this.attemptOneStatement(items);
    const client = await this.pool.connect();
    let xid: number | undefined;
    let outcome: Outcome | undefined;
    let commitSent = false;
    try {
      const begin = (await client.query('BEGIN; SELECT txid_current() AS xid')) as unknown as pg.QueryResult<{
        xid: number;
      }>[];
      xid = begin[1]!.rows[0]!.xid;
      const tx = new ClientTx(client);
      outcome = isolated ? await applyIsolated(tx, client, ops) : await applyFast(tx, ops);
      const notify = noticePayloads(this.origin, outcome.notices.flat())
        .map((p) => `SELECT pg_notify(${client.escapeLiteral(this.channel)}, ${client.escapeLiteral(p)}); `)
        .join('');
      commitSent = true;
      await client.query(`${notify}COMMIT`);
      client.release();
      return outcome;
    } catch (err) {
      if (isConnectionError(err)) {
        const pid = (client as unknown as { processID?: number }).processID;
        client.release(err as Error);
        if (commitSent && outcome !== undefined && xid !== undefined && (await this.committed(xid, pid)))
          return outcome;
        throw err;
      }
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch (rollbackErr) {
        client.release(rollbackErr as Error);
      }
      throw err;
    }
  }

  /** A batch of owner writes of distinct runs, none starting a next run: one statement. */
  private async attemptOneStatement(items: readonly Queued[]): Promise<Outcome> {
    const writes = items.map((i) => (i.op as { write: ExecutionWrite }).write);
    const client = await this.pool.connect();
    const commitId = randomUUID();
    const forget = this.settled.splice(0);
    const record = {
      commitId,
      atMs: Date.now(),
      forget,
      channel: this.channel,
      payloads: noticePayloads(this.origin, writes.flatMap(writeNotices)),
    };
    try {
      const refused = await applyWrites(new ClientTx(client), writes, record);
      client.release();
      this.settled.push(commitId);
      return outcomeOf(writes, refused);
    } catch (err) {
      this.settled.push(...forget);
      if (!isConnectionError(err)) {
        client.release();
        throw err;
      }
      const pid = (client as unknown as { processID?: number }).processID;
      client.release(err as Error);
      const passed = await this.recorded(commitId, pid);
      if (passed === undefined) throw err;
      this.settled.push(commitId);
      return outcomeOf(writes, refusalsFrom(writes, passed));
    }
  }

  /**
   * The runs that passed in the one-statement commit `commitId`, if it committed. Its backend
   * (`pid`) is terminated first if it still runs, so the answer is final.
   */
  private async recorded(commitId: string, pid: number | undefined): Promise<string[] | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (pid !== undefined) await this.endBackend(pid);
        const { rows } = await this.pool.query<{ run_ids: string[] }>(ST.commitOutcome.text, [commitId]);
        return rows[0]?.run_ids;
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        await this.reconnector.pause(err, attempt);
      }
    }
  }

  /** Terminates a backend and waits (up to 5 s) until it is gone. */
  private async endBackend(pid: number): Promise<void> {
    for (let i = 0; i < 250; i++) {
      const { rows } = await this.pool.query<{ n: number }>(ST.backendAlive.text, [pid]);
      if (rows[0]?.n === 0) return;
      if (i === 0) await this.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Whether transaction `xid`, whose COMMIT was sent when the connection broke, committed. A
   * backend still holding it open (the server has not noticed the loss yet) is terminated first,
   * so the answer is final.
   */
  private async committed(xid: number, pid: number | undefined): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (pid !== undefined) await this.endBackend(pid);
        const { rows } = await this.pool.query<{ s: string | null }>('SELECT txid_status($1) AS s', [xid]);
        const status = rows[0]?.s;
        if (status !== 'in progress') return status === 'committed';
        await new Promise((r) => setTimeout(r, 50));
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        await this.reconnector.pause(err, attempt);
      }
    }
  }
}
