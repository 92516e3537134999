import type {
  Delivery,
  DeliveryError,
  PublishRequest,
  PublishResult,
  TopicMessage,
} from '../common/topic-messages.js';

/** A claim of due deliveries by a member of a consumer group. */
export interface DeliveryClaim {
  topic: string;
  group: string;
  consumerId: string;
  max: number;
  leaseMs: number;
  nowMs: number;
}

/** A consumer group of a topic, as {@link TopicStore.topicStats} counts it. */
export interface TopicGroupStats {
  group: string;
  /** Deliveries of the group not yet acked or dead-lettered (waiting, leased or retrying). */
  lag: number;
  /** Messages dead-lettered by this group on this topic and not redriven since. */
  deadLettered: number;
}

/** A topic, as {@link TopicStore.topicStats} counts it. */
export interface TopicStats {
  topic: string;
  /** Messages the topic holds (on a dead-letter topic: its dead letters). */
  events: number;
  /** Its consumer groups, by name. */
  groups: TopicGroupStats[];
}

/**
 * The part of a store that keeps durable topics: messages, consumer groups, deliveries and dead
 * letters. The store-backed topic broker sits on it; every store implements it and passes the
 * topic conformance suite. Times are epoch milliseconds. All methods may throw `StoreError`.
 */
export interface TopicStore {
  /**
   * Appends a message and a delivery for every group of the topic, unless a message with the same
   * id was published to the topic after `nowMs - dedupWindowMs` (then nothing is written).
   */
  publish(req: PublishRequest, nowMs: number, dedupWindowMs: number): Promise<PublishResult>;
  /**
   * Registers a consumer group (idempotent). The first registration also gives the group a
   * delivery of every message the topic holds.
   */
  registerGroup(topic: string, group: string, nowMs: number): Promise<void>;
  /**
   * Leases up to `max` due deliveries of a group, oldest first, each with its attempt counted. A
   * keyed delivery is due only when no earlier delivery of the same key is left in the group and
   * none of that key is leased (a redriven event never runs beside a later one of its key).
   */
  claimDeliveries(req: DeliveryClaim): Promise<Delivery[]>;
  /**
   * Removes the delivery. Fenced by attempt: a delivery handed out again since (its lease ran out)
   * is left alone. Resolves with whether it applied.
   */
  ack(delivery: Delivery): Promise<boolean>;
  /** Makes the delivery due again at `visibleAtMs` (fenced by attempt). */
  retry(delivery: Delivery, visibleAtMs: number): Promise<boolean>;
  /**
   * Removes the delivery and, when `deadLetterTopic` is given, appends the dead letter to it (no
   * deduplication) with a delivery for each of its groups; in one transaction (fenced by attempt).
   */
  deadLetter(
    delivery: Delivery,
    deadLetterTopic: string | undefined,
    error: DeliveryError,
    nowMs: number,
  ): Promise<boolean>;
  /** Extends the lease of a delivery to `nowMs + leaseMs` (fenced by attempt). */
  extendLease(delivery: Delivery, leaseMs: number, nowMs: number): Promise<boolean>;
  /**
   * Gives every dead letter of `deadLetterTopic` not yet redriven a fresh delivery (attempt 0) in
   * its group on its original topic, and marks it redriven. Resolves with how many.
   */
  redrive(deadLetterTopic: string, nowMs: number): Promise<number>;
  /** Messages of `topic` with `seq > afterSeq` published at or after `sinceMs`, oldest first. */
  readMessages(topic: string, afterSeq: number, sinceMs: number, limit: number): Promise<TopicMessage[]>;
  /**
   * Read-only counts for dashboards: every topic that has messages or groups (or only `topic`),
   * by name, with its message count and each group's lag and dead letters not redriven.
   */
  topicStats(topic?: string): Promise<TopicStats[]>;
  /** The newest `limit` messages of `topic` (dead letters included), oldest first. */
  latestMessages(topic: string, limit: number): Promise<TopicMessage[]>;
}
