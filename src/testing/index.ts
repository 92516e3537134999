/**
 * `baton/testing`: a test environment whose clock skips time, and a harness that runs one activity.
 * Nothing is downloaded: the environment runs on an in-memory SQLite store.
 *
 * @example
 * import { TestWorkflowEnvironment, MockActivityEnvironment } from 'baton/testing';
 */
export { TestWorkflowEnvironment, type TimeSkippingEnvironmentOptions } from './workflow-environment.js';
export {
  MockActivityEnvironment,
  DEFAULT_ACTIVITY_INFO,
  type MockActivityEvents,
  type MockActivityOptions,
} from './activity-environment.js';
export { TimeSkippingClock } from './time-skipping-clock.js';
export type { TimerPurpose } from '../common/clock.js';
