import { EventEmitter } from 'node:events';
import { ActivityContext, runInActivityContext, type ActivityInfo } from '../activity/context.js';
import { CancelledFailure } from '../common/failures.js';
import type { Logger } from '../common/logger.js';

/** Options of a {@link MockActivityEnvironment} besides the activity's info. */
export interface MockActivityOptions {
  /** What `activityContext().heartbeatDetails` gives: the last heartbeat of an earlier attempt. @default undefined */
  heartbeatDetails?: unknown;
  /** The logger behind `activityContext().logger`. @default silent */
  logger?: Logger;
}

/** The info an activity sees in a {@link MockActivityEnvironment} unless told otherwise. */
export const DEFAULT_ACTIVITY_INFO: ActivityInfo = Object.freeze({
  activityType: 'unknown',
  activityId: 'test',
  workflowId: 'test',
  runId: 'test-run',
  workflowType: 'test',
  taskQueue: 'test',
  attempt: 1,
});

/** Events of a {@link MockActivityEnvironment}. */
export interface MockActivityEvents {
  /** The activity called `heartbeat(details)`. */
  heartbeat: [details: unknown];
}

/**
 * Runs an activity function outside a worker with a given attempt and info, as Temporal's
 * `MockActivityEnvironment`: `activityContext()` works inside it, heartbeats are captured (in
 * {@link heartbeats} and as `'heartbeat'` events), and {@link cancel} fires the activity's
 * `AbortSignal`. Nothing is stored and no timeout applies (the test decides when to cancel).
 *
 * @example
 * const env = new MockActivityEnvironment({ attempt: 3 });
 * env.on('heartbeat', (details) => console.log('heartbeat', details));
 * const result = await env.run(download, 'https://example.test/pokedex.json');
 * expect(env.heartbeats).toEqual([{ bytes: 0 }, { bytes: 1024 }]);
 */
export class MockActivityEnvironment extends EventEmitter<MockActivityEvents> {
  /** The details of every heartbeat so far, in order. */
  readonly heartbeats: unknown[] = [];
  /** The context the activity gets from `activityContext()`. */
  readonly context: ActivityContext;
  /** The attempt's info: {@link DEFAULT_ACTIVITY_INFO} with the fields given. */
  readonly info: ActivityInfo;
  private readonly controller = new AbortController();
  private cancelReason: CancelledFailure | undefined;

  /**
   * @param info - fields of the attempt's info to set (e.g. `{ attempt: 3, activityType: 'throwBall' }`).
   * @param options - heartbeat details of an earlier attempt, a logger.
   */
  constructor(info: Partial<ActivityInfo> = {}, options: MockActivityOptions = {}) {
    super();
    this.info = Object.freeze({ ...DEFAULT_ACTIVITY_INFO, ...info });
    this.context = new ActivityContext(
      this.info,
      () => this.controller.signal,
      options.heartbeatDetails,
      (details) => this.heartbeat(details),
      options.logger,
    );
  }

  /** True once {@link cancel} was called. */
  get cancelled(): boolean {
    return this.cancelReason !== undefined;
  }

  /**
   * Runs `fn(...args)` as the attempt and returns its result; rejects with what it throws.
   *
   * @example
   * await expect(env.run(throwBall, 'mewtwo')).rejects.toThrow('it broke free');
   */
  run<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, ...args: A): Promise<R> {
    return runInActivityContext(this.context, async (): Promise<R> => fn(...args));
  }

  /**
   * Asks the activity to stop, as a cancellation of the workflow's activity would: its
   * `AbortSignal` fires (with a `CancelledFailure`) and its next `heartbeat()` throws that failure.
   * The attempt ends only when the function does. A second call does nothing.
   *
   * @param reason - the failure's message. @default 'activity cancelled by the test'
   */
  cancel(reason = 'activity cancelled by the test'): void {
    if (this.cancelReason !== undefined) return;
    this.cancelReason = new CancelledFailure(reason);
    this.controller.abort(this.cancelReason);
  }

  private heartbeat(details: unknown): void {
    if (this.cancelReason !== undefined) throw this.cancelReason;
    this.heartbeats.push(details);
    this.emit('heartbeat', details);
  }
}
