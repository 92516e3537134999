import { Baton, type BatonOptions } from '../baton.js';
import type { Client } from '../client/client.js';
import { WorkflowHandle } from '../client/handle.js';
import { durationMs, type Duration } from '../common/duration.js';
import { BatonError, ValidationError } from '../common/errors.js';
import { combineHooks } from '../worker/combine-hooks.js';
import type { WorkerOptions } from '../worker/options.js';
import type { Worker } from '../worker/worker.js';
import { TimeSkipper } from './time-skipper.js';
import { TimeSkippingClock } from './time-skipping-clock.js';

/** Options of {@link TestWorkflowEnvironment.createTimeSkipping}. */
export interface TimeSkippingEnvironmentOptions extends Pick<
  BatonOptions,
  'dataConverter' | 'logger' | 'queryTimeout' | 'topics' | 'hooks' | 'tracing'
> {
  /** The test clock's time when the environment opens, as a `Date` or epoch ms. @default the machine's time */
  startTime?: Date | number;
}

/**
 * A Baton for tests, as Temporal's `TestWorkflowEnvironment.createTimeSkipping()`: an in-memory
 * store (`sqlite::memory:`, nothing written to disk, nothing downloaded) and a clock that skips.
 *
 * Time runs as the machine's and also jumps: while a result is awaited through {@link client}
 * (`execute()`, a handle's `result()`), and during {@link sleep}, the clock jumps to the next due
 * timer (a durable timer, an activity retry back-off, an activity or workflow timeout) whenever
 * nothing else can happen: no activity function running, no workflow task running or due, no timer
 * due. So `ctx.sleep('30d')` passes in milliseconds, while an activity that takes 200 ms of real
 * time still takes them, and a timer racing it does not fire early. See `docs/testing.md` for what
 * is and is not skipped.
 *
 * @example
 * const env = await TestWorkflowEnvironment.createTimeSkipping();
 * env.worker({ taskQueue: 'test', workflows: [reminder], activities: { notify } });
 * const result = await env.client.execute(reminder, { taskQueue: 'test', args: ['30d'] });
 * await env.close();
 */
export class TestWorkflowEnvironment {
  /** The client, with `execute()` and handles' `result()` skipping time while they wait. */
  readonly client: Client;
  private readonly skipper: TimeSkipper;
  private readonly workers: Worker[] = [];
  private readonly running: Promise<void>[] = [];
  private closed: Promise<void> | undefined;

  private constructor(
    /** The engine underneath (its own `client` does not skip time). */
    readonly baton: Baton,
    /** The clock of the engine, which {@link sleep} and awaited results move. */
    readonly clock: TimeSkippingClock,
  ) {
    this.skipper = new TimeSkipper(clock, baton.store, () => this.workers);
    this.client = skippingClient(baton.client, this.skipper);
  }

  /**
   * Opens a test environment on a fresh in-memory store with a time-skipping clock.
   *
   * @throws ValidationError for a bad `startTime` or bad Baton options.
   */
  static async createTimeSkipping(
    options: TimeSkippingEnvironmentOptions = {},
  ): Promise<TestWorkflowEnvironment> {
    const { startTime, ...batonOptions } = options;
    const startMs = startTime instanceof Date ? startTime.getTime() : startTime;
    if (startMs !== undefined && !Number.isFinite(startMs))
      throw new ValidationError(`startTime: expected a Date or epoch ms, got ${String(startTime)}`);
    const clock = new TimeSkippingClock(startMs);
    const baton = await Baton.open('sqlite::memory:', { ...batonOptions, clock });
    return new TestWorkflowEnvironment(baton, clock);
  }

  /**
   * Makes a worker on the environment and runs it at once; {@link close} shuts it down. Its
   * activities are counted while they run (time does not skip meanwhile).
   *
   * @throws ValidationError for bad options; BatonError once the environment is closed.
   * @example
   * env.worker({ taskQueue: 'test', workflows: [capture], activities: { throwBall } });
   */
  worker(options: WorkerOptions): Worker {
    if (this.closed !== undefined) throw new BatonError('worker(): the test environment is closed');
    const worker = this.baton.worker({
      ...options,
      activities: this.skipper.countActivities(options.activities ?? {}),
      hooks: combineHooks(this.skipper.hooks, options.hooks),
    });
    this.workers.push(worker);
    this.running.push(worker.run());
    return worker;
  }

  /** The environment's time, epoch ms (the machine's time plus everything skipped). */
  now(): number {
    return this.clock.peekMs();
  }

  /**
   * Lets `duration` pass on the environment's clock, skipping it: once nothing else can happen, the
   * clock jumps to each timer due before the end in turn (so what it starts runs at its time), then
   * to the end. Work in progress (a running activity) is waited for in real time.
   *
   * @param duration - ms or a string such as `'1h'`.
   * @throws ValidationError for a bad duration.
   * @example
   * await env.sleep('1d'); // a workflow's one-day timer has fired
   */
  async sleep(duration: Duration): Promise<void> {
    await this.skipper.sleep(durationMs(duration, 'duration'));
  }

  /** Shuts the workers down (gracefully), closes the engine and the in-memory store, stops the clock. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.skipper.close();
      await this.baton.close();
      await Promise.allSettled(this.running);
      this.clock.clear();
    })();
    return this.closed;
  }
}

/** The client, with `execute()` and the `result()` of every handle it gives skipping time. */
function skippingClient(client: Client, skipper: TimeSkipper): Client {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'execute')
        return (...args: unknown[]) => skipper.whileAwaiting(method.apply(target, args) as Promise<unknown>);
      return (...args: unknown[]) => skippingHandles(method.apply(target, args), skipper);
    },
  });
}

/** A handle whose `result()` skips time (and whose methods giving handles give such handles). */
function skippingHandle<R>(handle: WorkflowHandle<R>, skipper: TimeSkipper): WorkflowHandle<R> {
  return new Proxy(handle, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property === 'result')
        return (...args: unknown[]) => skipper.whileAwaiting(method.apply(target, args) as Promise<unknown>);
      return (...args: unknown[]) => skippingHandles(method.apply(target, args), skipper);
    },
  });
}

/** `value` with any handle in it (or promised by it) made a skipping one. */
function skippingHandles(value: unknown, skipper: TimeSkipper): unknown {
  if (value instanceof WorkflowHandle) return skippingHandle(value, skipper);
  if (value instanceof Promise)
    return value.then((v: unknown) => (v instanceof WorkflowHandle ? skippingHandle(v, skipper) : v));
  return value;
}
