/**
 * Messages to an execution as the store keeps them: signals, updates (admitted, then rejected,
 * accepted or completed) and queries with their answers. Part of the Store interface (`types.ts`).
 */
import type { Payload } from '../common/converter.js';

/** A signal for a running execution. */
export interface SignalRequest {
  workflowId: string;
  runId: string | undefined;
  signalName: string;
  /** The encoded argument list. */
  payload: Payload;
  nowMs: number;
}

/** Where an update is: admitted (waiting for the owner), rejected by its validator, accepted, completed. */
export type UpdateStage = 'ADMITTED' | 'REJECTED' | 'ACCEPTED' | 'COMPLETED';

/** An update's state as its caller reads it. */
export interface UpdateRecord {
  updateId: string;
  stage: UpdateStage;
  /** The result (COMPLETED) or the failure (REJECTED, or COMPLETED with `failed`). */
  outcome: Payload | undefined;
  failed: boolean;
}

/** An update request: admitted once per (run, updateId). */
export interface UpdateRequest {
  workflowId: string;
  runId: string | undefined;
  updateId: string;
  updateName: string;
  payload: Payload;
  nowMs: number;
}

/** A query waiting for an answer, as a worker takes it. */
export interface QueryRecord {
  id: number;
  runId: string;
  workflowType: string;
  /** True when the execution is still running (the owner answers from memory). */
  running: boolean;
  queryName: string;
  /** The encoded argument list. */
  payload: Payload | undefined;
}

/** The answer to a query: a result payload, or an error (its name and message). */
export type QueryAnswer = { ok: true; payload: Payload } | { ok: false; name: string; message: string };
