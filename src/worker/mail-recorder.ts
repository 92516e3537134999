import type { HistoryEvent } from '../common/history.js';
import type { Command } from '../runtime/commands.js';
import type { WorkflowRun } from '../runtime/workflow-run.js';
import type { ExecutionWrite, InboxRecord } from '../store/types.js';
import type { ActivityOutcome } from './activity-runner.js';
import type { ChildSendFailure } from './child-sender.js';
import { recordSendFailure } from './child-inbox.js';
import type { DeadlineType } from './deadline.js';
import type { HistoryWriter } from './history-writer.js';
import { recordInbox, type InboxContext } from './inbox-events.js';
import { nextRunAfterRunTimeout } from './workflow-retry.js';
import { translateCommands, type TurnContext } from './translate-commands.js';

/** What reaches an execution held here between two turns; each piece becomes an event of the next. */
export type Mail =
  | { kind: 'activity'; outcome: ActivityOutcome }
  | { kind: 'inbox'; record: InboxRecord }
  | { kind: 'timer'; seq: number }
  /**
   * The workflow's time is up. `inbox`: rows claimed with the execution and not yet recorded,
   * recorded first (signals, cancel requests, child news: the client was told they were
   * accepted); updates among them are left to fail with the close, as no code runs to validate them.
   */
  | { kind: 'deadline'; timeoutType: DeadlineType; inbox?: readonly InboxRecord[] }
  /** A child start, signal or cancel request the store refused. */
  | { kind: 'sendFailed'; failure: ChildSendFailure };

/** Side effects of a turn, run once its write is durable (start an activity, arm a timer). */
export type AfterCommit = () => void;

/** Inbox rows about activity tasks (a worker took an attempt, or reported its end). */
export function isActivityNews(record: InboxRecord): boolean {
  return record.kind === 'activityStarted' || record.kind === 'activityResult';
}

/**
 * The recording half of an execution's turns: it appends the event each piece of mail makes,
 * delivers it to the workflow code, and turns the commands that follow into events and side
 * effects, all into the turn's write. It neither commits nor releases (the host does).
 */
export class MailRecorder {
  private readonly writer: HistoryWriter;
  private readonly inbox: InboxContext;

  constructor(
    private readonly turn: TurnContext,
    private readonly run: WorkflowRun,
  ) {
    this.writer = turn.writer;
    this.inbox = { writer: turn.writer, run, converter: turn.services.converter };
  }

  /** Turns commands of the workflow code into events of `write` (see {@link translateCommands}). */
  translate(commands: Command[], write: ExecutionWrite, after: AfterCommit[]): Error | undefined {
    return translateCommands(this.turn, commands, write, after);
  }

  /**
   * Records and delivers mail one piece at a time, translating the commands each piece leads to
   * right after its event, so the history keeps their order. Stops at a failure or a close.
   */
  async deliverAll(
    batch: readonly Mail[],
    write: ExecutionWrite,
    after: AfterCommit[],
    recorded: ActivityOutcome[],
  ): Promise<Error | undefined> {
    for (const mail of batch) {
      const event = this.record(mail, write);
      if (write.close !== undefined) return undefined;
      if (event === undefined) continue;
      if (mail.kind === 'activity') recorded.push(mail.outcome);
      await this.run.deliver(event, this.writer.sizeBytes);
      const failure = this.run.taskFailure ?? this.translate(this.run.takeCommands(), write, after);
      if (failure !== undefined || write.close !== undefined) return failure;
    }
    return undefined;
  }

  /** Tells the `onActivityRecorded` hook of the activity outcomes a committed turn recorded. */
  announce(recorded: ActivityOutcome[]): void {
    const hooks = this.turn.services.hooks;
    if (hooks.onActivityRecorded === undefined) return;
    for (const o of recorded) {
      hooks.onActivityRecorded({
        workflowId: this.turn.execution.workflowId,
        runId: this.turn.execution.runId,
        activityType: o.state.record.activityType,
        activityId: String(o.state.record.seq),
        eventType: o.eventType,
      });
    }
  }

  /** Appends the event a piece of mail makes; undefined when there is none (a cancelled timer). */
  private record(mail: Mail, write: ExecutionWrite): HistoryEvent | undefined {
    switch (mail.kind) {
      case 'activity':
        return this.recordOutcome(mail.outcome, write);
      case 'inbox':
        return recordInbox(this.inbox, mail.record, write);
      case 'sendFailed':
        return recordSendFailure(this.writer, mail.failure, write);
      case 'deadline': {
        // The workflow's time is up: it closes TIMED_OUT without running its code again.
        for (const record of mail.inbox ?? [])
          if (record.kind !== 'update' && !isActivityNews(record)) recordInbox(this.inbox, record, write);
        const { services, started, execution } = this.turn;
        const next =
          mail.timeoutType === 'workflowRunTimeout'
            ? nextRunAfterRunTimeout(services, started, execution)
            : undefined;
        const event = this.writer.event('WorkflowExecutionTimedOut', {
          timeoutType: mail.timeoutType,
          ...(next === undefined
            ? {}
            : { retryState: 'IN_PROGRESS' as const, newExecutionRunId: next.runId }),
        });
        if (next !== undefined) write.nextRun = next;
        write.events.push(event);
        write.close = 'TIMED_OUT';
        write.clearTaskError = true; // a task that kept failing is no longer what describe() shows
        return undefined;
      }
      case 'timer': {
        const startedEventId = this.turn.timers.disarm(mail.seq);
        if (startedEventId === undefined) return undefined;
        const event = this.writer.event('TimerFired', { seq: mail.seq, startedEventId });
        write.events.push(event);
        return event;
      }
    }
  }

  private recordOutcome(o: ActivityOutcome, write: ExecutionWrite): HistoryEvent {
    const r = o.state.record;
    this.turn.activities.delete(r.seq);
    if (o.state.persisted) (write.deleteActivities ??= []).push(r.seq);
    if (o.state.consumeInbox.length > 0) (write.consumedInbox ??= []).push(...o.state.consumeInbox.splice(0));
    const [started, outcome] = this.writer.activityOutcome(o);
    write.events.push(started, outcome);
    return outcome;
  }
}
