/**
 * The overlap decisions of a schedule's look (pure): with a run still open and several actions
 * due, SKIP drops them, BUFFER_ONE keeps the first, CANCEL_OTHER and TERMINATE_OTHER keep the
 * newest (as Temporal's), ALLOW_ALL starts them all.
 */
import { describe, expect, it } from 'vitest';
import type { ScheduleOverlapPolicy, StoredSchedule } from '../../src/client/schedule-body.js';
import { planTick } from '../../src/worker/scheduler-plan.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0);

/** A paused schedule with one run open and a backfill of three minutes (T0 .. T0 + 2 min). */
function schedule(overlap: ScheduleOverlapPolicy): StoredSchedule {
  return {
    spec: { cron: [], intervals: [{ everyMs: MINUTE, offsetMs: 0 }], timezone: 'UTC', jitterMs: 0 },
    action: { workflowType: 'W', taskQueue: 'q', workflowIdPrefix: 's' },
    policies: { overlap, catchupWindowMs: 365 * 24 * 3600_000, pauseOnFailure: false },
    state: { paused: true, note: '' },
    buffer: [],
    backfills: [{ fromMs: T0, toMs: T0 + 2 * MINUTE, overlap }],
    running: [{ workflowId: 's-open', runId: 'r-open' }],
    recent: [],
    counts: { actions: 0, missedCatchupWindow: 0, skippedOverlap: 0 },
  };
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
