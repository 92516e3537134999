import type { Clock } from '../common/clock.js';
import type { DataConverter, Payload } from '../common/converter.js';
import { BatonError, ValidationError } from '../common/errors.js';
import type { ScheduleRecord, Store } from '../store/types.js';
import {
  firstNominalMs,
  parseBody,
  wakeAtMs,
  type ScheduleOverlapPolicy,
  type StoredSchedule,
} from './schedule-body.js';
import { describeRecord, toRetryPolicy, type ScheduleDescription } from './schedule-describe.js';
import { ScheduleNotFoundError } from './schedule-errors.js';
import { MAX_TIME_MS } from './schedule-spec.js';
import {
  resolveAction,
  resolveOverlap,
  resolvePolicies,
  resolveSpec,
  resolveState,
  type ScheduleAction,
  type SchedulePolicies,
  type ScheduleSpec,
} from './schedule-options.js';

/** What `update()` changes: each section given replaces that part (`action` and `policies` merge). */
export interface ScheduleUpdate {
  spec?: ScheduleSpec;
  action?: Partial<ScheduleAction>;
  policies?: SchedulePolicies;
  state?: { paused?: boolean; note?: string };
}

/** A backfill range: every nominal time of the spec in `[start, end]` (both included). */
export interface ScheduleBackfill {
  start: Date | number;
  end: Date | number;
  /** @default the schedule's overlap policy */
  overlap?: ScheduleOverlapPolicy;
}

/** What a handle needs from its client. */
export interface ScheduleDeps {
  store: Store;
  converter: DataConverter;
  clock: Clock;
}

/** Writes of a schedule retried on a conflict (another writer in between) at most this many times. */
const MAX_CONFLICTS = 20;

/**
 * A handle on a schedule, as Temporal's `ScheduleHandle`. Nothing is checked until it is used;
 * every method throws {@link ScheduleNotFoundError} when the schedule does not exist.
 *
 * @example
 * const handle = client.schedule.getHandle('daily-report');
 * await handle.pause('holidays');
 * await handle.trigger();
 * console.log((await handle.describe()).info.recentActions);
 */
export class ScheduleHandle {
  constructor(
    private readonly deps: ScheduleDeps,
    readonly scheduleId: string,
  ) {}

  /** The schedule's spec, action, policies, state, recent and running actions, next action times. */
  async describe(): Promise<ScheduleDescription> {
    return describeRecord(this.deps.store, this.deps.converter, await this.read(), this.deps.clock.nowMs());
  }

  /**
   * Changes the schedule: `change` is the sections to change, or a function of the current
   * description returning them (as Temporal's `update(fn)`). A new spec starts from now (times
   * that passed are not caught up). Applied with the conflict token, retried on a conflict.
   *
   * @throws ValidationError naming the field (as `create()`'s), before anything is written;
   *   DataConverterError for arguments that cannot be stored.
   * @example
   * await handle.update((d) => ({ action: { args: [d.action.args[0] + 1] } }));
   */
  async update(change: ScheduleUpdate | ((current: ScheduleDescription) => ScheduleUpdate)): Promise<void> {
    await this.mutate(async (s, rec, nowMs) => {
      const u =
        typeof change === 'function'
          ? change(await describeRecord(this.deps.store, this.deps.converter, rec, nowMs))
          : change;
      if (u === null || typeof u !== 'object')
        throw new ValidationError('update: expected an object of sections to change');
      let args: Payload | undefined = rec.args;
      if (u.spec !== undefined) {
        s.spec = resolveSpec(u.spec, nowMs);
        s.nextNominalMs = firstNominalMs(s.spec, nowMs);
      }
      if (u.action !== undefined) {
        const cur = s.action;
        const merged: ScheduleAction = {
          workflow: cur.workflowType,
          taskQueue: cur.taskQueue,
          workflowId: cur.workflowIdPrefix,
          workflowExecutionTimeout: cur.executionTimeoutMs,
          workflowRunTimeout: cur.runTimeoutMs,
          retry: toRetryPolicy(cur.retry),
          ...u.action,
        };
        const resolved = resolveAction(this.deps.converter, this.scheduleId, merged);
        s.action = resolved.action;
        if (u.action.args !== undefined) args = resolved.args;
      }
      if (u.policies !== undefined) s.policies = resolvePolicies({ ...fromPolicies(s), ...u.policies });
      if (u.state !== undefined) this.changeState(s, resolveState({ ...s.state, ...u.state }), nowMs);
      return args;
    });
  }

  /** Pauses the schedule: no action of its spec runs until unpaused (triggers and backfills still do). */
  async pause(note = 'Paused via client'): Promise<void> {
    await this.mutate(async (s, rec, nowMs) => {
      this.changeState(s, { paused: true, note }, nowMs);
      return rec.args;
    });
  }

  /** Unpauses the schedule; its spec continues from now (times that passed while paused do not run). */
  async unpause(note = 'Unpaused via client'): Promise<void> {
    await this.mutate(async (s, rec, nowMs) => {
      this.changeState(s, { paused: false, note }, nowMs);
      return rec.args;
    });
  }

  /**
   * Starts an action now (nominal time: now, to the second), even when paused, as Temporal's
   * `trigger`. A workflow run is started by a worker's scheduler within about a second. Two
   * triggers within the same second are the same nominal time, hence one run.
   *
   * @param overlap - @default the schedule's overlap policy
   */
  async trigger(overlap?: ScheduleOverlapPolicy): Promise<void> {
    const policy = resolveOverlap(overlap, 'overlap');
    await this.mutate(async (s, rec, nowMs) => {
      s.buffer.push({
        nominalMs: Math.floor(nowMs / 1000) * 1000,
        overlap: policy ?? s.policies.overlap,
        manual: true,
      });
      return rec.args;
    });
  }

  /**
   * Runs the actions the spec would have run in each range (both ends included), as Temporal's
   * `backfill`, whatever the catch-up window and even when paused.
   *
   * @throws ValidationError when a range is malformed or ends before it starts.
   * @example
   * await handle.backfill([{ start: new Date('2024-01-01T00:00Z'), end: new Date('2024-01-01T00:02Z'), overlap: 'ALLOW_ALL' }]);
   */
  async backfill(ranges: ScheduleBackfill[]): Promise<void> {
    if (!Array.isArray(ranges))
      throw new ValidationError('backfill: expected an array of { start, end, overlap? }');
    const resolved = ranges.map((r, i) => {
      const fromMs = r?.start instanceof Date ? r.start.getTime() : r?.start;
      const toMs = r?.end instanceof Date ? r.end.getTime() : r?.end;
      const isTime = (t: unknown): t is number =>
        typeof t === 'number' && Number.isFinite(t) && Math.abs(t) <= MAX_TIME_MS;
      if (!isTime(fromMs) || !isTime(toMs))
        throw new ValidationError(`backfill[${i}]: expected start and end as Dates or epoch milliseconds`);
      if (toMs < fromMs) throw new ValidationError(`backfill[${i}].end: expected at or after start`);
      return { fromMs, toMs, overlap: resolveOverlap(r.overlap, `backfill[${i}].overlap`) };
    });
    await this.mutate(async (s, rec) => {
      for (const r of resolved) s.backfills.push({ ...r, overlap: r.overlap ?? s.policies.overlap });
      return rec.args;
    });
  }

  /** Deletes the schedule (its runs keep running). */
  async delete(): Promise<void> {
    if (!(await this.deps.store.schedules.delete(this.scheduleId)))
      throw new ScheduleNotFoundError(this.scheduleId);
  }

  private changeState(s: StoredSchedule, state: StoredSchedule['state'], nowMs: number): void {
    if (s.state.paused && !state.paused) s.nextNominalMs = firstNominalMs(s.spec, nowMs);
    s.state = state;
  }

  private async read(): Promise<ScheduleRecord> {
    const rec = await this.deps.store.schedules.get(this.scheduleId);
    if (rec === undefined) throw new ScheduleNotFoundError(this.scheduleId);
    return rec;
  }

  /** Reads, changes and writes the schedule with its conflict token; again on a conflict. */
  private async mutate(
    change: (s: StoredSchedule, rec: ScheduleRecord, nowMs: number) => Promise<Payload | undefined>,
  ): Promise<void> {
    for (let i = 0; i < MAX_CONFLICTS; i++) {
      const rec = await this.read();
      const nowMs = this.deps.clock.nowMs();
      const s = parseBody(rec.body);
      const args = await change(s, rec, nowMs);
      const written = await this.deps.store.schedules.write({
        scheduleId: this.scheduleId,
        expectedToken: rec.conflictToken,
        nowMs,
        args,
        wakeAtMs: wakeAtMs(this.scheduleId, s, nowMs),
        body: () => JSON.stringify(s),
      });
      if (written !== undefined) return;
    }
    throw new BatonError(
      `schedule '${this.scheduleId}': changed by others ${MAX_CONFLICTS} times while this change was written; try again`,
    );
  }
}

function fromPolicies(s: StoredSchedule): SchedulePolicies {
  return {
    overlap: s.policies.overlap,
    catchupWindow: s.policies.catchupWindowMs,
    pauseOnFailure: s.policies.pauseOnFailure,
  };
}
