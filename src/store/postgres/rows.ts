import type { Payload } from '../../common/converter.js';
import type { ExecutionStatus, HistoryEvent } from '../../common/history.js';
import type { ExecutionRecord, InboxRecord, PendingActivityRecord } from '../types.js';

/**
 * Row shapes of the PostgreSQL tables and their mapping to store records. BIGINT columns come
 * back as numbers (the pool's type parser); a payload sits in a `…_text` or a `…_bytes` column.
 */

export interface ExecutionRow {
  run_id: string;
  workflow_id: string;
  workflow_type: string;
  task_queue: string;
  status: string;
  start_time_ms: number;
  close_time_ms: number | null;
  last_event_id: number;
  lease_owner: string | null;
  lease_epoch: number;
  lease_expires_at_ms: number | null;
  ready_at_ms: number | null;
  task_attempt: number;
  task_error: string | null;
  memo_text: string | null;
  memo_bytes: Uint8Array | null;
  search_attributes: Record<string, string | number | boolean>;
}

export interface EventRow {
  event_id: number;
  event_type: string;
  time_ms: number;
  attrs: string;
  payload_text: string | null;
  payload_bytes: Uint8Array | null;
}

export interface ActivityRow {
  seq: number;
  activity_type: string;
  scheduled_event_id: number;
  attempt: number;
  first_scheduled_ms: number;
  next_attempt_ms: number;
  last_failure_text: string | null;
  last_failure_bytes: Uint8Array | null;
  heartbeat_details_text: string | null;
  heartbeat_details_bytes: Uint8Array | null;
  handed_back: boolean;
  task_queue: string | null;
  claimed_by: string | null;
  claimed_at_ms: number | null;
}

export interface InboxRow {
  id: number;
  run_id: string;
  kind: string;
  attrs: string;
  payload_text: string | null;
  payload_bytes: Uint8Array | null;
  accepted_at_ms: number;
}

/** A payload as its two columns: `[text, bytes]`, one of them null (both for no payload). */
export function payloadColumns(p: Payload | undefined | null): [string | null, Buffer | null] {
  if (p === undefined || p === null) return [null, null];
  if (typeof p === 'string') return [p, null];
  return [null, Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength)];
}

/** The payload kept in two columns, as the type it was given. */
export function payloadOf(text: string | null, bytes: Uint8Array | null): Payload | undefined {
  return text ?? bytes ?? undefined;
}

/**
 * Epoch milliseconds as a BIGINT parameter: rounded up, since computed times (a back-off of
 * 1.5 × 225 ms) may carry a fraction, and a due time must never come early.
 */
export function ms(value: number): number {
  return Math.ceil(value);
}

export function toExecution(r: ExecutionRow): ExecutionRecord {
  return {
    workflowId: r.workflow_id,
    runId: r.run_id,
    workflowType: r.workflow_type,
    taskQueue: r.task_queue,
    status: r.status as ExecutionStatus,
    startTimeMs: r.start_time_ms,
    closeTimeMs: r.close_time_ms ?? undefined,
    lastEventId: r.last_event_id,
    leaseOwner: r.lease_owner ?? undefined,
    leaseEpoch: r.lease_epoch,
    leaseExpiresAtMs: r.lease_expires_at_ms ?? undefined,
    readyAtMs: r.ready_at_ms ?? undefined,
    taskAttempt: r.task_attempt,
    taskError: r.task_error ?? undefined,
    memo: payloadOf(r.memo_text, r.memo_bytes),
    searchAttributes: r.search_attributes,
  };
}

export function toEvent(r: EventRow): HistoryEvent {
  return {
    eventId: r.event_id,
    eventType: r.event_type,
    timeMs: r.time_ms,
    attrs: JSON.parse(r.attrs) as unknown,
    payload: payloadOf(r.payload_text, r.payload_bytes),
  } as HistoryEvent;
}

/** The parameters of one event row: run, id, type, time, attrs, payload text, payload bytes. */
export function eventParams(runId: string, e: HistoryEvent): unknown[] {
  return [runId, e.eventId, e.eventType, ms(e.timeMs), JSON.stringify(e.attrs), ...payloadColumns(e.payload)];
}

export function toActivity(r: ActivityRow): PendingActivityRecord {
  return {
    seq: r.seq,
    activityType: r.activity_type,
    scheduledEventId: r.scheduled_event_id,
    attempt: r.attempt,
    firstScheduledMs: r.first_scheduled_ms,
    nextAttemptMs: r.next_attempt_ms,
    lastFailure: payloadOf(r.last_failure_text, r.last_failure_bytes),
    heartbeatDetails: payloadOf(r.heartbeat_details_text, r.heartbeat_details_bytes),
    handedBack: r.handed_back,
    ...(r.task_queue === null ? {} : { taskQueue: r.task_queue }),
    ...(r.claimed_by === null ? {} : { claimedBy: r.claimed_by }),
    ...(r.claimed_at_ms === null ? {} : { claimedAtMs: r.claimed_at_ms }),
  };
}

export function toInbox(r: InboxRow): InboxRecord {
  return {
    id: r.id,
    runId: r.run_id,
    kind: r.kind as InboxRecord['kind'],
    attrs: JSON.parse(r.attrs) as Record<string, unknown>,
    payload: payloadOf(r.payload_text, r.payload_bytes),
    acceptedAtMs: r.accepted_at_ms,
  };
}

/**
 * Column arrays of many rows, for one `INSERT … SELECT * FROM unnest($1::t[], $2::t[], …)`:
 * `columns(rows, n)[i]` holds column i of every row.
 */
export function columns(rows: readonly unknown[][], width: number): unknown[][] {
  const out: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let i = 0; i < width; i++) out[i]!.push(row[i]);
  return out;
}

/** The parameters of one pending-activity row (see `upsertActivities`). */
export function activityParams(runId: string, a: PendingActivityRecord): unknown[] {
  return [
    runId,
    a.seq,
    a.activityType,
    a.scheduledEventId,
    a.attempt,
    ms(a.firstScheduledMs),
    ms(a.nextAttemptMs),
    ...payloadColumns(a.lastFailure),
    ...payloadColumns(a.heartbeatDetails),
    a.handedBack,
    a.taskQueue ?? null,
  ];
}
