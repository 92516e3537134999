import type Database from 'better-sqlite3';
import {
  LeaseLostError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '../../common/errors.js';

/** One queued write: statements to run inside the batch's transaction, then what to do after commit. */
export interface QueuedWrite {
  /** Runs the statements. It may throw a refusal only before its first change (see {@link isRefusal}). */
  apply(): void;
  /** Called after the commit (notices to listeners). */
  after?: (() => void) | undefined;
}

interface Queued extends QueuedWrite {
  resolve(): void;
  reject(err: unknown): void;
}

/** Flush earlier than the end of the turn once this many writes are queued. */
const MAX_BATCH = 512;

/**
 * A write refused by a check that runs before any of its changes (fencing, a duplicate start): the
 * batch can go on without a savepoint, since the refused write changed nothing.
 */
function isRefusal(err: unknown): boolean {
  return (
    err instanceof LeaseLostError ||
    err instanceof WorkflowExecutionAlreadyStartedError ||
    err instanceof WorkflowNotFoundError
  );
}

/**
 * One writer that batches the writes of many executions made during one event-loop turn into a
 * single transaction (flushed on `setImmediate`, never on a timer). A refused write does not abort
 * the batch; any other error replays the batch with one savepoint per write, so only that write
 * fails. A write's promise resolves once its transaction has committed.
 */
export class GroupCommitter {
  private queue: Queued[] = [];
  private scheduled = false;
  private readonly fast: (items: Queued[]) => unknown[];
  private readonly isolated: (items: Queued[]) => unknown[];

  constructor(db: Database.Database) {
    const fast = db.transaction((items: Queued[]) => {
      const errors: unknown[] = [];
      for (let i = 0; i < items.length; i++) {
        try {
          items[i]!.apply();
        } catch (err) {
          if (!isRefusal(err)) throw err;
          errors[i] = err;
        }
      }
      return errors;
    });
    const one = db.transaction((item: Queued) => item.apply());
    const isolated = db.transaction((items: Queued[]) => {
      const errors: unknown[] = [];
      for (let i = 0; i < items.length; i++) {
        try {
          one(items[i]!);
        } catch (err) {
          errors[i] = err;
        }
      }
      return errors;
    });
    this.fast = (items) => fast.immediate(items);
    this.isolated = (items) => isolated.immediate(items);
  }

  /** Queues a write; resolves once committed, rejects with what `apply` threw. */
  enqueue(write: QueuedWrite): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...write, resolve, reject });
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
    let errors: unknown[];
    try {
      errors = this.fast(items);
    } catch {
      try {
        errors = this.isolated(items);
      } catch (err) {
        for (const item of items) item.reject(err);
        return;
      }
    }
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const err = errors[i];
      if (err !== undefined) item.reject(err);
      else {
        item.after?.();
        item.resolve();
      }
    }
  }
}
