import { AsyncLocalStorage } from 'node:async_hooks';
import { BatonError } from '../common/errors.js';
import { childLogger, silentLogger, type Logger } from '../common/logger.js';

/** What an activity attempt knows about itself, as Temporal's `activity.Info`. */
export interface ActivityInfo {
  readonly activityType: string;
  /** The activity's id within its workflow execution (its command sequence number). */
  readonly activityId: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly taskQueue: string;
  /** Attempt number, starting at 1. */
  readonly attempt: number;
}

/**
 * The context of the running activity attempt, as Temporal's `Context.current()`.
 * Reached from anywhere inside the attempt with {@link activityContext}.
 */
export class ActivityContext {
  private bound: Logger | undefined;

  constructor(
    readonly info: ActivityInfo,
    private readonly getSignal: () => AbortSignal,
    private readonly lastDetails: unknown,
    private readonly onHeartbeat: (details: unknown) => void,
    /** The worker's logger, bound to this attempt's ids on first use of {@link logger}. */
    private readonly baseLogger: Logger = silentLogger,
  ) {}

  /**
   * The worker's logger, every record carrying `workflowId`, `runId`, `activityType` and `attempt`
   * (made on first use).
   *
   * @example
   * activityContext().logger.info('calling the Pokédex', { url });
   */
  get logger(): Logger {
    const { workflowId, runId, activityType, attempt } = this.info;
    return (this.bound ??= childLogger(this.baseLogger, { workflowId, runId, activityType, attempt }));
  }

  /** Fires when the attempt times out, is cancelled, or its worker shuts down. */
  get signal(): AbortSignal {
    return this.getSignal();
  }

  get attempt(): number {
    return this.info.attempt;
  }

  get workflowId(): string {
    return this.info.workflowId;
  }

  get activityType(): string {
    return this.info.activityType;
  }

  /** Details of the last heartbeat of an earlier attempt (undefined on a first attempt). */
  get heartbeatDetails(): unknown {
    return this.lastDetails;
  }

  /**
   * Tells the worker the attempt is alive, resetting its heartbeat timeout, and records
   * `details` (converted and stored) for the next attempt to resume from.
   */
  heartbeat(details?: unknown): void {
    this.onHeartbeat(details);
  }
}

const storage = new AsyncLocalStorage<ActivityContext>();

/** Runs `fn` with `ctx` as the current activity context. */
export function runInActivityContext<T>(ctx: ActivityContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/**
 * The context of the activity attempt this code runs in.
 *
 * @throws BatonError when called outside an activity.
 * @example
 * export async function download(url: string) {
 *   const ctx = activityContext();
 *   ctx.heartbeat({ bytes: 0 });
 *   return fetch(url, { signal: ctx.signal });
 * }
 */
export function activityContext(): ActivityContext {
  const ctx = storage.getStore();
  if (ctx === undefined) throw new BatonError('activityContext() called outside an activity attempt');
  return ctx;
}
