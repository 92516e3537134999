import type { ResolvedActivityOptions } from '../common/activity-options.js';
import type { Payload } from '../common/converter.js';

/**
 * What workflow code asks the engine to do. The worker turns commands into history events and
 * side effects, once the events are durable.
 */
export type Command =
  | {
      kind: 'scheduleActivity';
      /** Sequence number, taken synchronously when the code made the call. */
      seq: number;
      activityType: string;
      options: ResolvedActivityOptions;
      /** The encoded argument list. */
      payload: Payload;
    }
  | {
      kind: 'startTimer';
      seq: number;
      durationMs: number;
      /** Due time: the time of the event being processed plus the duration (deterministic). */
      fireAtMs: number;
    }
  | { kind: 'cancelTimer'; seq: number }
  /** Asks the activity to stop (TRY_CANCEL and WAIT_CANCELLATION_COMPLETED). */
  | { kind: 'requestCancelActivity'; seq: number }
  | { kind: 'completeUpdate'; updateId: string; payload: Payload; failed: boolean }
  | {
      kind: 'upsertSearchAttributes';
      seq: number;
      searchAttributes: Record<string, string | number | boolean>;
    }
  | {
      kind: 'recordMarker';
      seq: number;
      markerName: string;
      /** The encoded details. */
      payload: Payload;
    }
  | { kind: 'completeWorkflow'; payload: Payload }
  | { kind: 'failWorkflow'; payload: Payload }
  | { kind: 'cancelWorkflow' };
