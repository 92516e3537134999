import type { ResolvedActivityOptions } from '../common/activity-options.js';
import type { Payload } from '../common/converter.js';
import type { ChildCommand } from './child-commands.js';

/**
 * What workflow code asks the engine to do. The worker turns commands into history events and
 * side effects, once the events are durable.
 */
export type Command =
  | ChildCommand
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
      /** Set on a patch marker (seq 0), see `runtime/patches.ts`. */
      patchId?: string;
      deprecated?: boolean;
    }
  | { kind: 'completeWorkflow'; payload: Payload }
  | { kind: 'failWorkflow'; payload: Payload }
  /** Closes the run and starts the next one (see `runtime/continue-as-new.ts`). */
  | {
      kind: 'continueAsNew';
      workflowType: string;
      taskQueue: string;
      /** The new run's encoded argument list. */
      payload: Payload;
      /** The new run's encoded memo; absent: the current memo is kept. */
      memo?: Payload;
    }
  | { kind: 'cancelWorkflow' };
