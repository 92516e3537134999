import type pg from 'pg';
import {
  LeaseLostError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '../../common/errors.js';
import type { CreateExecutionRequest, ExecutionWrite, StoreNotice } from '../types.js';
import { applyWrites, writeNotices } from './apply-write.js';
import { applyStarts } from './execution-ops.js';
import { isConnectionError } from './reconnect.js';
import type { Queryable, Statement } from './statements.js';

/** One queued write: an owner's fenced write, an ALLOW_DUPLICATE start, or any other write. */
export type QueuedOp =
  | { write: ExecutionWrite }
  | { start: CreateExecutionRequest }
  | {
      /** Runs the statements; may throw a refusal only before its first change. Returns its notices. */
      apply(tx: Queryable): Promise<StoreNotice[]>;
    };

/** Per queued write: its error (refused or failed) or, once committed, its notices. */
export interface Outcome {
  errors: unknown[];
  notices: StoreNotice[][];
}

/** A refusal is checked before any change, so the batch goes on without a savepoint. */
function isRefusal(err: unknown): boolean {
  return (
    err instanceof LeaseLostError ||
    err instanceof WorkflowExecutionAlreadyStartedError ||
    err instanceof WorkflowNotFoundError
  );
}

/** Runs named statements on one pooled client. */
export class ClientTx implements Queryable {
  constructor(private readonly client: pg.PoolClient) {}
  async query<R extends pg.QueryResultRow>(st: Statement | string, values: readonly unknown[]) {
    const config = typeof st === 'string' ? { text: st } : { name: st.name, text: st.text };
    const r = await this.client.query<R>({ ...config, values: values as unknown[] });
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  }
}

/** True when the batch holds only owner writes, of distinct runs, none starting a next run. */
export function onlyDistinctWrites(ops: readonly QueuedOp[]): boolean {
  const runs = new Set<string>();
  for (const op of ops) {
    if (!('write' in op) || op.write.nextRun !== undefined || runs.has(op.write.runId)) return false;
    if (op.write.childLinks !== undefined && op.write.close !== undefined) return false; // closeWriteLinks
    runs.add(op.write.runId);
  }
  return true;
}

/** The outcome of owner writes: each refused one's error, or its notices. */
export function outcomeOf(writes: readonly ExecutionWrite[], refused: readonly unknown[]): Outcome {
  return {
    errors: [...refused],
    notices: writes.map((w, i) => (refused[i] === undefined ? writeNotices(w) : [])),
  };
}

/**
 * The length of the group starting at `i` that one statement applies: consecutive owner writes
 * of distinct runs, or consecutive starts; 1 for any other write.
 */
function groupLength(ops: readonly QueuedOp[], i: number): number {
  const first = ops[i]!;
  if (!('write' in first) && !('start' in first)) return 1;
  const runs = new Set<string>();
  let n = 0;
  for (const op of ops.slice(i)) {
    if ('write' in first) {
      if (!('write' in op) || runs.has(op.write.runId)) break;
      runs.add(op.write.runId);
    } else if (!('start' in op)) break;
    n++;
  }
  return n;
}

/** Applies a group (see {@link groupLength}); refusals come back, other errors are thrown. */
async function applyGroup(tx: Queryable, group: readonly QueuedOp[]): Promise<Outcome> {
  const first = group[0]!;
  if ('write' in first) {
    const writes = group.map((op) => (op as { write: ExecutionWrite }).write);
    return outcomeOf(writes, await applyWrites(tx, writes));
  }
  if ('start' in first) {
    const starts = group.map((op) => (op as { start: CreateExecutionRequest }).start);
    const refused = await applyStarts(tx, starts);
    return {
      errors: refused,
      notices: starts.map((s, i): StoreNotice[] =>
        refused[i] === undefined ? [{ kind: 'task', taskQueue: s.taskQueue }] : [],
      ),
    };
  }
  try {
    return { errors: [undefined], notices: [await first.apply(tx)] };
  } catch (err) {
    if (!isRefusal(err)) throw err;
    return { errors: [err], notices: [[]] };
  }
}

/**
 * Applies the batch in its transaction, grouping what one statement can apply. A refused write
 * changed nothing; any other error is thrown (the batch is then replayed {@link applyIsolated}).
 */
export async function applyFast(tx: Queryable, ops: readonly QueuedOp[]): Promise<Outcome> {
  const out: Outcome = { errors: [], notices: [] };
  for (let i = 0; i < ops.length;) {
    const n = groupLength(ops, i);
    const r = await applyGroup(tx, ops.slice(i, i + n));
    out.errors.push(...r.errors);
    out.notices.push(...r.notices);
    i += n;
  }
  return out;
}

/** Applies the batch one write at a time, each in its own SAVEPOINT: only a failing write fails. */
export async function applyIsolated(
  tx: Queryable,
  client: pg.PoolClient,
  ops: readonly QueuedOp[],
): Promise<Outcome> {
  const out: Outcome = { errors: [], notices: [] };
  for (const op of ops) {
    await client.query('SAVEPOINT baton_write');
    try {
      const r = await applyGroup(tx, [op]);
      await client.query('RELEASE SAVEPOINT baton_write');
      out.errors.push(r.errors[0]);
      out.notices.push(r.notices[0]!);
    } catch (err) {
      if (isConnectionError(err)) throw err;
      await client.query('ROLLBACK TO SAVEPOINT baton_write; RELEASE SAVEPOINT baton_write');
      out.errors.push(err);
      out.notices.push([]);
    }
  }
  return out;
}
