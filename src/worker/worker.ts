import type { Clock } from '../common/clock.js';
import type { DataConverter } from '../common/converter.js';
import { workerIdentity, newId } from '../common/ids.js';
import type { Logger } from '../common/logger.js';
import type { WorkflowDefinition } from '../runtime/definitions.js';
import type { Store, StoreNotice } from '../store/types.js';
import { ExecutionHost } from './execution-host.js';
import { resolveWorkerOptions, type ResolvedWorkerOptions, type WorkerOptions } from './options.js';
import { Semaphore } from './semaphore.js';
import { answerQueries } from './query-answerer.js';
import { ActivityTaskPoller } from './activity-task-poller.js';
import { RateLimiter } from './rate-limiter.js';
import type { WorkerServices } from './services.js';
import { CommitMeter } from './commit-meter.js';
import { takenEvent } from './claim-facts.js';
import { startScheduler } from './scheduler.js';
import { watchUnhandledRejections } from '../runtime/unhandled-rejections.js';

/** What a worker gets from the engine that made it. */
export interface WorkerDeps {
  store: Store;
  converter: DataConverter;
  clock: Clock;
  logger: Logger;
}

/**
 * A worker: polls one task queue, holds the executions it claims in memory (replaying them only
 * after a crash, lease loss or eviction), and runs their activities. As Temporal's `Worker`.
 *
 * @example
 * const worker = baton.worker({ taskQueue: 'capture', workflows: [capturePokemon], activities });
 * const running = worker.run();
 * // …
 * await worker.shutdown();
 * await running;
 */
export class Worker implements WorkerServices {
  readonly identity: string;
  readonly taskQueue: string;
  readonly options: ResolvedWorkerOptions;
  private readonly workflows = new Map<string, WorkflowDefinition>();
  private readonly hosts = new Map<string, ExecutionHost>();
  private readonly slots: Semaphore;
  private state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  private poke: (() => void) | undefined;
  /** Set when work was announced while the poll loop was busy, so it polls again at once. */
  private poked = false;
  private answering = false;
  private answerAgain = false;
  private stopped: Promise<void> | undefined;
  /** Resolves once run()'s poll loop and task poller have ended (nothing of it touches the store). */
  private loopEnded: Promise<void> = Promise.resolve();
  /** Runs activity tasks of this worker's task queue (when it has activities and the store has tasks). */
  private readonly taskPoller: ActivityTaskPoller | undefined;
  private readonly startRate: RateLimiter | undefined;
  readonly commitMeter: CommitMeter | undefined;

  constructor(
    private readonly deps: WorkerDeps,
    options: WorkerOptions,
  ) {
    this.options = resolveWorkerOptions(options);
    this.taskQueue = this.options.taskQueue;
    this.identity = workerIdentity(`${this.options.identity}-${newId().slice(0, 8)}`);
    for (const w of this.options.workflows) this.workflows.set(w.name, w);
    this.slots = new Semaphore(this.options.maxConcurrentActivities);
    const perSecond = this.options.maxActivitiesPerSecond;
    this.startRate = perSecond === undefined ? undefined : new RateLimiter(perSecond, deps.clock);
    const hooks = this.options.hooks;
    this.commitMeter = hooks.onGroupCommit === undefined ? undefined : new CommitMeter(hooks);
    if (Object.keys(this.options.activities).length > 0) {
      this.taskPoller = new ActivityTaskPoller({
        services: this,
        tasks: deps.store.activityTasks,
        pollIntervalMs: this.options.pollIntervalMs,
        tryAcquireSlot: () => this.slots.tryAcquire(),
        rateLimited: this.startRate !== undefined,
      });
    }
  }

  get store(): Store {
    return this.deps.store;
  }
  get converter(): DataConverter {
    return this.deps.converter;
  }
  get clock(): Clock {
    return this.deps.clock;
  }
  get logger(): Logger {
    return this.options.logger ?? this.deps.logger;
  }
  get hooks() {
    return this.options.hooks;
  }
  get activities() {
    return this.options.activities;
  }
  get continueAsNewThresholds() {
    return this.options.continueAsNewThresholds;
  }
  get stopping(): boolean {
    return this.state !== 'running';
  }

  workflow(type: string): WorkflowDefinition | undefined {
    return this.workflows.get(type);
  }

  workflowTypes(): string[] {
    return [...this.workflows.keys()];
  }

  acquireActivitySlot(): Promise<() => void> {
    return this.slots.acquire();
  }

  activityStartPermit(): Promise<void> | undefined {
    return this.startRate?.take();
  }

  forget(runId: string): void {
    this.hosts.delete(runId);
    this.wake();
  }

  /** Makes the poll loop poll now, or right after the poll it is doing. */
  private wake(): void {
    if (this.poke !== undefined) this.poke();
    else this.poked = true;
  }

  /** Executions held in memory now. */
  get heldExecutions(): number {
    return this.hosts.size;
  }

  /** Held executions running a workflow task now (see `baton/testing`, which skips time only at 0). */
  get busyExecutions(): number {
    let busy = 0;
    for (const host of this.hosts.values()) if (host.busy) busy++;
    return busy;
  }

  /**
   * Polls and works until {@link shutdown}; resolves once the worker has shut down.
   *
   * @throws BatonError when called twice.
   */
  async run(): Promise<void> {
    if (this.state !== 'new') throw new Error(`worker.run() called on a worker that is ${this.state}`);
    this.state = 'running';
    const unwatch = watchUnhandledRejections(); // a floating promise in workflow code fails its task
    try {
      await this.work();
    } finally {
      unwatch();
    }
  }

  private async work(): Promise<void> {
    const unsubscribe = this.store.subscribe((n) => this.onNotice(n));
    // On the injected clock, as lease expiry is judged: a faster test clock renews faster too.
    let stopRenewing = (): void => {};
    const renewEvery = (): void => {
      stopRenewing = this.clock.setTimer(
        () => {
          void this.renew();
          renewEvery();
        },
        this.options.leaseMs / 3,
        'lease',
      );
    };
    renewEvery();
    const tasks = this.taskPoller?.run();
    const leaveScheduler = startScheduler({ ...this.deps, logger: this.logger }); // schedules (client.schedule)
    let ended!: () => void;
    this.loopEnded = new Promise((resolve) => (ended = resolve));
    try {
      await this.pollLoop();
    } finally {
      stopRenewing();
      await tasks;
      await leaveScheduler();
      unsubscribe();
      ended();
    }
    await this.stopped;
  }

  /**
   * Graceful shutdown: stops claiming, lets running attempts finish within the grace time, then
   * hands every held execution back (lease released) so another worker can take it at once.
   * Resolves once the worker no longer uses the store (its poll loop has ended too).
   */
  async shutdown(): Promise<void> {
    if (this.state === 'new') this.state = 'stopped';
    if (this.state === 'running') {
      this.state = 'stopping';
      this.stopped = this.drain();
      this.poke?.();
      this.taskPoller?.wake();
    }
    await this.stopped;
    await this.loopEnded;
  }

  private async drain(): Promise<void> {
    await this.slots.idle(this.options.shutdownGraceMs);
    this.taskPoller?.abortAll();
    await Promise.all([...this.hosts.values()].map((h) => h.handBack()));
    this.state = 'stopped';
  }

  private async pollLoop(): Promise<void> {
    let first = true;
    while (this.state === 'running') {
      const free = this.options.maxConcurrentWorkflows - this.hosts.size;
      let claimedCount = 0;
      const limit = Math.min(free, 256);
      try {
        if (limit > 0) claimedCount = await this.claim(limit, first);
        first = false;
        await this.deliverInbox();
        await this.answer();
      } catch (err) {
        this.logger.error('worker poll failed', { error: (err as Error).message });
      }
      if (this.state !== 'running') break;
      if (claimedCount > 0 && claimedCount === limit) continue;
      if (this.poked) {
        this.poked = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const cancel = this.clock.setTimer(() => wake(), this.options.pollIntervalMs, 'poll');
        const wake = (): void => {
          cancel();
          this.poke = undefined;
          resolve();
        };
        this.poke = wake;
      });
    }
  }

  private async claim(limit: number, includeBlocked: boolean): Promise<number> {
    const nowMs = this.clock.nowMs();
    const claimed = await this.store.claimExecutions({
      taskQueue: this.taskQueue,
      workerId: this.identity,
      leaseMs: this.options.leaseMs,
      limit,
      nowMs,
      includeBlocked,
    });
    for (const c of claimed) {
      const host = await ExecutionHost.create(this, c);
      if (host === undefined) continue;
      this.hosts.set(host.runId, host);
      host.start().catch((err: unknown) => host.crashed(err instanceof Error ? err : new Error(String(err))));
      // After start(): it has only begun its replay (its first writes come in a later turn).
      this.options.hooks.onWorkflowTaken?.(takenEvent(c, nowMs));
    }
    return claimed.length;
  }

  /** Answers waiting queries; one pass at a time, another pass if asked meanwhile. */
  private async answer(): Promise<void> {
    if (this.answering) {
      this.answerAgain = true;
      return;
    }
    this.answering = true;
    try {
      do {
        this.answerAgain = false;
        await answerQueries(this, this.hosts, () => this.deliverInbox());
      } while (this.answerAgain);
    } catch (err) {
      this.logger.error('answering queries failed', { error: (err as Error).message });
    } finally {
      this.answering = false;
    }
  }

  private async deliverInbox(): Promise<void> {
    if (this.hosts.size === 0) return;
    for (const record of await this.store.inboxFor(this.identity))
      this.hosts.get(record.runId)?.receive(record);
  }

  private async renew(): Promise<void> {
    if (this.hosts.size === 0) return;
    try {
      const held = [...this.hosts.keys()];
      const renewed = new Set(
        await this.store.renewLeases(this.identity, held, this.options.leaseMs, this.clock.nowMs()),
      );
      // Not renewed: terminated (perhaps by another process) or claimed elsewhere.
      for (const runId of held) if (!renewed.has(runId)) this.hosts.get(runId)?.closedElsewhere();
    } catch (err) {
      this.logger.error('lease renewal failed', { error: (err as Error).message });
    }
  }

  private onNotice(notice: StoreNotice): void {
    switch (notice.kind) {
      case 'task':
        if (notice.taskQueue === this.taskQueue) this.wake();
        return;
      case 'inbox':
        if (this.hosts.has(notice.runId)) void this.deliverInbox().catch(() => undefined);
        return;
      case 'query':
        if (this.state === 'running') void this.answer();
        return;
      case 'answered':
        return;
      case 'activityTask':
        if (notice.taskQueue === this.taskQueue) this.taskPoller?.wake();
        return;
      case 'closed':
        this.hosts.get(notice.runId)?.closedElsewhere();
        return;
    }
  }
}
