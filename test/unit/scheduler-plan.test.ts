/**
 * The overlap decisions of a schedule's look (pure): with a run still open and several actions
 * due, SKIP drops them, BUFFER_ONE keeps the first, CANCEL_OTHER and TERMINATE_OTHER keep the
 * newest (as Temporal's), ALLOW_ALL starts them all. Large backfills and long downtimes are
 * handled in bounded looks: at most 1000 buffered starts, times that would all be skipped stepped
 * over at once, and every look ends.
 */
import { describe, expect, it } from 'vitest';
import {
  RECHECK_MS,
  type ScheduleOverlapPolicy,
  type StoredSchedule,
} from '../../src/client/schedule-body.js';
import { MAX_ACTIONS_PER_TICK, MAX_BUFFERED, planTick } from '../../src/worker/scheduler-plan.js';
import { resolveSpec } from '../../src/client/schedule-spec.js';

const SECOND = 1000;
const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0);
/** Every second of 2025: 365 × 86,400 nominal times of a 1 s interval. */
const YEAR = { fromMs: Date.UTC(2025, 0, 1), toMs: Date.UTC(2025, 11, 31, 23, 59, 59) };
const SECONDS_IN_YEAR = 365 * 86_400;
const OPEN = { workflowId: 's-open', runId: 'r-open' };

/**
 * A paused schedule (every minute) with one run open and a backfill of three minutes
 * (T0 .. T0 + 2 min), or what `over` says instead.
 */
function schedule(overlap: ScheduleOverlapPolicy, over: Partial<StoredSchedule> = {}): StoredSchedule {
  return {
    spec: { cron: [], intervals: [{ everyMs: MINUTE, offsetMs: 0 }], timezone: 'UTC', jitterMs: 0 },
    action: { workflowType: 'W', taskQueue: 'q', workflowIdPrefix: 's' },
    policies: { overlap, catchupWindowMs: 365 * 24 * 3600_000, pauseOnFailure: false },
    state: { paused: true, note: '' },
    buffer: [],
    backfills: [{ fromMs: T0, toMs: T0 + 2 * MINUTE, overlap }],
    running: [OPEN],
    recent: [],
    counts: { actions: 0, missedCatchupWindow: 0, skippedOverlap: 0 },
    ...over,
  };
}

/** A paused every-second schedule with a backfill of all of 2025 (and one run open, unless `over` says). */
function yearBackfill(overlap: ScheduleOverlapPolicy, over: Partial<StoredSchedule> = {}): StoredSchedule {
  return schedule(overlap, {
    spec: { cron: [], intervals: [{ everyMs: SECOND, offsetMs: 0 }], timezone: 'UTC', jitterMs: 0 },
    backfills: [{ ...YEAR, overlap }],
    ...over,
  });
}

/** Looks at `s` up to `max` times (each on the body the last one left), while it asks to look again at once. */
function looks(s: StoredSchedule, max: number, nowMs = T0) {
  let plan = planTick('s', s, nowMs, new Map());
  const starts = [...plan.starts];
  for (let i = 1; i < max && plan.wakeAtMs === nowMs; i++) {
    plan = planTick('s', plan.s, nowMs, new Map());
    starts.push(...plan.starts);
  }
  return { ...plan, starts };
}

describe('schedule overlap policies (planTick)', () => {
  it('CANCEL_OTHER: cancels the open run; the newest due time waits, the older ones are skipped', () => {
    const plan = planTick('s', schedule('CANCEL_OTHER'), T0 + 3 * MINUTE, new Map());
    expect(plan.starts).toEqual([]);
    expect(plan.cancel.map((r) => r.runId)).toEqual(['r-open']);
    expect(plan.s.buffer.map((b) => b.nominalMs)).toEqual([T0 + 2 * MINUTE]);
    expect(plan.s.counts.skippedOverlap).toBe(2);
  });

  it('TERMINATE_OTHER: terminates the open run and starts at once; of the rest, the newest waits', () => {
    const plan = planTick('s', schedule('TERMINATE_OTHER'), T0 + 3 * MINUTE, new Map());
    expect(plan.terminate.map((r) => r.runId)).toEqual(['r-open']);
    expect(plan.starts).toEqual([T0]);
    expect(plan.s.buffer.map((b) => b.nominalMs)).toEqual([T0 + 2 * MINUTE]);
    expect(plan.s.counts.skippedOverlap).toBe(1);
  });

  it('BUFFER_ONE keeps the first waiting; SKIP drops all; ALLOW_ALL starts all three', () => {
    const one = planTick('s', schedule('BUFFER_ONE'), T0 + 3 * MINUTE, new Map());
    expect(one.s.buffer.map((b) => b.nominalMs)).toEqual([T0]);
    expect(one.s.counts.skippedOverlap).toBe(2);
    const skip = planTick('s', schedule('SKIP'), T0 + 3 * MINUTE, new Map());
    expect(skip.starts).toEqual([]);
    expect(skip.s.buffer).toEqual([]);
    expect(skip.s.counts.skippedOverlap).toBe(3);
    const all = planTick('s', schedule('ALLOW_ALL'), T0 + 3 * MINUTE, new Map());
    expect(all.starts).toEqual([T0, T0 + MINUTE, T0 + 2 * MINUTE]);
  });
});

describe('large backfills and long downtimes (planTick)', () => {
  it('BUFFER_ALL over a year: at most 1000 wait; the rest of the range waits for room, none is dropped', () => {
    const plan = looks(yearBackfill('BUFFER_ALL'), 50);
    expect(MAX_BUFFERED).toBe(1000);
    expect(plan.starts).toEqual([]);
    expect(plan.s.buffer).toHaveLength(MAX_BUFFERED);
    expect(plan.s.buffer[0]!.nominalMs).toBe(YEAR.fromMs);
    expect(plan.s.buffer.at(-1)!.nominalMs).toBe(YEAR.fromMs + 999 * SECOND);
    // The range goes on after the last time buffered.
    expect(plan.s.backfills).toHaveLength(1);
    expect(plan.s.backfills[0]!.fromMs).toBeGreaterThan(YEAR.fromMs + 999 * SECOND);
    expect(plan.s.backfills[0]!.fromMs).toBeLessThanOrEqual(YEAR.fromMs + 1000 * SECOND);
    expect(plan.s.counts).toMatchObject({ skippedOverlap: 0 });
    // Nothing to do until the run closes: look again later, not at once.
    expect(plan.wakeAtMs).toBe(T0 + RECHECK_MS);
    // The run closes: the first buffered time starts, one more time of the range is buffered.
    const next = planTick('s', plan.s, T0 + RECHECK_MS, new Map([['r-open', 'COMPLETED']]));
    expect(next.starts).toEqual([YEAR.fromMs]);
    expect(next.s.buffer).toHaveLength(MAX_BUFFERED);
    expect(next.s.buffer.at(-1)!.nominalMs).toBe(YEAR.fromMs + 1000 * SECOND);
  });

  it('BUFFER_ALL with a full buffer: due times of the spec are dropped, counted as skipped and dropped', () => {
    const full = Array.from({ length: MAX_BUFFERED }, (_, i) => ({
      nominalMs: T0 - DAY + i * SECOND,
      overlap: 'BUFFER_ALL' as const,
    }));
    const s = yearBackfill('BUFFER_ALL', {
      state: { paused: false, note: '' },
      backfills: [],
      buffer: full,
      nextNominalMs: T0 - 4 * SECOND,
    });
    const plan = planTick('s', s, T0, new Map());
    expect(plan.starts).toEqual([]);
    expect(plan.s.buffer).toEqual(full);
    expect(plan.s.counts).toMatchObject({ skippedOverlap: 5, bufferDropped: 5 });
    expect(plan.s.nextNominalMs).toBe(T0 + SECOND);
  });

  it('SKIP over a year with a run open: every time is skipped in one look, without a start', () => {
    const plan = looks(yearBackfill('SKIP'), 3);
    expect(plan.starts).toEqual([]);
    expect(plan.s.backfills).toEqual([]);
    expect(plan.s.counts.skippedOverlap).toBe(SECONDS_IN_YEAR);
    // Nothing is running: the first time starts, the others are skipped.
    const idle = looks(yearBackfill('SKIP', { running: [] }), 3);
    expect(idle.starts).toEqual([YEAR.fromMs]);
    expect(idle.s.counts.skippedOverlap).toBe(SECONDS_IN_YEAR - 1);
    expect(idle.s.backfills).toEqual([]);
  });

  it('SKIP over six hours of a cron spec: stepped over in bounded looks, each time counted once', () => {
    const s = yearBackfill('SKIP', {
      spec: { cron: ['* * * * * *'], intervals: [], timezone: 'UTC', jitterMs: 0 },
      backfills: [{ fromMs: YEAR.fromMs, toMs: YEAR.fromMs + DAY / 4 - SECOND, overlap: 'SKIP' }],
    });
    const first = planTick('s', s, T0, new Map());
    expect(first.wakeAtMs).toBe(T0); // not done in one look: look again at once
    const plan = looks(s, 1000);
    expect(plan.s.backfills).toEqual([]);
    expect(plan.s.counts.skippedOverlap).toBe(86_400 / 4);
    expect(plan.wakeAtMs).not.toBe(T0);
  });

  it('CANCEL_OTHER over a year: the open run is asked to cancel; only the last time waits', () => {
    const plan = looks(yearBackfill('CANCEL_OTHER'), 3);
    expect(plan.cancel).toEqual([OPEN]);
    expect(plan.s.backfills).toEqual([]);
    expect(plan.s.buffer.map((b) => b.nominalMs)).toEqual([YEAR.toMs]);
    expect(plan.s.counts.skippedOverlap).toBe(SECONDS_IN_YEAR - 1);
  });

  it('ALLOW_ALL over a year: a look starts at most its share, then asks to be looked at again at once', () => {
    const plan = planTick('s', yearBackfill('ALLOW_ALL'), T0, new Map());
    expect(plan.starts).toHaveLength(MAX_ACTIONS_PER_TICK);
    expect(plan.starts[0]).toBe(YEAR.fromMs);
    expect(plan.s.buffer).toEqual([]);
    expect(plan.wakeAtMs).toBe(T0);
    // ALLOW_ALL runs are not kept as running (as Temporal's), unless failures pause the schedule.
    expect(plan.tracked.includes(true)).toBe(false);
    const watched = yearBackfill('ALLOW_ALL', {
      policies: { overlap: 'ALLOW_ALL', catchupWindowMs: DAY, pauseOnFailure: true },
    });
    expect(planTick('s', watched, T0, new Map()).tracked.every((t) => t)).toBe(true);
  });

  it('ten days down with a 1 h catch-up window: every time older is counted missed, the rest skipped but one', () => {
    const s = yearBackfill('SKIP', {
      state: { paused: false, note: '' },
      backfills: [],
      running: [],
      nextNominalMs: T0 - 10 * DAY,
      policies: { overlap: 'SKIP', catchupWindowMs: 3600 * SECOND, pauseOnFailure: false },
    });
    const plan = looks(s, 5);
    expect(plan.s.counts.missedCatchupWindow).toBe(10 * 86_400 - 3600);
    expect(plan.starts).toEqual([T0 - 3600 * SECOND]);
    expect(plan.s.counts.skippedOverlap).toBe(3600);
    expect(plan.s.nextNominalMs).toBe(T0 + SECOND);
  });
});

describe('a paused schedule', () => {
  const failedRun = new Map([[OPEN.runId, 'FAILED' as const]]);
  const waitingSpecTime = { nominalMs: T0 - MINUTE, overlap: 'BUFFER_ONE' as const };

  it('pausing on a failure drops the spec time waiting behind the failed run (as Temporal)', () => {
    const s = schedule('BUFFER_ONE', {
      state: { paused: false, note: '' },
      policies: { overlap: 'BUFFER_ONE', catchupWindowMs: DAY, pauseOnFailure: true },
      backfills: [],
      buffer: [waitingSpecTime],
      nextNominalMs: T0 + MINUTE,
    });
    const plan = planTick('s', s, T0, failedRun);
    expect(plan.s.state.paused).toBe(true);
    expect(plan.starts).toEqual([]);
    expect(plan.s.buffer).toEqual([]);
  });

  it('a paused schedule still runs a waiting trigger and its backfill times, not its waiting spec times', () => {
    const trigger = { nominalMs: T0, overlap: 'ALLOW_ALL' as const, manual: true };
    const specTime = { ...waitingSpecTime, overlap: 'ALLOW_ALL' as const };
    const s = schedule('ALLOW_ALL', { running: [], buffer: [specTime, trigger] });
    const plan = planTick('s', s, T0, new Map());
    expect(plan.starts).toEqual([T0, T0, T0 + MINUTE, T0 + 2 * MINUTE]);
  });
});

it('jitter longer than the catch-up window: a worker looking every 10 s misses none of a day', () => {
  const spec = resolveSpec({ intervals: [{ every: '1h' }], jitter: '30m' }, T0);
  let s = schedule('ALLOW_ALL', {
    spec,
    policies: { overlap: 'ALLOW_ALL', catchupWindowMs: 10 * MINUTE, pauseOnFailure: false },
    state: { paused: false, note: '' },
    nextNominalMs: T0,
    backfills: [],
    running: [],
  });
  let starts = 0;
  for (let now = T0; now <= T0 + DAY; now += 10 * SECOND) {
    let plan;
    do {
      plan = planTick('s', s, now, new Map());
      s = plan.s;
      starts += plan.starts.length;
    } while (plan.wakeAtMs === now);
  }
  expect(s.counts.missedCatchupWindow).toBe(0);
  expect(starts).toBeGreaterThanOrEqual(24);
});
