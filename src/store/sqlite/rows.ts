import type { Payload } from '../../common/converter.js';
import type { ExecutionStatus, HistoryEvent } from '../../common/history.js';
import type { ExecutionRecord, InboxRecord, PendingActivityRecord } from '../types.js';

/** Row shapes of the SQLite tables and their mapping to store records. */

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
  memo: Payload | null;
  search_attributes: string;
}

export interface EventRow {
  event_id: number;
  event_type: string;
  time_ms: number;
  attrs: string;
  payload: string | Uint8Array | null;
}

export interface ActivityRow {
  seq: number;
  activity_type: string;
  scheduled_event_id: number;
  attempt: number;
  first_scheduled_ms: number;
  next_attempt_ms: number;
  last_failure: Payload | null;
  heartbeat_details: Payload | null;
  handed_back: number;
  task_queue: string | null;
  claimed_by: string | null;
  claimed_at_ms: number | null;
}

export interface InboxRow {
  id: number;
  run_id: string;
  kind: string;
  attrs: string;
  payload: Payload | null;
  accepted_at_ms: number;
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
    memo: r.memo ?? undefined,
    searchAttributes: JSON.parse(r.search_attributes) as Record<string, string | number | boolean>,
  };
}

export function toEvent(r: EventRow): HistoryEvent {
  return {
    eventId: r.event_id,
    eventType: r.event_type,
    timeMs: r.time_ms,
    attrs: JSON.parse(r.attrs) as unknown,
    payload: r.payload ?? undefined,
  } as HistoryEvent;
}

export function eventParams(runId: string, e: HistoryEvent): unknown[] {
  return [runId, e.eventId, e.eventType, e.timeMs, JSON.stringify(e.attrs), e.payload ?? null];
}

export function toActivity(r: ActivityRow): PendingActivityRecord {
  return {
    seq: r.seq,
    activityType: r.activity_type,
    scheduledEventId: r.scheduled_event_id,
    attempt: r.attempt,
    firstScheduledMs: r.first_scheduled_ms,
    nextAttemptMs: r.next_attempt_ms,
    lastFailure: r.last_failure ?? undefined,
    heartbeatDetails: r.heartbeat_details ?? undefined,
    handedBack: r.handed_back === 1,
    ...(r.task_queue === null ? {} : { taskQueue: r.task_queue }),
    ...(r.claimed_by === null ? {} : { claimedBy: r.claimed_by }),
    ...(r.claimed_at_ms === null ? {} : { claimedAtMs: r.claimed_at_ms }),
  };
}

export function activityParams(runId: string, a: PendingActivityRecord): unknown[] {
  return [
    runId,
    a.seq,
    a.activityType,
    a.scheduledEventId,
    a.attempt,
    a.firstScheduledMs,
    a.nextAttemptMs,
    a.lastFailure ?? null,
    a.heartbeatDetails ?? null,
    a.handedBack ? 1 : 0,
    a.taskQueue ?? null,
  ];
}

export function toInbox(r: InboxRow): InboxRecord {
  return {
    id: r.id,
    runId: r.run_id,
    kind: r.kind as InboxRecord['kind'],
    attrs: JSON.parse(r.attrs) as Record<string, unknown>,
    payload: r.payload ?? undefined,
    acceptedAtMs: r.accepted_at_ms,
  };
}
