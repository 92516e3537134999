import type { Clock } from '../common/clock.js';
import type { DataConverter } from '../common/converter.js';
import { ApplicationFailure, failureType } from '../common/failures.js';
import type { Logger } from '../common/logger.js';
import { decideRetry, type ResolvedRetryPolicy } from '../common/retry-policy.js';
import type { Delivery, DeliveryError, GroupConsumer, TopicBroker } from './broker.js';
import { withCorrelationId } from './correlation.js';
import type { EventHandler, EventInfo, Subscription } from './events.js';

/** A subscription's options, resolved and checked. */
export interface ResolvedSubscription {
  topic: string;
  group: string;
  handler: EventHandler<unknown>;
  concurrency: number;
  retry: ResolvedRetryPolicy;
  deadLetterTopic: string | undefined;
  leaseMs: number;
  consumerId: string;
  /** A handler running longer fails its attempt (its signal fires). */
  handlerTimeoutMs: number | undefined;
  /** How long close() waits for running handlers before leaving their events to their lease. */
  closeGraceMs: number;
}

/** What a subscription needs from its `Topics`. */
export interface SubscriptionServices {
  broker: TopicBroker;
  converter: DataConverter;
  clock: Clock;
  logger: Logger;
}

/** How long one fetch waits for deliveries before the loop looks at its state again. */
const FETCH_WAIT_MS = 1000;
/** Pause after a broker error before fetching again. */
const ERROR_PAUSE_MS = 500;

function deliveryError(err: unknown): DeliveryError {
  let message: string;
  try {
    message = err instanceof Error ? err.message : String(err);
  } catch {
    message = Object.prototype.toString.call(err);
  }
  return { type: failureType(err), message };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * One member of a consumer group: fetches deliveries, runs the handler on at most `concurrency`
 * of them at once, then acks, retries under the retry policy (Temporal's formula) or dead-letters.
 */
export class SubscriptionRunner implements Subscription {
  readonly ready: Promise<void>;
  private readonly running: Promise<void>;
  private consumer: GroupConsumer | undefined;
  private closed = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Abandons each running handler (its signal fires, its lease is no longer extended). */
  private readonly stops = new Set<() => void>();

  constructor(
    private readonly services: SubscriptionServices,
    private readonly options: ResolvedSubscription,
  ) {
    const { topic, group, leaseMs, consumerId } = options;
    this.ready = services.broker.consumer(topic, group, { leaseMs, consumerId }).then((c) => {
      this.consumer = c;
    });
    this.running = this.ready.then(
      () => this.loop(),
      (error: unknown) => {
        services.logger.error(`topic ${topic}: group ${group} could not subscribe`, { error });
      },
    );
  }

  get topic(): string {
    return this.options.topic;
  }

  get group(): string {
    return this.options.group;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.ready.catch(() => undefined);
    await this.consumer?.close();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.closeGraceMs)));
    await Promise.race([this.running, grace]);
    clearTimeout(timer);
    // Handlers still running are told to stop; their events go to another member after the lease.
    for (const stop of this.stops) stop();
  }

  private async loop(): Promise<void> {
    const consumer = this.consumer!;
    while (!this.closed) {
      const free = this.options.concurrency - this.inFlight.size;
      if (free <= 0) {
        await Promise.race(this.inFlight);
        continue;
      }
      let deliveries: Delivery[];
      try {
        deliveries = await consumer.fetch(free, FETCH_WAIT_MS);
      } catch (error) {
        if (this.closed) break;
        this.services.logger.warn(`topic ${this.topic}: fetch for group ${this.group} failed`, { error });
        await sleep(ERROR_PAUSE_MS);
        continue;
      }
      for (const d of deliveries) {
        const p: Promise<void> = this.handle(consumer, d).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
    }
    await Promise.all(this.inFlight);
  }

  /** Runs the handler on one delivery and settles it; never rejects. */
  private async handle(consumer: GroupConsumer, d: Delivery): Promise<void> {
    const { retry, leaseMs } = this.options;
    if (retry.maximumAttempts !== 0 && d.attempt > retry.maximumAttempts) {
      // Earlier attempts were lost with their consumer (their lease ran out) and used up the policy.
      const lost = new Error(`attempt ${d.attempt - 1} was lost with its consumer (its lease ran out)`);
      return this.settleFailure(consumer, d, Object.assign(lost, { name: 'AttemptLost' }));
    }
    const abort = new AbortController();
    let abandoned = false;
    const stop = (): void => {
      abandoned = true;
      abort.abort(new Error('the subscription was closed'));
    };
    this.stops.add(stop);
    const keepLease = setInterval(
      () => {
        if (abandoned) return;
        consumer.extendLease(d).catch((error: unknown) => {
          this.services.logger.warn(`topic ${d.topic}: could not extend a lease`, { error, id: d.id });
        });
      },
      Math.max(10, Math.floor(leaseMs / 3)),
    );
    try {
      await this.runHandler(d, abort);
      clearInterval(keepLease);
      if (!abandoned) await consumer.ack(d);
    } catch (error) {
      clearInterval(keepLease);
      if (!abandoned) await this.settleFailure(consumer, d, error);
    } finally {
      clearInterval(keepLease);
      this.stops.delete(stop);
    }
  }

  /** Decodes the event and runs the handler, within its timeout. */
  private async runHandler(d: Delivery, abort: AbortController): Promise<void> {
    let event: unknown;
    try {
      event = this.services.converter.fromPayload(d.data);
    } catch (error) {
      throw ApplicationFailure.nonRetryable(
        `the event could not be decoded: ${error instanceof Error ? error.message : String(error)}`,
        'EventDecodeError',
      );
    }
    const { handler, handlerTimeoutMs } = this.options;
    const run = withCorrelationId(d.correlationId, () => handler(event, this.info(d, abort.signal)));
    if (handlerTimeoutMs === undefined) return run;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const failure = Object.assign(
          new Error(`the handler ran over its timeout of ${handlerTimeoutMs} ms`),
          {
            name: 'HandlerTimeout',
          },
        );
        abort.abort(failure);
        reject(failure);
      }, handlerTimeoutMs);
    });
    try {
      await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async settleFailure(consumer: GroupConsumer, d: Delivery, error: unknown): Promise<void> {
    const { retry, deadLetterTopic } = this.options;
    const decision = decideRetry(retry, d.attempt, error, this.services.clock.nowMs(), undefined);
    const info = deliveryError(error);
    try {
      if (decision.retry) {
        await consumer.retry(d, decision.delayMs, info);
        return;
      }
      this.services.logger.warn(
        `topic ${d.topic}: group ${d.group} gave up on event ${d.id} after ${d.attempt} attempt(s)` +
          (deadLetterTopic === undefined
            ? '; it is dropped (no deadLetterTopic)'
            : `; dead-lettered to ${deadLetterTopic}`),
        { error: info },
      );
      await consumer.deadLetter(d, deadLetterTopic, info);
    } catch (settleError) {
      // The delivery stays leased and is handed out again when its lease runs out.
      this.services.logger.warn(`topic ${d.topic}: could not settle event ${d.id}`, { error: settleError });
    }
  }

  private info(d: Delivery, signal: AbortSignal): EventInfo {
    return {
      signal,
      id: d.id,
      topic: d.topic,
      group: d.group,
      attempt: d.attempt,
      correlationId: d.correlationId,
      key: d.key,
      seq: d.seq,
      publishedAt: new Date(d.publishedAtMs),
      deadLetter: d.deadLetter,
    };
  }
}
