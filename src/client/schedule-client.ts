import { ValidationError } from '../common/errors.js';
import type { ScheduleRecord } from '../store/types.js';
import { firstNominalMs, parseBody, wakeAtMs, type StoredSchedule } from './schedule-body.js';
import { nextActionTimes } from './schedule-describe.js';
import { ScheduleAlreadyRunningError } from './schedule-errors.js';
import { ScheduleHandle, type ScheduleDeps } from './schedule-handle.js';
import {
  checkScheduleId,
  resolveAction,
  resolvePolicies,
  resolveSpec,
  resolveState,
  type ScheduleOptions,
} from './schedule-options.js';

/** One schedule in `list()`'s answer, as Temporal's `ScheduleSummary`. */
export interface ScheduleSummary {
  scheduleId: string;
  workflowType: string;
  taskQueue: string;
  state: { paused: boolean; note: string };
  /** The newest actions (at most 10), oldest first. */
  recentActions: { scheduledAt: Date; takenAt: Date; workflowId: string; runId: string }[];
  /** The next nominal times (at most 3; none while paused). */
  nextActionTimes: Date[];
}

/**
 * Schedules: workflows started on a cron or interval spec by the workers' schedulers, as
 * Temporal's `ScheduleClient` (`client.schedule`). Schedules live in the store: they survive
 * restarts, and each nominal time starts at most one run however many workers run.
 *
 * @example
 * const handle = await client.schedule.create({
 *   scheduleId: 'daily-report',
 *   spec: { cron: '0 9 * * *', timezone: 'Europe/Paris' },
 *   action: { workflow: sendReport, args: ['daily'], taskQueue: 'reports' },
 * });
 */
export class ScheduleClient {
  constructor(private readonly deps: ScheduleDeps) {}

  /**
   * Creates a schedule. Its first action is the spec's first nominal time from now.
   *
   * @throws ScheduleAlreadyRunningError when a schedule with that id exists.
   * @throws ValidationError naming the field (e.g. `spec.cron` with 7 fields, or one that never
   *   fires such as `'0 0 30 2 *'`), before anything is written; DataConverterError for arguments
   *   that cannot be stored.
   */
  async create(options: ScheduleOptions): Promise<ScheduleHandle> {
    if (options === null || typeof options !== 'object')
      throw new ValidationError('schedule options: expected an object');
    const scheduleId = checkScheduleId(options.scheduleId);
    const nowMs = this.deps.clock.nowMs();
    const spec = resolveSpec(options.spec, nowMs);
    const { action, args } = resolveAction(this.deps.converter, scheduleId, options.action);
    const body: StoredSchedule = {
      spec,
      action,
      policies: resolvePolicies(options.policies),
      state: resolveState(options.state),
      nextNominalMs: firstNominalMs(spec, nowMs),
      buffer: [],
      backfills: [],
      running: [],
      recent: [],
      counts: { actions: 0, missedCatchupWindow: 0, skippedOverlap: 0 },
    };
    const created = await this.deps.store.schedules.create({
      scheduleId,
      body: JSON.stringify(body),
      args,
      wakeAtMs: wakeAtMs(scheduleId, body, nowMs),
      nowMs,
    });
    if (!created) throw new ScheduleAlreadyRunningError(scheduleId);
    return new ScheduleHandle(this.deps, scheduleId);
  }

  /** A handle on a schedule. Nothing is checked until it is used. */
  getHandle(scheduleId: string): ScheduleHandle {
    return new ScheduleHandle(this.deps, checkScheduleId(scheduleId));
  }

  /** Every schedule, ordered by id. */
  async list(): Promise<ScheduleSummary[]> {
    const out: ScheduleSummary[] = [];
    const nowMs = this.deps.clock.nowMs();
    for (let page: ScheduleRecord[] | undefined; page === undefined || page.length === 1000;) {
      page = await this.deps.store.schedules.list({ afterId: out.at(-1)?.scheduleId ?? '', limit: 1000 });
      for (const rec of page) {
        const s = parseBody(rec.body);
        out.push({
          scheduleId: rec.scheduleId,
          workflowType: s.action.workflowType,
          taskQueue: s.action.taskQueue,
          state: { ...s.state },
          recentActions: s.recent.map((a) => ({
            scheduledAt: new Date(a.scheduledAtMs),
            takenAt: new Date(a.takenAtMs),
            workflowId: a.workflowId,
            runId: a.runId,
          })),
          nextActionTimes: nextActionTimes(s, nowMs, 3),
        });
      }
    }
    return out;
  }
}
