import { LeaseLostError, StoreError } from '../../common/errors.js';
import type { ExecutionWrite, StoreNotice } from '../types.js';
import { applyStart, terminateRow } from './execution-ops.js';
import { closeWriteLinks, noticesOfLinks } from './children.js';
import { carryInbox } from './continue-as-new.js';
import { activityParams, columns, eventParams, ms, payloadColumns, payloadOf } from './rows.js';
import type { Queryable } from './statements.js';
import { batchStatement, type BatchPart } from './write-batch.js';

/** What the batch statement returns for a write that passed its fence. */
interface FencedRow {
  run_id: string;
  memo_text: string | null;
  memo_bytes: Uint8Array | null;
  search_attributes: Record<string, string | number | boolean> | null;
}

/** How a batch statement records itself and announces its notices (the one-statement commit). */
export interface BatchRecord {
  /** Records the commit under this id, with the runs that passed. */
  commitId: string;
  atMs: number;
  /** Ids of earlier commits whose outcome is known: their records are deleted. */
  forget: readonly string[];
  channel: string;
  /** NOTIFY payloads sent by the statement. */
  payloads: readonly string[];
}

/**
 * Applies the fenced writes of many executions (distinct runIds) with one statement for the
 * whole batch (see `batchStatement`): the fence, and every change of the writes that passed it. A write
 * that fails its fence changes nothing, so no savepoint is needed. A next run (workflow retry) is
 * started after it, by its own statements.
 *
 * @param record - when given, the statement also records the commit (see {@link BatchRecord}),
 *   so it can run on its own, outside a transaction.
 * @returns for each write, undefined when applied or the LeaseLostError that refused it (the
 *   owner or epoch no longer holds the lease, or the history does not end at
 *   `expectedLastEventId`).
 */
export async function applyWrites(
  tx: Queryable,
  writes: readonly ExecutionWrite[],
  record?: BatchRecord,
): Promise<(LeaseLostError | undefined)[]> {
  const parts = new Set<BatchPart>();
  const params: unknown[] = fenceColumns(writes);
  // In the order of BATCH_PARTS (the parameters' order).
  const add = (name: BatchPart, values: unknown[], needed: boolean) => {
    if (!needed) return;
    parts.add(name);
    params.push(...values);
  };
  const events = writes.flatMap((w) => w.events.map((e) => eventParams(w.runId, e)));
  add('events', columns(events, 7), events.length > 0);
  const { deletes, upserts } = activityRows(writes);
  add('deleteActivities', columns(deletes, 2), deletes.length > 0);
  add('upsertActivities', columns(upserts, 13), upserts.length > 0);
  const consumed = writes
    .filter((w) => w.close === undefined)
    .flatMap((w) => (w.consumedInbox ?? []).map((id) => [w.runId, id]));
  add('inbox', columns(consumed, 2), consumed.length > 0);
  const updates = updateRows(writes);
  add('updates', columns(updates, 6), updates.length > 0);
  add(
    'close',
    [],
    writes.some((w) => w.close !== undefined),
  );
  if (record !== undefined) {
    add('record', [record.commitId, record.atMs], true);
    add('forget', [record.forget], record.forget.length > 0);
    add('notify', [record.channel, record.payloads], record.payloads.length > 0);
  }
  const { rows } = await tx.query<FencedRow>(batchStatement(parts), params);
  const passed = new Map(rows.map((r) => [r.run_id, r]));
  for (const w of writes) {
    const v = passed.get(w.runId);
    if (v !== undefined && w.nextRun !== undefined) await startNextRun(tx, w, v);
    if (v !== undefined) await closeWriteLinks(tx, w, terminateRow);
  }
  return writes.map((w) => (passed.has(w.runId) ? undefined : new LeaseLostError(w.runId)));
}

/** The runs among `writes` that passed, as the record of a commit says. */
export function refusalsFrom(
  writes: readonly ExecutionWrite[],
  passed: readonly string[],
): (LeaseLostError | undefined)[] {
  const ok = new Set(passed);
  return writes.map((w) => (ok.has(w.runId) ? undefined : new LeaseLostError(w.runId)));
}

/** The notices a write announces once committed. */
export function writeNotices(w: ExecutionWrite): StoreNotice[] {
  const out: StoreNotice[] = [...noticesOfLinks(w)];
  for (const u of w.updates ?? []) out.push({ kind: 'update', runId: w.runId, updateId: u.updateId });
  if (w.close !== undefined) out.push({ kind: 'closed', runId: w.runId, workflowId: w.workflowId });
  if (w.nextRun !== undefined) out.push({ kind: 'task', taskQueue: w.nextRun.taskQueue });
  for (const a of w.upsertActivities ?? [])
    if (a.taskQueue !== undefined) out.push({ kind: 'activityTask', taskQueue: a.taskQueue });
  return out;
}

/** The 10 column arrays of `v`: one row per write (the fence and the execution row's changes). */
function fenceColumns(writes: readonly ExecutionWrite[]): unknown[] {
  const rows = writes.map((w) => {
    const last = w.events[w.events.length - 1];
    return [
      w.runId,
      w.workerId,
      w.epoch,
      last === undefined ? null : w.expectedLastEventId,
      last === undefined ? null : last.eventId,
      w.clearTaskError === true,
      w.searchAttributes === undefined ? null : JSON.stringify(w.searchAttributes),
      w.close ?? null,
      w.close === undefined ? null : ms(last?.timeMs ?? Date.now()),
      w.nextRun !== undefined,
    ];
  });
  return columns(rows, 10);
}

/**
 * Activities deleted, then upserted (one row per run and seq, the last given; an upsert of a seq
 * also deleted by the same write wins, as it would applied after the delete). A closing write's
 * activity changes are left out: the close deletes them all.
 */
function activityRows(writes: readonly ExecutionWrite[]): { deletes: unknown[][]; upserts: unknown[][] } {
  const deletes: unknown[][] = [];
  const upserts = new Map<string, unknown[]>();
  for (const w of writes) {
    if (w.close !== undefined) continue;
    const upserted = new Set((w.upsertActivities ?? []).map((a) => a.seq));
    for (const seq of w.deleteActivities ?? []) if (!upserted.has(seq)) deletes.push([w.runId, seq]);
    for (const a of w.upsertActivities ?? []) upserts.set(`${a.seq} ${w.runId}`, activityParams(w.runId, a));
  }
  return { deletes, upserts: [...upserts.values()] };
}

/**
 * Update stages, the last given per update. A closing write leaves no update open: a listed
 * update still ADMITTED or ACCEPTED completes as failed, as the close would make it.
 */
function updateRows(writes: readonly ExecutionWrite[]): unknown[][] {
  const stages = new Map<string, unknown[]>();
  for (const w of writes) {
    for (const u of w.updates ?? []) {
      const open = u.stage === 'ADMITTED' || u.stage === 'ACCEPTED';
      const closed = w.close !== undefined && open;
      stages.set(`${w.runId}\u0000${u.updateId}`, [
        w.runId,
        u.updateId,
        closed ? 'COMPLETED' : u.stage,
        ...payloadColumns(u.outcome),
        closed || u.failed === true,
      ]);
    }
  }
  return [...stages.values()];
}

/**
 * Starts the next run of a closing execution, with the memo and search attributes the closed run
 * has now. Its refusal comes after the close was written, so it fails the whole write (a
 * StoreError, not a change-free refusal).
 */
async function startNextRun(tx: Queryable, w: ExecutionWrite, v: FencedRow): Promise<void> {
  try {
    await applyStart(tx, {
      ...w.nextRun!,
      // A continue-as-new may give the new run another memo.
      memo: w.nextRun!.memo ?? payloadOf(v.memo_text, v.memo_bytes),
      searchAttributes: v.search_attributes ?? {},
    });
    await carryInbox(tx, w);
  } catch (err) {
    throw new StoreError(
      `the next run of workflow '${w.workflowId}' could not start: ${(err as Error).message}`,
      err,
    );
  }
}
