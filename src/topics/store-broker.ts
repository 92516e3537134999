import type { Clock } from '../common/clock.js';
import type { Store } from '../store/types.js';
import type {
  ConsumerOptions,
  Delivery,
  DeliveryError,
  GroupConsumer,
  PublishRequest,
  PublishResult,
  TopicBroker,
  TopicMessage,
} from './broker.js';

/** Options of {@link StoreBroker}. */
export interface StoreBrokerOptions {
  clock: Clock;
  /** Messages with an id already published to the topic within this window are dropped. */
  dedupWindowMs: number;
  /** How often an idle consumer looks for deliveries written by other processes. */
  pollIntervalMs: number;
}

/**
 * Waits until `topic` has news in this process (a store notice), `ms` have passed, or `abort`
 * fires; never rejects.
 */
function waitForNews(store: Store, topic: string, ms: number, abort: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (abort.aborted || ms <= 0) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      unsubscribe();
      abort.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = store.subscribe((n) => {
      if (n.kind === 'topic' && n.topic === topic) done();
    });
    abort.addEventListener('abort', done);
  });
}

/**
 * Polls `attempt` until it returns something non-empty, `waitMs` has passed or `abort` fires,
 * sleeping between tries until the topic has news or `pollMs` has passed.
 */
async function pollTopic<T>(
  store: Store,
  topic: string,
  waitMs: number,
  pollMs: number,
  abort: AbortSignal,
  attempt: () => Promise<T[]>,
): Promise<T[]> {
  const end = performance.now() + waitMs;
  for (;;) {
    if (abort.aborted) return [];
    const found = await attempt();
    const left = end - performance.now();
    if (found.length > 0 || left <= 0) return found;
    await waitForNews(store, topic, Math.min(pollMs, left), abort);
  }
}

/** A member of a consumer group on the store. */
class StoreConsumer implements GroupConsumer {
  private readonly closing = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly options: StoreBrokerOptions,
    private readonly topic: string,
    private readonly group: string,
    private readonly consumerOptions: ConsumerOptions,
  ) {}

  fetch(max: number, waitMs: number): Promise<Delivery[]> {
    return pollTopic(this.store, this.topic, waitMs, this.options.pollIntervalMs, this.closing.signal, () =>
      this.store.topics.claimDeliveries({
        topic: this.topic,
        group: this.group,
        consumerId: this.consumerOptions.consumerId,
        max,
        leaseMs: this.consumerOptions.leaseMs,
        nowMs: this.options.clock.nowMs(),
      }),
    );
  }

  async ack(delivery: Delivery): Promise<void> {
    await this.store.topics.ack(delivery);
  }

  async retry(delivery: Delivery, delayMs: number, _error: DeliveryError): Promise<void> {
    await this.store.topics.retry(delivery, this.options.clock.nowMs() + delayMs);
  }

  async deadLetter(
    delivery: Delivery,
    deadLetterTopic: string | undefined,
    error: DeliveryError,
  ): Promise<void> {
    await this.store.topics.deadLetter(delivery, deadLetterTopic, error, this.options.clock.nowMs());
  }

  async extendLease(delivery: Delivery): Promise<void> {
    await this.store.topics.extendLease(delivery, this.consumerOptions.leaseMs, this.options.clock.nowMs());
  }

  async close(): Promise<void> {
    this.closing.abort();
  }
}

/**
 * The default topic broker: durable topics in the engine's own store (SQLite here; PostgreSQL
 * once that store exists), so choreography needs no other service. Within one process a publish
 * wakes waiting consumers at once; across processes they poll every `pollIntervalMs`.
 */
export class StoreBroker implements TopicBroker {
  readonly kind = 'store';
  private readonly closing = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly options: StoreBrokerOptions,
  ) {}

  publish(req: PublishRequest): Promise<PublishResult> {
    return this.store.topics.publish(req, this.options.clock.nowMs(), this.options.dedupWindowMs);
  }

  async consumer(topic: string, group: string, options: ConsumerOptions): Promise<GroupConsumer> {
    await this.store.topics.registerGroup(topic, group, this.options.clock.nowMs());
    return new StoreConsumer(this.store, this.options, topic, group, options);
  }

  redrive(deadLetterTopic: string): Promise<number> {
    return this.store.topics.redrive(deadLetterTopic, this.options.clock.nowMs());
  }

  read(
    topic: string,
    afterSeq: number,
    sinceMs: number,
    limit: number,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<TopicMessage[]> {
    const abort = signal === undefined ? this.closing.signal : AbortSignal.any([this.closing.signal, signal]);
    return pollTopic(this.store, topic, waitMs, this.options.pollIntervalMs, abort, () =>
      this.store.topics.readMessages(topic, afterSeq, sinceMs, limit),
    );
  }

  async close(): Promise<void> {
    this.closing.abort();
  }
}
