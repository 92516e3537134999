/**
 * The broker interface under durable topics. A broker keeps messages per topic, hands them to the
 * members of consumer groups under a lease, and keeps dead letters until they are redriven. The
 * store-backed broker (SQLite, PostgreSQL) and the NATS JetStream broker implement it; the retry
 * policy, the handler and the data converter live above it, in `topics.ts`, so both behave alike.
 * Brokers see encoded payloads only. Times are epoch milliseconds.
 */
import type {
  Delivery,
  DeliveryError,
  PublishRequest,
  PublishResult,
  TopicMessage,
} from '../common/topic-messages.js';

export type {
  DeadLetterInfo,
  Delivery,
  DeliveryError,
  PublishRequest,
  PublishResult,
  TopicMessage,
} from '../common/topic-messages.js';

/** Options of a consumer-group member. */
export interface ConsumerOptions {
  /** How long a fetched delivery stays leased before it is handed out again (crash recovery). */
  leaseMs: number;
  /** Identifies this member in leases (diagnostics). */
  consumerId: string;
}

/**
 * One member of a consumer group. Every message published to the topic after the group was first
 * registered (and, on that first registration, every message the topic still retains) is
 * delivered to one member of the group at least once, until it is acked or dead-lettered.
 */
export interface GroupConsumer {
  /**
   * Up to `max` deliveries that are due, waiting up to `waitMs` for the first. Ordering: a keyed
   * message is never handed out while an earlier message of the same key in this group is
   * unsettled (in flight, or waiting for its retry). Resolves with [] when closed.
   */
  fetch(max: number, waitMs: number): Promise<Delivery[]>;
  /** Done: the message is not delivered to this group again. */
  ack(delivery: Delivery): Promise<void>;
  /** Failed: deliver again after `delayMs` with `attempt + 1`. */
  retry(delivery: Delivery, delayMs: number, error: DeliveryError): Promise<void>;
  /**
   * Gave up: settle the delivery and, when `deadLetterTopic` is given, publish a dead letter to it
   * (the same data, id, key and correlation id, with {@link DeadLetterInfo}), atomically where the
   * broker allows it.
   */
  deadLetter(delivery: Delivery, deadLetterTopic: string | undefined, error: DeliveryError): Promise<void>;
  /** Extends the lease of a delivery whose handler is still running. */
  extendLease(delivery: Delivery): Promise<void>;
  /** Stops fetching; a pending `fetch` resolves with []. Unsettled deliveries are handed out again after their lease. */
  close(): Promise<void>;
}

/** The broker under {@link Topics}. */
export interface TopicBroker {
  /** `'store'` or `'jetstream'`, for messages and logs. */
  readonly kind: string;
  /**
   * Publishes a message, unless a message with the same id was published to the topic within the
   * deduplication window (then nothing is written and `deduplicated` is true).
   */
  publish(req: PublishRequest): Promise<PublishResult>;
  /** Registers the group on the topic (idempotent) and returns a member of it. */
  consumer(topic: string, group: string, options: ConsumerOptions): Promise<GroupConsumer>;
  /**
   * Sends each dead letter of `deadLetterTopic` not yet redriven back to its group on its original
   * topic, as a fresh delivery (attempt counter restarted at 1). Resolves with how many.
   */
  redrive(deadLetterTopic: string): Promise<number>;
  /**
   * Messages of `topic` after position `afterSeq` and published at or after `sinceMs`, in order,
   * at most `limit`; waits up to `waitMs` for the first one, or until `signal` fires (resolves with
   * [] then).
   */
  read(
    topic: string,
    afterSeq: number,
    sinceMs: number,
    limit: number,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<TopicMessage[]>;
  /** Closes the broker's connections (not the store it may sit on). */
  close(): Promise<void>;
}
