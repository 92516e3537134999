import { LeaseLostError, WorkflowTypeNotRegisteredError } from '../common/errors.js';
import { childLogger, type Logger } from '../common/logger.js';
import type { EventOf } from '../common/history.js';
import { WorkflowRun } from '../runtime/workflow-run.js';
import type { WorkflowDefinition } from '../runtime/definitions.js';
import type { ClaimedExecution, ExecutionWrite, InboxRecord } from '../store/types.js';
import type { ActivityState } from './activity-state.js';
import { ActivityRunner, type ActivityOutcome, type ActivityOwner } from './activity-runner.js';
import { settle, type ClosedStatus, type WorkerServices } from './services.js';
import { reportEnd, type ExecutionEnd } from './execution-end.js';
import { blockTask } from './task-policy.js';
import { openTimers, TimerKeeper } from './timer-keeper.js';
import { HistoryWriter } from './history-writer.js';
import { ChildSender } from './child-sender.js';
import { eventSizeBytes } from '../runtime/continue-as-new.js';
import { workflowDeadline } from './deadline.js';
import { isActivityNews, MailRecorder, type AfterCommit, type Mail } from './mail-recorder.js';
import { dropActivities, handedBackActivities, reopenActivities } from './held-activities.js';

/**
 * One workflow execution held by this worker: its workflow function in memory (no replay on the
 * happy path), its pending activities, and the turns that record new events. A turn delivers
 * events one at a time, collects the commands, commits everything in one fenced write, and only
 * then starts the activities it scheduled.
 */
export class ExecutionHost implements ActivityOwner {
  readonly runId: string;
  readonly workflowId: string;
  readonly workflowType: string;
  private readonly epoch: number;
  private readonly writer: HistoryWriter;
  private readonly started: EventOf<'WorkflowExecutionStarted'>;
  private taskAttempt: number;
  private readonly run: WorkflowRun;
  private readonly runner: ActivityRunner;
  private readonly children: ChildSender;
  private readonly timers: TimerKeeper;
  /** Records each turn's mail as events and translates the commands that follow. */
  private readonly recorder: MailRecorder;
  private readonly activities = new Map<number, ActivityState>();
  private readonly seenInbox = new Set<number>();
  private mail: Mail[] = [];
  private pumping: Promise<void> | undefined;
  private gone = false;
  /** True until {@link start} has replayed and resumed: mail waits, so two turns never overlap. */
  private starting = true;
  /** Set while this host commits its own close, so the store's 'closed' notice is not mistaken. */
  private closing = false;
  private cancelDeadline: (() => void) | undefined;
  private logger: Logger | undefined;

  private constructor(
    private readonly services: WorkerServices,
    private readonly claimed: ClaimedExecution,
  ) {
    const e = claimed.execution;
    this.runId = e.runId;
    this.workflowId = e.workflowId;
    this.workflowType = e.workflowType;
    this.epoch = e.leaseEpoch;
    this.writer = new HistoryWriter(
      services.clock,
      services.converter,
      services.identity,
      e.lastEventId,
      claimed.history.reduce((n, event) => n + eventSizeBytes(event), 0),
    );
    this.taskAttempt = e.taskAttempt;
    const started = claimed.history[0] as EventOf<'WorkflowExecutionStarted'>;
    this.started = started;
    const definition = services.workflow(e.workflowType) ?? this.codeToTimeOut();
    this.run = new WorkflowRun(definition, started, e.runId, {
      converter: services.converter,
      settle,
      logger: services.logger,
      continueAsNewThresholds: services.continueAsNewThresholds,
    });
    this.runner = new ActivityRunner(services, this);
    this.children = new ChildSender(
      services,
      { workflowId: e.workflowId, runId: e.runId, taskQueue: e.taskQueue, epoch: e.leaseEpoch, started },
      (failure) => this.post({ kind: 'sendFailed', failure }),
    );
    // The claimed inbox is delivered by start(); the same rows read again by a poll are not.
    for (const record of claimed.inbox) this.seenInbox.add(record.id);
    this.timers = new TimerKeeper(services.clock, (seq) => this.post({ kind: 'timer', seq }));
    const turn = {
      services,
      writer: this.writer,
      activities: this.activities,
      timers: this.timers,
      runner: this.runner,
      started,
      execution: claimed.execution,
      children: this.children,
    };
    this.recorder = new MailRecorder(turn, this.run);
  }

  /**
   * The definition of a workflow type this worker does not have, when the execution is past its
   * deadline: {@link resume} then closes it TIMED_OUT without running any code, so a stand-in
   * that never runs will do. Otherwise the type's absence blocks the workflow task.
   *
   * @throws WorkflowTypeNotRegisteredError naming the type and the registered ones.
   */
  private codeToTimeOut(): WorkflowDefinition {
    const due = workflowDeadline(this.started);
    if (due !== undefined && due.atMs <= this.services.clock.nowMs())
      return { name: this.workflowType, fn: () => new Promise<never>(() => undefined) };
    throw new WorkflowTypeNotRegisteredError(
      `workflow type '${this.workflowType}' is not registered on this worker (task queue '${this.services.taskQueue}'); registered: ${this.services.workflowTypes().join(', ') || '(none)'}`,
    );
  }

  /**
   * Builds the host of a claimed execution; when its workflow type is not registered here, blocks
   * the workflow task (the error is visible in `describe()`) and returns undefined.
   */
  static async create(
    services: WorkerServices,
    claimed: ClaimedExecution,
  ): Promise<ExecutionHost | undefined> {
    try {
      return new ExecutionHost(services, claimed);
    } catch (err) {
      const due = workflowDeadline(claimed.history[0] as EventOf<'WorkflowExecutionStarted'>);
      await blockTask(services, claimed.execution, claimed.execution.taskAttempt, err as Error, due?.atMs);
      return undefined;
    }
  }

  /** The worker's logger with this execution's workflowId and runId bound (made on first use). */
  get log(): Logger {
    return (this.logger ??= childLogger(this.services.logger, {
      workflowId: this.workflowId,
      runId: this.runId,
    }));
  }

  /** True while the execution is held here. */
  get active(): boolean {
    return !this.gone;
  }

  /** True while a workflow task runs here (the replay of a claim, or a turn) or mail waits for one. */
  get busy(): boolean {
    return !this.gone && (this.starting || this.pumping !== undefined || this.mail.length > 0);
  }

  /** A new inbox message (signal, update, cancel request, activity task news); duplicates are ignored. */
  receive(record: InboxRecord): void {
    if (this.gone || this.seenInbox.has(record.id)) return;
    this.seenInbox.add(record.id);
    if (isActivityNews(record)) this.activityNews(record);
    else this.post({ kind: 'inbox', record });
  }

  /** News of an activity task goes to its activity; news of one that is gone is only consumed. */
  private activityNews(record: InboxRecord): void {
    const state = this.activities.get(Number(record.attrs.seq));
    if (state !== undefined) return this.runner.remote.message(state, record);
    const write = this.bareWrite();
    write.consumedInbox = [record.id];
    void this.commit(write);
  }

  outcome(outcome: ActivityOutcome): void {
    this.post({ kind: 'activity', outcome });
  }

  bareWrite(): ExecutionWrite {
    return {
      runId: this.runId,
      workflowId: this.workflowId,
      workerId: this.services.identity,
      epoch: this.epoch,
      expectedLastEventId: this.writer.lastEventId,
      events: [],
    };
  }

  async commit(write: ExecutionWrite): Promise<boolean> {
    if (this.gone) return false;
    try {
      this.services.commitMeter?.count();
      const links = write.close === undefined ? undefined : this.children.closeLinks();
      if (links !== undefined) write.childLinks = links;
      await this.services.store.commit(write);
      return !this.gone;
    } catch (err) {
      // Fenced: terminated (a client, a reset) or taken by another worker; the row says which.
      if (err instanceof LeaseLostError) this.leave('lease lost', { elsewhere: true });
      else {
        // The write did not happen: hand the execution back (with the error) so that a replay
        // from what is durable takes over, instead of holding a lease nobody works on.
        this.log.error('store write failed; handing the execution back', { error: (err as Error).message });
        void this.block(err instanceof Error ? err : new Error(String(err))).catch(() => undefined);
      }
      return false;
    }
  }

  /**
   * Answers a query once the turns under way (signals accepted before it) are done.
   * @throws QueryNotRegisteredError / QueryFailedError from the workflow's handler
   */
  async query(name: string, args: unknown[]): Promise<unknown> {
    while (this.pumping !== undefined || this.starting) await (this.pumping ?? settle());
    return this.run.query(name, args);
  }

  /** The store says the execution closed: unless this host closed it, stop (e.g. it was terminated). */
  closedElsewhere(): void {
    if (!this.closing) this.leave('closed elsewhere', { elsewhere: true });
  }

  /** The execution was closed or claimed elsewhere: stop everything, write nothing. */
  leave(reason: string, end: ExecutionEnd): void {
    if (this.gone) return;
    this.gone = true;
    this.dropAll(reason);
    this.services.forget(this.runId);
    reportEnd(this.services, this.claimed.execution, end);
  }

  /** Stops every activity attempt and timer of the execution here. */
  private dropAll(reason: string): void {
    dropActivities(this.activities, this.runner, reason);
    this.timers.dropAll();
    this.cancelDeadline?.();
  }

  /** Graceful hand-back on shutdown: waits for the current turn, then releases the lease. */
  async handBack(): Promise<void> {
    await this.pumping;
    if (this.gone) return;
    this.gone = true;
    const notStarted = handedBackActivities(this.activities);
    this.dropAll('worker shutting down');
    await this.services.store.release({
      runId: this.runId,
      taskQueue: this.claimed.execution.taskQueue,
      workerId: this.services.identity,
      epoch: this.epoch,
      readyAtMs: this.services.clock.nowMs(),
      handedBack: notStarted,
    });
    this.services.forget(this.runId);
    reportEnd(this.services, this.claimed.execution, { released: 'handed back' });
  }

  /** Replays the history and resumes the work: new commands, recovered activities, inbox. */
  async start(): Promise<void> {
    try {
      await this.resume();
    } finally {
      this.starting = false;
      if (!this.gone) this.kick();
    }
  }

  private async resume(): Promise<void> {
    const { history, pendingActivities, inbox } = this.claimed;
    if (this.timeOutIfDue(inbox)) return; // past its deadline: no need to run the code again
    await this.run.replay(history);
    if (this.run.taskFailure !== undefined) return this.failTask(this.run.taskFailure, inbox);
    const reopened = reopenActivities(this.services, history, pendingActivities, this.activities);
    if (reopened instanceof Error) return this.failTask(reopened, inbox);
    this.armDeadline();
    for (const timer of openTimers(history))
      this.timers.arm(timer.attrs.seq, timer.eventId, timer.attrs.fireAtMs);
    const write = this.bareWrite();
    const after: AfterCommit[] = [];
    let failure = this.recorder.translate(this.run.takeCommands(), write, after);
    // Mail already waiting joins this first turn: a cancel that came first stops what the code
    // scheduled before anything of it starts.
    if (failure === undefined && write.close === undefined) {
      failure = await this.recorder.deliverAll(
        inbox.filter((r) => !isActivityNews(r)).map((record) => ({ kind: 'inbox', record }) as const),
        write,
        after,
        [],
      );
    }
    if (this.taskAttempt > 0 && failure === undefined) write.clearTaskError = true;
    if (write.events.length > 0 || write.clearTaskError === true) {
      this.closing = write.close !== undefined;
      if (!(await this.commit(write))) return;
    }
    if (failure !== undefined) return this.failTask(failure);
    this.taskAttempt = 0;
    if (write.close !== undefined) return this.leave('closed', { closed: write.close as ClosedStatus });
    for (const run of after) run();
    this.children.recover(history, inbox);
    for (const state of reopened.cancelled) this.runner.requestCancel(state);
    for (const state of reopened.recovered) await this.runner.recover(state);
    for (const record of inbox) if (isActivityNews(record)) this.activityNews(record);
  }

  /** Arms the workflow's execution or run timeout, whichever comes first (at once if past). */
  private armDeadline(): void {
    const due = workflowDeadline(this.started);
    if (due === undefined) return;
    this.cancelDeadline = this.services.clock.setTimer(
      () => this.post({ kind: 'deadline', timeoutType: due.timeoutType }),
      due.atMs - this.services.clock.nowMs(),
    );
  }

  private post(mail: Mail): void {
    if (this.gone) return;
    this.mail.push(mail);
    if (!this.starting) this.kick();
  }

  private kick(): void {
    if (this.mail.length === 0 || this.pumping !== undefined) return;
    this.pumping = this.pump()
      .catch((err: unknown) => this.crashed(err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        this.pumping = undefined;
        // Mail posted after the pump's last look, while it was finishing, is not left behind.
        if (!this.gone && !this.starting) this.kick();
      });
  }

  crashed(error: Error): void {
    this.log.error('unexpected error in a workflow task', { error: error.message });
    void this.block(error).catch((err: unknown) =>
      this.log.error('could not release the execution', { error: String(err) }),
    );
  }

  private async pump(): Promise<void> {
    while (this.mail.length > 0 && !this.gone) {
      const batch = this.mail;
      this.mail = [];
      const write = this.bareWrite();
      const recorded: ActivityOutcome[] = [];
      const after: AfterCommit[] = [];
      const failure = await this.recorder.deliverAll(batch, write, after, recorded);
      this.closing = write.close !== undefined;
      if (!(await this.commit(write))) return;
      this.recorder.announce(recorded);
      if (failure !== undefined) {
        if (this.timeOutIfDue()) continue; // what the failed turn scheduled never starts
        return this.block(failure);
      }
      for (const run of after) run();
      if (write.close !== undefined) return this.leave('closed', { closed: write.close as ClosedStatus });
    }
  }

  /**
   * When the workflow's execution or run deadline has passed, queues its close (TIMED_OUT) as
   * the next turn and returns true: a workflow task that cannot succeed (a bug, a
   * non-determinism, an unregistered activity or workflow type) does not hold the deadline off,
   * as in Temporal.
   */
  private timeOutIfDue(unrecorded?: readonly InboxRecord[]): boolean {
    const due = workflowDeadline(this.started);
    if (this.gone || due === undefined || due.atMs > this.services.clock.nowMs()) return false;
    this.children.markChildren(this.claimed.history); // the close applies the parent close policy
    this.mail.unshift({ kind: 'deadline', timeoutType: due.timeoutType, inbox: unrecorded ?? [] });
    return true;
  }

  /**
   * A workflow task failed: the execution times out if its deadline has passed (recording first
   * the claimed inbox rows in `unrecorded`), else it is blocked.
   */
  private async failTask(error: Error, unrecorded?: readonly InboxRecord[]): Promise<void> {
    if (!this.timeOutIfDue(unrecorded)) await this.block(error);
  }

  private async block(error: Error): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    this.dropAll('workflow task failed');
    try {
      const due = workflowDeadline(this.started);
      await blockTask(this.services, this.claimed.execution, this.taskAttempt, error, due?.atMs);
    } finally {
      // Forgotten even when the release failed: the lease is no longer renewed and expires.
      this.services.forget(this.runId);
      reportEnd(this.services, this.claimed.execution, { released: 'task failed' });
    }
  }
}
