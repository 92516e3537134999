import { activityContext } from '../activity/context.js';
import { ValidationError } from '../common/errors.js';
import { ApplicationFailure } from '../common/failures.js';
import type { TopicEvent } from '../common/topic-messages.js';
import {
  PUBLISH_EVENT_ACTIVITY,
  READ_EVENTS_ACTIVITY,
  type WorkflowPublishOptions,
} from '../runtime/topic-steps.js';
import type { PublishReceipt } from './events.js';
import type { Topics } from './topics.js';

/** A bad name or option fails every attempt alike: it fails for good at once. */
async function forGood<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ValidationError)
      throw ApplicationFailure.nonRetryable(error.message, 'ValidationError');
    throw error;
  }
}

/**
 * The activities behind `ctx.publish` and `ctx.waitForEvent`, registered on every worker a Baton
 * makes (under reserved `baton.` names). A bad topic name, id or key fails for good; a look at a
 * topic returns at most half a payload of events, so its result always fits the payload limit.
 */
export function topicActivities(topics: Topics) {
  return {
    [PUBLISH_EVENT_ACTIVITY]: (
      topic: string,
      event: unknown,
      options: WorkflowPublishOptions,
    ): Promise<PublishReceipt> => forGood(() => topics.publish(topic, event, options)),
    // `untilMs` is absolute, so an attempt retried after a crash does not wait longer than asked.
    [READ_EVENTS_ACTIVITY]: (
      topic: string,
      afterSeq: number,
      sinceMs: number,
      untilMs: number,
    ): Promise<TopicEvent[]> =>
      forGood(() =>
        topics.read(topic, {
          afterSeq,
          since: new Date(sinceMs),
          wait: Math.max(0, untilMs - Date.now()),
          signal: activityContext().signal,
          maxBytes: Math.floor(topics.payloadLimitBytes / 2),
        }),
      ),
  };
}
