/**
 * The public shapes of durable topics: what a handler gets, what a publish returns, and the
 * options of a subscription.
 */
import type { DeadLetterInfo } from '../common/topic-messages.js';
import type { Duration } from '../common/duration.js';
import type { RetryPolicy } from '../common/retry-policy.js';

export type { DeadLetterInfo, DeliveryError, TopicEvent } from '../common/topic-messages.js';

/** Options of `topics.publish`. */
export interface PublishOptions {
  /**
   * The event id. A second publish of the same id to the same topic within the deduplication
   * window writes nothing and reports `deduplicated: true`. @default a new UUID v7
   */
  id?: string;
  /** Events with the same key are delivered in publish order within each consumer group. @default none */
  key?: string;
  /**
   * Ties the events of one business transaction together. @default the correlation id of the
   * event being handled when called from a handler, else the event id
   */
  correlationId?: string;
}

/** What a publish did. */
export interface PublishReceipt {
  /** The event id (the one given, or the one made). */
  id: string;
  /** The event's position in its topic (the earlier event's when deduplicated). */
  seq: number;
  /** True when an event with this id was already published to the topic within the window. */
  deduplicated: boolean;
}

/** What a handler knows about the event it handles. */
export interface EventInfo {
  id: string;
  topic: string;
  group: string;
  /** 1 on the first delivery to this group; restarts at 1 after a redrive. */
  attempt: number;
  correlationId: string;
  key: string | undefined;
  seq: number;
  publishedAt: Date;
  /** On a dead-letter topic: the original topic, the group that gave up, its attempts and last error. */
  deadLetter: DeadLetterInfo | undefined;
  /** Fires when the handler should stop: its `handlerTimeout` passed, or its subscription closed. */
  signal: AbortSignal;
}

/** A handler of a consumer group: resolves when the event is handled; throws to have it retried. */
export type EventHandler<T> = (event: T, info: EventInfo) => Promise<void> | void;

/** Options of `topics.subscribe`. */
export interface SubscribeOptions<T> {
  /** The consumer group: each event is handled once per group (at least once), by one member. */
  group: string;
  handler: EventHandler<T>;
  /** Events handled at once by this member (never two of one key). @default 1 */
  concurrency?: number;
  /**
   * How failed attempts are retried, as Temporal's RetryPolicy (same fields and defaults:
   * `maximumAttempts` 0 = unlimited, so set it for a dead-letter topic to ever be used).
   * `ApplicationFailure.nonRetryable(...)` and `nonRetryableErrorTypes` dead-letter at once.
   */
  retry?: RetryPolicy;
  /** Where events go after their last attempt. @default none: they are dropped (and logged) */
  deadLetterTopic?: string;
  /**
   * How long a delivery stays with this member without news: if the process dies, the event is
   * delivered again (to any member) after this long; a running handler keeps extending it.
   * @default '30s'
   */
  leaseTimeout?: Duration;
  /**
   * A handler running longer fails its attempt (retried under `retry`); `info.signal` fires.
   * @default unlimited
   */
  handlerTimeout?: Duration;
  /**
   * How long `close()` waits for running handlers; then their signals fire and their events go to
   * another member once their lease runs out. @default '10s'
   */
  closeGraceTime?: Duration;
}

/** A running member of a consumer group. */
export interface Subscription {
  readonly topic: string;
  readonly group: string;
  /** Resolves once the group is registered on the broker (every later publish reaches it). */
  readonly ready: Promise<void>;
  /** Stops fetching, waits for the handlers running, and leaves the group's events to other members. */
  close(): Promise<void>;
}
