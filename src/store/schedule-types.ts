import type { Payload } from '../common/converter.js';
import type { CreateExecutionRequest } from './types.js';

/**
 * Schedules as the store keeps them (as Temporal's Schedules). The store knows nothing of specs
 * or overlap policies: a schedule is an opaque JSON body, the encoded arguments of its action, a
 * wake-up time and a conflict token. Every write is conditional on the token (`UPDATE … WHERE
 * conflict_token = expected`), so when several processes look at the same due schedule only one
 * of them acts on it. Times are epoch milliseconds.
 */

/** One schedule as stored. */
export interface ScheduleRecord {
  scheduleId: string;
  /** The schedule's definition and state (JSON text written by the client and the scheduler). */
  body: string;
  /** The encoded argument list of the action's workflow. */
  args: Payload | undefined;
  /** When the scheduler should look at it next; undefined: not until it changes. */
  wakeAtMs: number | undefined;
  /** Incremented by every write; a write names the token it read. */
  conflictToken: number;
  createdAtMs: number;
  updatedAtMs: number;
}

/** A new schedule. */
export interface CreateScheduleRequest {
  scheduleId: string;
  body: string;
  args: Payload | undefined;
  wakeAtMs: number | undefined;
  nowMs: number;
}

/**
 * A conditional write of a schedule: applied only if its token is still `expectedToken`. The
 * workflow starts in `starts` are written in the same transaction; a start refused by its reuse
 * policy (the run of that nominal time exists) writes nothing and is reported as not started.
 */
export interface ScheduleWrite {
  scheduleId: string;
  expectedToken: number;
  nowMs: number;
  args: Payload | undefined;
  wakeAtMs: number | undefined;
  starts?: readonly CreateExecutionRequest[];
  /** The new body, given which of `starts` were written (same order), called inside the transaction. */
  body: (started: readonly boolean[]) => string;
}

/** Schedules kept in a store. All methods may throw `StoreError`. */
export interface ScheduleStore {
  /** Creates a schedule (token 1); resolves false when the id is taken (nothing written). */
  create(req: CreateScheduleRequest): Promise<boolean>;
  get(scheduleId: string): Promise<ScheduleRecord | undefined>;
  /** Schedules ordered by id, at most `limit` (default 1000), after `afterId` when given (paging). */
  list(options?: { afterId?: string; limit?: number }): Promise<ScheduleRecord[]>;
  /**
   * Applies a conditional write. Resolves with which starts were written, or undefined when the
   * token moved (another process or client wrote first: nothing written).
   */
  write(req: ScheduleWrite): Promise<boolean[] | undefined>;
  /** Deletes a schedule (its runs are kept); false when it was not there. */
  delete(scheduleId: string): Promise<boolean>;
  /** Schedules whose wake-up time has come (`wakeAtMs <= nowMs`), earliest first. */
  due(nowMs: number, limit: number): Promise<ScheduleRecord[]>;
  /** The earliest wake-up time of all schedules, if any. */
  nextWakeMs(): Promise<number | undefined>;
  /** Calls `listener` after each schedule write made through this store (in this process). */
  onChange(listener: () => void): () => void;
}
