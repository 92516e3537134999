import type { ExecutionStatus } from '../common/history.js';
import {
  RECHECK_MS,
  wakeAtMs,
  type BufferedStart,
  type StoredRun,
  type StoredSchedule,
} from '../client/schedule-body.js';
import { jitterOf, nextNominalMs, nominalTimesIn } from '../client/schedule-spec.js';

/** Most actions one look at a schedule decides (the rest wait for the next look, at once). */
export const MAX_ACTIONS_PER_TICK = 100;

/** What one look at a due schedule decided. `s` is the new body, before the starts are recorded. */
export interface TickPlan {
  s: StoredSchedule;
  /** Nominal times to start, in order. */
  starts: number[];
  /** Runs to cancel (CANCEL_OTHER) or terminate (TERMINATE_OTHER) before starting. */
  cancel: StoredRun[];
  terminate: StoredRun[];
  /** When to look again. */
  wakeAtMs: number | undefined;
}

/**
 * Decides what a due schedule does now (pure: no I/O, no clock). `closed` gives the status of
 * the schedule's runs that have closed (or `'GONE'` for a run the store no longer has).
 *
 * Order: waiting starts (triggers, buffered), then the spec's due times (unless paused; older
 * than the catch-up window: counted as missed), then backfill times. Each is started when no run
 * of the schedule is running (or its overlap policy is ALLOW_ALL); otherwise its overlap policy
 * decides: SKIP drops it, BUFFER_ONE keeps one waiting, BUFFER_ALL keeps all, CANCEL_OTHER asks
 * the running runs to cancel and keeps it waiting, TERMINATE_OTHER terminates them and starts.
 */
export function planTick(
  scheduleId: string,
  input: StoredSchedule,
  nowMs: number,
  closed: ReadonlyMap<string, ExecutionStatus | 'GONE'>,
): TickPlan {
  const s = structuredClone(input);
  const failed = s.running.find((r) => ['FAILED', 'TIMED_OUT'].includes(closed.get(r.runId) ?? ''));
  s.running = s.running.filter((r) => !closed.has(r.runId));
  if (failed !== undefined && s.policies.pauseOnFailure && !s.state.paused) {
    s.state = { paused: true, note: `paused: run '${failed.workflowId}' ${closed.get(failed.runId)}` };
  }
  const candidates = s.buffer;
  s.buffer = [];
  if (!s.state.paused) dueSpecTimes(scheduleId, s, nowMs, candidates);
  backfillTimes(s, candidates);
  const plan: TickPlan = { s, starts: [], cancel: [], terminate: [], wakeAtMs: undefined };
  for (const c of candidates) decide(plan, c);
  plan.wakeAtMs = wakeAtMs(scheduleId, s, nowMs);
  // Still waiting for a run to close: look again a little later, not at once.
  if (s.buffer.length > 0 && s.backfills.length === 0 && plan.starts.length < MAX_ACTIONS_PER_TICK) {
    const next = wakeAtMs(scheduleId, { ...s, buffer: [] }, nowMs);
    plan.wakeAtMs = Math.min(next ?? Infinity, nowMs + RECHECK_MS);
  }
  return plan;
}

/** One candidate start under its overlap policy. */
function decide(plan: TickPlan, c: BufferedStart): void {
  const { s } = plan;
  const busy = s.running.length > 0 || plan.starts.length > 0;
  if (plan.starts.length >= MAX_ACTIONS_PER_TICK) {
    s.buffer.push(c);
    return;
  }
  if (!busy || c.overlap === 'ALLOW_ALL') {
    plan.starts.push(c.nominalMs);
    return;
  }
  switch (c.overlap) {
    case 'SKIP':
      s.counts.skippedOverlap++;
      return;
    case 'BUFFER_ALL':
      s.buffer.push(c);
      return;
    case 'CANCEL_OTHER':
      for (const r of s.running) if (!plan.cancel.includes(r)) plan.cancel.push(r);
      break;
    case 'TERMINATE_OTHER':
      if (s.running.length > 0 && plan.starts.length === 0) {
        plan.terminate.push(...s.running);
        s.running = [];
        plan.starts.push(c.nominalMs);
        return;
      }
      break;
    default:
      break;
  }
  if (s.buffer.length === 0) s.buffer.push(c);
  else if (c.overlap === 'CANCEL_OTHER' || c.overlap === 'TERMINATE_OTHER') {
    // The newest action waits (as Temporal's): it replaces an older one, which is skipped.
    s.buffer[s.buffer.length - 1] = c;
    s.counts.skippedOverlap++;
  } else s.counts.skippedOverlap++; // BUFFER_ONE: the first one waits, later ones are skipped.
}

/** The spec's times that are due, from the next not yet acted on. */
function dueSpecTimes(scheduleId: string, s: StoredSchedule, nowMs: number, out: BufferedStart[]): void {
  let t = s.nextNominalMs;
  let n = 0;
  for (; t !== undefined && t + jitterOf(scheduleId, t, s.spec.jitterMs) <= nowMs; n++) {
    if (n >= MAX_ACTIONS_PER_TICK) {
      // Far behind: jump to the catch-up window (the times skipped over are missed).
      if (nowMs - t > s.policies.catchupWindowMs)
        t = nextNominalMs(s.spec, nowMs - s.policies.catchupWindowMs - 1);
      break;
    }
    if (nowMs - t > s.policies.catchupWindowMs) s.counts.missedCatchupWindow++;
    else out.push({ nominalMs: t, overlap: s.policies.overlap });
    t = nextNominalMs(s.spec, t);
  }
  s.nextNominalMs = t;
}

/** The next times of the backfill ranges (a range is done once its last time is taken). */
function backfillTimes(s: StoredSchedule, out: BufferedStart[]): void {
  let budget = MAX_ACTIONS_PER_TICK;
  while (s.backfills.length > 0 && budget > 0) {
    const b = s.backfills[0]!;
    const times = nominalTimesIn(s.spec, b.fromMs, b.toMs, budget);
    for (const t of times) out.push({ nominalMs: t, overlap: b.overlap });
    budget -= times.length;
    if (budget > 0) s.backfills.shift();
    else b.fromMs = times[times.length - 1]! + 1;
  }
}
