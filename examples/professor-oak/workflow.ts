/**
 * The Professor Oak workflow: one flaky HTTP call, retried under a policy until the server
 * answers. Each failed attempt is recorded, so the history shows why the call was retried.
 */
import { defineWorkflow, type ActivityOptions } from '../../src/index.js';
import type { ProfessorOakActivities } from './activities.js';

/**
 * Options of the call: 5 s per attempt, up to 10 attempts, 500 ms apart, then ×1.5 each time
 * (500 ms, 750 ms, 1.125 s, …: about 37 s in all before it gives up).
 */
export const PROFESSOR_OAK_ACTIVITY_OPTIONS: ActivityOptions = Object.freeze({
  startToCloseTimeout: '5s',
  retry: Object.freeze({ initialInterval: '500ms', backoffCoefficient: 1.5, maximumAttempts: 10 }),
});

/** The task queue of the Professor Oak demo. */
export const PROFESSOR_OAK_TASK_QUEUE = 'professor-oak';

/**
 * Asks Professor Oak at `url` for a greeting and returns it, retrying while he is not answering.
 *
 * @example
 * const greeting = await baton.client.execute(professorOak, {
 *   taskQueue: PROFESSOR_OAK_TASK_QUEUE, args: ['http://127.0.0.1:8080/hello'],
 * });
 */
export const professorOak = defineWorkflow('ProfessorOak', async (ctx, url: string) => {
  const act = ctx.activities<ProfessorOakActivities>(PROFESSOR_OAK_ACTIVITY_OPTIONS);
  return act.askProfessorOak(url);
});
