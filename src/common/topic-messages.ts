/**
 * Messages of durable topics as brokers and stores keep them (the store-backed broker and the
 * NATS JetStream broker share these shapes). Payloads are encoded; times are epoch milliseconds.
 */
import type { Payload } from './converter.js';

/** The error of a failed delivery attempt, as kept with a dead letter. */
export interface DeliveryError {
  /** The failure's type (its `type`, else its `name`), e.g. `'ServiceUnavailableError'`. */
  type: string;
  message: string;
}

/** What a dead letter remembers of the delivery that gave up. */
export interface DeadLetterInfo {
  /** The topic the event was first published to. */
  topic: string;
  /** The consumer group whose handler gave up. */
  group: string;
  /** Attempts made before it gave up. */
  attempts: number;
  lastError: DeliveryError;
  deadLetteredAtMs: number;
}

/** A message as a broker keeps it. */
export interface TopicMessage {
  topic: string;
  /** Position in its topic: increases in publish order (not necessarily by 1). */
  seq: number;
  /** The event id (the deduplication key). */
  id: string;
  key: string | undefined;
  correlationId: string;
  /** The encoded event. */
  data: Payload;
  publishedAtMs: number;
  /** Set on a message of a dead-letter topic: the original delivery that gave up. */
  deadLetter: DeadLetterInfo | undefined;
}

/** A publish, as the broker gets it (the id is always set: the caller makes one if needed). */
export interface PublishRequest {
  topic: string;
  id: string;
  key: string | undefined;
  correlationId: string;
  data: Payload;
}

/** What a publish did: the message's position, or the earlier message's when it was a duplicate. */
export interface PublishResult {
  seq: number;
  /** True when a message with the same id was published to the topic within the deduplication window. */
  deduplicated: boolean;
}

/** A message handed to one member of a consumer group, leased until it is settled. */
export interface Delivery extends TopicMessage {
  group: string;
  /** 1 on the first delivery; counts every delivery, those lost with a crashed consumer too. */
  attempt: number;
}

/** An event as `topics.read` and `ctx.waitForEvent` return it, decoded. */
export interface TopicEvent<T = unknown> {
  event: T;
  id: string;
  topic: string;
  seq: number;
  key: string | undefined;
  correlationId: string;
  publishedAt: Date;
  /** On a dead-letter topic: the original topic, the group that gave up, its attempts and last error. */
  deadLetter: DeadLetterInfo | undefined;
}
