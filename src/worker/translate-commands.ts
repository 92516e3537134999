import type { EventOf } from '../common/history.js';
import type { Command } from '../runtime/commands.js';
import type { ExecutionRecord, ExecutionWrite } from '../store/types.js';
import type { ActivityRunner } from './activity-runner.js';
import { newActivityState, type ActivityState } from './activity-state.js';
import { CLOSE_STATUS, type HistoryWriter } from './history-writer.js';
import type { WorkerServices } from './services.js';
import { checkActivityRoute, isActivityTask } from './task-policy.js';
import type { TimerKeeper } from './timer-keeper.js';
import { nextRunAfterFailure } from './workflow-retry.js';
import { recordContinueAsNew } from './continue-as-new.js';
import { translateChildCommand } from './child-commands.js';
import type { ChildSender } from './child-sender.js';
import { isChildCommand } from '../runtime/child-commands.js';

/** What turning a turn's commands into events needs from the execution held here. */
export interface TurnContext {
  readonly services: WorkerServices;
  readonly writer: HistoryWriter;
  readonly activities: Map<number, ActivityState>;
  readonly timers: TimerKeeper;
  readonly runner: ActivityRunner;
  readonly started: EventOf<'WorkflowExecutionStarted'>;
  readonly execution: ExecutionRecord;
  /** Sends what child workflow commands ask for, once durable (worker/child-sender.ts). */
  readonly children: ChildSender;
}

/**
 * Turns a turn's commands into history events and the side effects to run once they are durable
 * (`after`: start an activity, arm a timer, ask an activity to stop). On a command this worker
 * cannot carry out (an unknown activity), nothing of the commands is kept and the error returned.
 */
export function translateCommands(
  t: TurnContext,
  commands: Command[],
  write: ExecutionWrite,
  after: (() => void)[],
): Error | undefined {
  const markEvents = write.events.length;
  const markId = t.writer.lastEventId;
  const scheduled: number[] = [];
  for (const c of commands) {
    if (c.kind === 'startTimer') {
      const event = t.writer.event('TimerStarted', {
        seq: c.seq,
        durationMs: c.durationMs,
        fireAtMs: c.fireAtMs,
      });
      write.events.push(event);
      t.timers.plan(c.seq, event.eventId);
      after.push(() => t.timers.armPlanned(c.seq, event.eventId, c.fireAtMs));
    } else if (c.kind === 'requestCancelActivity') {
      const state = t.activities.get(c.seq);
      const scheduledEventId = state?.record.scheduledEventId ?? 0;
      write.events.push(t.writer.event('ActivityTaskCancelRequested', { seq: c.seq, scheduledEventId }));
      if (state !== undefined) after.push(() => t.runner.requestCancel(state));
    } else if (c.kind === 'upsertSearchAttributes') {
      write.events.push(
        t.writer.event('UpsertWorkflowSearchAttributes', {
          seq: c.seq,
          searchAttributes: c.searchAttributes,
        }),
      );
      write.searchAttributes = { ...write.searchAttributes, ...c.searchAttributes };
    } else if (c.kind === 'recordMarker') {
      write.events.push(
        t.writer.event(
          'MarkerRecorded',
          {
            seq: c.seq,
            markerName: c.markerName,
            ...(c.patchId !== undefined && { patchId: c.patchId }),
            ...(c.deprecated === true && { deprecated: true }),
          },
          c.payload,
        ),
      );
    } else if (c.kind === 'completeUpdate') {
      write.events.push(
        t.writer.event(
          'WorkflowExecutionUpdateCompleted',
          { updateId: c.updateId, failed: c.failed },
          c.payload,
        ),
      );
      (write.updates ??= []).push({
        updateId: c.updateId,
        stage: 'COMPLETED',
        outcome: c.payload,
        failed: c.failed,
      });
    } else if (c.kind === 'cancelTimer') {
      const startedEventId = t.timers.disarm(c.seq) ?? 0;
      write.events.push(t.writer.event('TimerCanceled', { seq: c.seq, startedEventId }));
    } else if (c.kind === 'scheduleActivity') {
      const problem = checkActivityRoute(t.services, c.activityType, c.options.taskQueue);
      if (problem !== undefined) {
        write.events.length = markEvents;
        t.writer.lastEventId = markId;
        for (const seq of scheduled) t.activities.delete(seq);
        after.length = 0;
        return problem;
      }
      const event = t.writer.event(
        'ActivityTaskScheduled',
        { seq: c.seq, activityType: c.activityType, options: c.options },
        c.payload,
      );
      const now = event.timeMs;
      const record = {
        seq: c.seq,
        activityType: c.activityType,
        scheduledEventId: event.eventId,
        attempt: 1,
        firstScheduledMs: now,
        nextAttemptMs: now,
        lastFailure: undefined,
        heartbeatDetails: undefined,
        handedBack: false,
      };
      write.events.push(event);
      // An activity task's first attempt is durable with the event, for a worker of its queue to claim.
      const remote = isActivityTask(t.services, c.activityType, c.options.taskQueue);
      if (remote) (write.upsertActivities ??= []).push({ ...record, taskQueue: c.options.taskQueue! });
      const state = newActivityState(
        remote ? { ...record, taskQueue: c.options.taskQueue! } : record,
        c.options,
        c.payload,
        remote,
      );
      t.activities.set(c.seq, state);
      scheduled.push(c.seq);
      after.push(() => t.runner.schedule(state));
    } else if (isChildCommand(c)) {
      translateChildCommand(t, c, write, after);
    } else if (c.kind === 'continueAsNew') {
      recordContinueAsNew(t, c, write);
    } else {
      const nextRun =
        c.kind === 'failWorkflow'
          ? nextRunAfterFailure(t.services, t.started, c.payload, t.execution)
          : undefined;
      write.events.push(t.writer.close(c, nextRun?.runId));
      write.close = CLOSE_STATUS[c.kind];
      if (nextRun !== undefined) write.nextRun = nextRun;
    }
  }
  return undefined;
}
