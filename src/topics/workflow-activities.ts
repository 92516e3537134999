import { activityContext } from '../activity/context.js';
import type { TopicEvent } from '../common/topic-messages.js';
import {
  PUBLISH_EVENT_ACTIVITY,
  READ_EVENTS_ACTIVITY,
  type WorkflowPublishOptions,
} from '../runtime/topic-steps.js';
import type { PublishReceipt } from './events.js';
import type { Topics } from './topics.js';

/**
 * The activities behind `ctx.publish` and `ctx.waitForEvent`, registered on every worker a Baton
 * makes (under reserved `baton.` names).
 */
export function topicActivities(topics: Topics) {
  return {
    [PUBLISH_EVENT_ACTIVITY]: (
      topic: string,
      event: unknown,
      options: WorkflowPublishOptions,
    ): Promise<PublishReceipt> => topics.publish(topic, event, options),
    [READ_EVENTS_ACTIVITY]: (
      topic: string,
      afterSeq: number,
      sinceMs: number,
      waitMs: number,
    ): Promise<TopicEvent[]> =>
      topics.read(topic, {
        afterSeq,
        since: new Date(sinceMs),
        wait: waitMs,
        signal: activityContext().signal,
      }),
  };
}
