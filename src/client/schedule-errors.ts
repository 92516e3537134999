import { BatonError } from '../common/errors.js';

/**
 * A schedule with that id exists already (as Temporal's `ScheduleAlreadyRunning`).
 *
 * @example
 * try { await client.schedule.create(options); } catch (e) { if (e instanceof ScheduleAlreadyRunningError) … }
 */
export class ScheduleAlreadyRunningError extends BatonError {
  constructor(readonly scheduleId: string) {
    super(`schedule already exists: scheduleId '${scheduleId}' (delete it first, or choose another id)`);
  }
}

/** No schedule has that id (it was never created, or was deleted), as Temporal's `ScheduleNotFoundError`. */
export class ScheduleNotFoundError extends BatonError {
  constructor(readonly scheduleId: string) {
    super(`schedule not found: scheduleId '${scheduleId}'`);
  }
}
