import type Database from 'better-sqlite3';
import { LeaseLostError } from '../../common/errors.js';
import type { ExecutionWrite, StoreNotice } from '../types.js';
import { activityParams, eventParams } from './rows.js';
import type { Statements } from './statements.js';

interface Queued {
  write: ExecutionWrite;
  resolve(): void;
  reject(err: unknown): void;
}

/** Flush earlier than the end of the turn once this many writes are queued. */
const MAX_BATCH = 512;

/**
 * One writer that batches the writes of many executions made during one event-loop turn into a
 * single transaction (flushed on `setImmediate`, never on a timer). Each execution's writes sit in
 * their own savepoint, so one fenced write does not abort the batch. A write's promise resolves
 * once its transaction has committed.
 */
export class GroupCommitter {
  private queue: Queued[] = [];
  private scheduled = false;
  private readonly applyOne: (write: ExecutionWrite) => void;
  private readonly applyBatch: (batch: Queued[]) => Error[];

  constructor(
    db: Database.Database,
    private readonly st: Statements,
    private readonly notify: (notice: StoreNotice) => void,
  ) {
    this.applyOne = db.transaction((write: ExecutionWrite) => this.apply(write));
    const batch = db.transaction((items: Queued[]) => {
      const errors: Error[] = [];
      for (let i = 0; i < items.length; i++) {
        try {
          this.applyOne(items[i]!.write);
        } catch (err) {
          errors[i] = err as Error;
        }
      }
      return errors;
    });
    this.applyBatch = (items) => batch.immediate(items);
  }

  /** Queues a write; resolves once committed. @throws LeaseLostError when fenced. */
  enqueue(write: ExecutionWrite): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (this.queue.length >= MAX_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now. */
  flush(): void {
    this.scheduled = false;
    const items = this.queue;
    if (items.length === 0) return;
    this.queue = [];
    let errors: Error[];
    try {
      errors = this.applyBatch(items);
    } catch (err) {
      for (const item of items) item.reject(err);
      return;
    }
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const err = errors[i];
      if (err !== undefined) item.reject(err);
      else {
        const w = item.write;
        if (w.close !== undefined) this.notify({ kind: 'closed', runId: w.runId, workflowId: w.workflowId });
        item.resolve();
      }
    }
  }

  private apply(w: ExecutionWrite): void {
    const st = this.st;
    if (w.events.length > 0) {
      const lastEventId = w.events[w.events.length - 1]!.eventId;
      const r = st.advanceHead.run({
        runId: w.runId,
        workerId: w.workerId,
        epoch: w.epoch,
        expectedLastEventId: w.expectedLastEventId,
        lastEventId,
      });
      if (r.changes === 0) throw new LeaseLostError(w.runId);
      for (const e of w.events) st.insertEvent.run(...eventParams(w.runId, e));
    } else if (st.checkLease.get(w.runId, w.workerId, w.epoch) === undefined) {
      throw new LeaseLostError(w.runId);
    }
    if (w.clearTaskError === true) st.clearTaskError.run(w.runId);
    for (const seq of w.deleteActivities ?? []) st.deleteActivity.run(w.runId, seq);
    for (const a of w.upsertActivities ?? []) st.upsertActivity.run(...activityParams(w.runId, a));
    for (const id of w.consumedInbox ?? []) st.deleteInbox.run(id);
    if (w.close !== undefined) {
      const closeTimeMs = w.events[w.events.length - 1]?.timeMs ?? Date.now();
      st.closeExecution.run(w.close, closeTimeMs, w.runId);
      st.deleteActivitiesOfRun.run(w.runId);
      st.deleteInboxOfRun.run(w.runId);
    }
  }
}
