/**
 * Topics from inside a workflow: publishing an event as a recorded step, and waiting for an event
 * that matches. Both run as activities the engine registers on every worker of a Baton (see
 * `topics/workflow-activities.ts`), so they are recorded in the history like any other step and a
 * replay sees the same results.
 */
import type { ActivityOptions } from '../common/activity-options.js';
import { durationMs, type Duration } from '../common/duration.js';
import { checkEventString, checkTopicName } from '../common/topic-names.js';
import type { TopicEvent } from '../common/topic-messages.js';
import type { ContextHost } from './context.js';

/** The activity type that publishes an event for a workflow. */
export const PUBLISH_EVENT_ACTIVITY = 'baton.publishEvent';
/** The activity type that reads a topic for a workflow (a long poll). */
export const READ_EVENTS_ACTIVITY = 'baton.readEvents';

/** Longest wait of one look at a topic (one activity, three history events). */
export const READ_WAIT_MS = 10_000;

/** Options of `ctx.publish`. */
export interface WorkflowPublishOptions {
  /** The event id. @default a deterministic id drawn from the execution (the same on replay) */
  id?: string;
  /** Same-key events are delivered in publish order within a group. */
  key?: string;
  /** @default the workflowId */
  correlationId?: string;
}

/** Options of `ctx.waitForEvent`. */
export interface WaitForEventOptions<T> {
  /** The event to wait for: the first one for which `match` is true. @default the first event */
  match?: (event: T, meta: TopicEvent<T>) => boolean;
  /**
   * Give up after this long: a deadline counted from the wait, in workflow time, kept across
   * crashes. It is noticed when a look at the topic ends, so at most one look (10 s) late when
   * another wait on the same topic started a longer look first. @default no limit
   */
  timeout?: Duration;
}

/** What `ctx.publish` resolves with. */
export interface WorkflowPublishReceipt {
  id: string;
  seq: number;
  deduplicated: boolean;
}

const PUBLISH_OPTIONS: ActivityOptions = Object.freeze({ startToCloseTimeout: '30s' });

/**
 * Publishes as a recorded step: one event per call, deduplicated by a deterministic id when the
 * step is retried (within the topics' deduplication window).
 *
 * @throws ValidationError at once for a bad topic name, id, key or correlation id.
 */
export function publishStep(
  host: ContextHost,
  topic: string,
  event: unknown,
  options: WorkflowPublishOptions,
): Promise<WorkflowPublishReceipt> {
  checkTopicName(topic);
  if (options.id !== undefined) checkEventString(options.id, 'id');
  if (options.key !== undefined) checkEventString(options.key, 'key');
  if (options.correlationId !== undefined) checkEventString(options.correlationId, 'correlationId');
  const id = options.id ?? `${host.info.workflowId}/${host.uuid()}`;
  const publishOptions = { ...options, id, correlationId: options.correlationId ?? host.info.workflowId };
  return host.scheduleActivity(
    PUBLISH_EVENT_ACTIVITY,
    [topic, event, publishOptions],
    PUBLISH_OPTIONS,
  ) as Promise<WorkflowPublishReceipt>;
}

interface Waiter {
  match: ((event: unknown, meta: TopicEvent) => boolean) | undefined;
  deadlineMs: number | undefined;
  resolve(event: TopicEvent | undefined): void;
  reject(error: unknown): void;
}

/**
 * The waits of one execution on one topic. One look at the topic at a time serves every wait:
 * each event read goes to the oldest wait it matches, or is kept for a later wait, so no event
 * published since the execution started is missed and no two waits take the same one. Driven
 * only by recorded results and workflow time, so a replay makes the same choices.
 */
export class TopicWaits {
  private cursor = 0;
  private readonly kept: TopicEvent[] = [];
  private readonly waiters: Waiter[] = [];
  private reading = false;

  constructor(
    private readonly host: ContextHost,
    private readonly topic: string,
  ) {}

  /** @throws ValidationError at once for a bad timeout. */
  wait<T>(options: WaitForEventOptions<T>): Promise<TopicEvent<T> | undefined> {
    const timeoutMs =
      options.timeout === undefined ? undefined : durationMs(options.timeout, 'waitForEvent timeout');
    const match = options.match as Waiter['match'];
    const i = this.kept.findIndex((e) => match === undefined || match(e.event, e));
    if (i >= 0) return Promise.resolve(this.kept.splice(i, 1)[0] as TopicEvent<T>);
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.resolve(undefined);
    const deadlineMs = timeoutMs === undefined ? undefined : this.host.nowMs() + timeoutMs;
    return new Promise((resolve, reject) => {
      this.waiters.push({ match, deadlineMs, resolve: resolve as Waiter['resolve'], reject });
      if (!this.reading) {
        this.reading = true;
        void this.look();
      }
    });
  }

  /** Looks at the topic while some wait is open. */
  private async look(): Promise<void> {
    const sinceMs = this.host.info.startTime.getTime();
    try {
      while (this.waiters.length > 0) {
        const nowMs = this.host.nowMs();
        const deadlines = this.waiters.map((w) => w.deadlineMs ?? Infinity);
        const untilMs = Math.min(nowMs + READ_WAIT_MS, ...deadlines);
        const events = (await this.host.scheduleActivity(
          READ_EVENTS_ACTIVITY,
          [this.topic, this.cursor, sinceMs, untilMs],
          { startToCloseTimeout: untilMs - nowMs + 30_000 },
        )) as TopicEvent[];
        for (const e of events) this.offer(e);
        this.expire(this.host.nowMs());
      }
    } catch (error) {
      for (const w of this.waiters.splice(0)) w.reject(error);
    } finally {
      this.reading = false;
    }
  }

  private offer(e: TopicEvent): void {
    this.cursor = Math.max(this.cursor, e.seq);
    const i = this.waiters.findIndex((w) => w.match === undefined || w.match(e.event, e));
    if (i < 0) this.kept.push(e);
    else this.waiters.splice(i, 1)[0]!.resolve(e);
  }

  private expire(nowMs: number): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.deadlineMs !== undefined && w.deadlineMs <= nowMs) {
        this.waiters.splice(i, 1);
        w.resolve(undefined);
      }
    }
  }
}

/**
 * Waits for an event of `topic` published since the execution started, for which `match` is true
 * (see {@link TopicWaits}); `waits` holds the execution's waits per topic.
 *
 * @returns the event, or undefined once the timeout has passed.
 * @throws ValidationError at once for a bad topic name or timeout.
 */
export function waitForEventStep<T>(
  host: ContextHost,
  waits: Map<string, TopicWaits>,
  topic: string,
  options: WaitForEventOptions<T>,
): Promise<TopicEvent<T> | undefined> {
  checkTopicName(topic);
  let onTopic = waits.get(topic);
  if (onTopic === undefined) waits.set(topic, (onTopic = new TopicWaits(host, topic)));
  return onTopic.wait(options);
}
