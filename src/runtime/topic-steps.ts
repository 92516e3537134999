/**
 * Topics from inside a workflow: publishing an event as a recorded step, and waiting for an event
 * that matches. Both run as activities the engine registers on every worker of a Baton (see
 * `topics/workflow-activities.ts`), so they are recorded in the history like any other step and a
 * replay sees the same results.
 */
import type { ActivityOptions } from '../common/activity-options.js';
import { durationMs, type Duration } from '../common/duration.js';
import type { TopicEvent } from '../common/topic-messages.js';
import type { ContextHost } from './context.js';

/** The activity type that publishes an event for a workflow. */
export const PUBLISH_EVENT_ACTIVITY = 'baton.publishEvent';
/** The activity type that reads a topic for a workflow (a long poll). */
export const READ_EVENTS_ACTIVITY = 'baton.readEvents';

/** Longest wait of one read (one activity, three history events). */
const READ_WAIT_MS = 10_000;

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
  /** Give up after this long (a durable deadline, counted from the wait). @default no limit */
  timeout?: Duration;
}

/** What `ctx.publish` resolves with. */
export interface WorkflowPublishReceipt {
  id: string;
  seq: number;
  deduplicated: boolean;
}

const PUBLISH_OPTIONS: ActivityOptions = Object.freeze({ startToCloseTimeout: '30s' });

/** Publishes as a recorded step: exactly one event per call, deduplicated by a deterministic id. */
export function publishStep(
  host: ContextHost,
  topic: string,
  event: unknown,
  options: WorkflowPublishOptions,
): Promise<WorkflowPublishReceipt> {
  const id = options.id ?? `${host.info.workflowId}/${host.uuid()}`;
  const publishOptions = { ...options, id, correlationId: options.correlationId ?? host.info.workflowId };
  return host.scheduleActivity(
    PUBLISH_EVENT_ACTIVITY,
    [topic, event, publishOptions],
    PUBLISH_OPTIONS,
  ) as Promise<WorkflowPublishReceipt>;
}

/**
 * Waits for an event of `topic` published since the execution started and after the events earlier
 * waits on that topic took (`cursors` holds their positions), for which `match` is true.
 *
 * @returns the event, or undefined once the timeout has passed.
 */
export async function waitForEventStep<T>(
  host: ContextHost,
  cursors: Map<string, number>,
  topic: string,
  options: WaitForEventOptions<T>,
): Promise<TopicEvent<T> | undefined> {
  const deadlineMs =
    options.timeout === undefined
      ? undefined
      : host.nowMs() + durationMs(options.timeout, 'waitForEvent timeout');
  const sinceMs = host.info.startTime.getTime();
  for (;;) {
    const leftMs = deadlineMs === undefined ? READ_WAIT_MS : deadlineMs - host.nowMs();
    if (leftMs <= 0) return undefined;
    const waitMs = Math.min(leftMs, READ_WAIT_MS);
    const events = (await host.scheduleActivity(
      READ_EVENTS_ACTIVITY,
      [topic, cursors.get(topic) ?? 0, sinceMs, waitMs],
      { startToCloseTimeout: waitMs + 30_000 },
    )) as TopicEvent<T>[];
    for (const e of events) {
      cursors.set(topic, e.seq);
      if (options.match === undefined || options.match(e.event, e)) return e;
    }
  }
}
