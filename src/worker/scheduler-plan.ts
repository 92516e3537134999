import type { ExecutionStatus } from '../common/history.js';
import {
  RECHECK_MS,
  wakeAtMs,
  type BufferedStart,
  type ScheduleOverlapPolicy,
  type StoredRun,
  type StoredSchedule,
} from '../client/schedule-body.js';
import { jitterOf, nextNominalMs, skimTimes, stepCost, type Skim } from '../client/schedule-spec.js';

/** Most actions one look at a schedule starts (the rest wait for the next look, at once). */
export const MAX_ACTIONS_PER_TICK = 100;

/**
 * Most starts a schedule keeps waiting (Temporal's `MaxBufferSize`). Past it, a due time of the
 * spec or a trigger is dropped (counted as skipped, and as dropped), while a backfill's times stay
 * in their range until there is room: a backfill loses none.
 */
export const MAX_BUFFERED = 1000;

/**
 * Work one look may spend stepping over nominal times, in {@link stepCost} units: 100,000 times of
 * intervals or 500 of cron expressions (some 10 ms). A look that runs out stops and asks to be
 * looked at again at once, so the scheduler yields to the event loop in between.
 */
export const STEPS_PER_TICK = 100_000;

/** What one look at a due schedule decided. `s` is the new body, before the starts are recorded. */
export interface TickPlan {
  s: StoredSchedule;
  /** Nominal times to start, in order. */
  starts: number[];
  /**
   * For each start, whether the schedule keeps it among its running runs. ALLOW_ALL starts are
   * not kept (as Temporal's since 1.23: they take no part in overlap decisions), unless the
   * schedule pauses on failure and so watches every run.
   */
  tracked: boolean[];
  /** Runs to cancel (CANCEL_OTHER) or terminate (TERMINATE_OTHER) before starting. */
  cancel: StoredRun[];
  terminate: StoredRun[];
  /** When to look again. */
  wakeAtMs: number | undefined;
}

/** One look in progress: the plan, the step budget left, and whether work is left for the next look. */
interface Look {
  plan: TickPlan;
  budget: number;
  more: boolean;
}

/**
 * Decides what a due schedule does now (pure: no I/O, no clock). `closed` gives the status of
 * the schedule's runs that have closed (or `'GONE'` for a run the store no longer has).
 *
 * Order: waiting starts (triggers, buffered; while paused only triggers and backfill times,
 * the spec's waiting times are dropped, as Temporal's), then the spec's due times (unless paused; older
 * than the catch-up window: counted as missed), then backfill times. Each is started when no run
 * of the schedule is running (or its overlap policy is ALLOW_ALL); otherwise its overlap policy
 * decides: SKIP drops it, BUFFER_ONE keeps one waiting, BUFFER_ALL keeps all (up to
 * {@link MAX_BUFFERED}), CANCEL_OTHER asks the running runs to cancel and keeps it waiting,
 * TERMINATE_OTHER terminates them and starts.
 *
 * A look is bounded: at most {@link MAX_ACTIONS_PER_TICK} starts and {@link STEPS_PER_TICK} of
 * stepping. Times that would all be dropped the same way (SKIP behind a running run, missed
 * catch-up window …) are counted a range at a time, not one by one.
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
  const look: Look = {
    plan: { s, starts: [], tracked: [], cancel: [], terminate: [], wakeAtMs: undefined },
    budget: STEPS_PER_TICK,
    more: false,
  };
  const waiting = s.buffer;
  s.buffer = [];
  // While paused (by hand, or just now by a failure) only triggers and backfills start.
  for (const c of waiting) if (!s.state.paused || c.manual === true) decide(look, c);
  if (!s.state.paused) dueSpecTimes(scheduleId, look, nowMs);
  backfillTimes(look);
  look.plan.wakeAtMs = nextLookMs(scheduleId, look, nowMs);
  return look.plan;
}

/** Now when work is left; a little later when starts wait for a run to close; else the spec's next time. */
function nextLookMs(scheduleId: string, look: Look, nowMs: number): number | undefined {
  const { s } = look.plan;
  if (look.more) return nowMs;
  const next = wakeAtMs(scheduleId, { ...s, buffer: [], backfills: [] }, nowMs);
  if (s.buffer.length === 0 && s.backfills.length === 0) return next;
  return Math.min(next ?? Infinity, nowMs + RECHECK_MS);
}

/** Whether a run of the schedule runs (or starts in this look) that overlap policies must mind. */
function busy(plan: TickPlan): boolean {
  return plan.s.running.length > 0 || plan.tracked.includes(true);
}

function start(plan: TickPlan, c: BufferedStart): void {
  plan.starts.push(c.nominalMs);
  plan.tracked.push(c.overlap !== 'ALLOW_ALL' || plan.s.policies.pauseOnFailure);
}

/** One candidate start under its overlap policy. */
function decide(look: Look, c: BufferedStart): void {
  const { plan } = look;
  const { s } = plan;
  if (plan.starts.length >= MAX_ACTIONS_PER_TICK) {
    s.buffer.push(c); // a waiting start keeps its place for the next look
    look.more = true;
    return;
  }
  if (!busy(plan) || c.overlap === 'ALLOW_ALL') {
    start(plan, c);
    return;
  }
  switch (c.overlap) {
    case 'SKIP':
      s.counts.skippedOverlap++;
      return;
    case 'BUFFER_ALL':
      if (s.buffer.length < MAX_BUFFERED) s.buffer.push(c);
      else dropped(s, 1);
      return;
    case 'CANCEL_OTHER':
      cancelRunning(plan);
      break;
    case 'TERMINATE_OTHER':
      if (s.running.length > 0 && !plan.tracked.includes(true)) {
        plan.terminate.push(...s.running);
        s.running = [];
        start(plan, c);
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

function cancelRunning(plan: TickPlan): void {
  for (const r of plan.s.running) if (!plan.cancel.includes(r)) plan.cancel.push(r);
}

/** `n` starts dropped because the buffer is full: skipped (overlap), of which dropped. */
function dropped(s: StoredSchedule, n: number): void {
  s.counts.skippedOverlap += n;
  s.counts.bufferDropped = (s.counts.bufferDropped ?? 0) + n;
}

/**
 * Whether every further time of `overlap` would be decided alike now (so a range of them can be
 * counted at once): skipped (SKIP; BUFFER_ONE with one waiting), replacing the one waiting
 * (CANCEL_OTHER, TERMINATE_OTHER once their run is dealt with), or dropped (BUFFER_ALL with the
 * buffer full; only for the spec's times: a backfill waits for room instead).
 */
function alike(plan: TickPlan, overlap: ScheduleOverlapPolicy, fromSpec: boolean): boolean {
  const { s } = plan;
  if (!busy(plan)) return false;
  switch (overlap) {
    case 'SKIP':
      return true;
    case 'BUFFER_ONE':
    case 'CANCEL_OTHER':
      return s.buffer.length > 0;
    case 'TERMINATE_OTHER':
      return s.buffer.length > 0 && !(s.running.length > 0 && !plan.tracked.includes(true));
    case 'BUFFER_ALL':
      return fromSpec && s.buffer.length >= MAX_BUFFERED;
    default:
      return false;
  }
}

/**
 * Decides the times `skim` counted, all alike (see {@link alike}), as {@link decide} would one by
 * one; `manual` for a backfill's times.
 */
function decideAlike(look: Look, overlap: ScheduleOverlapPolicy, skim: Skim, manual: boolean): void {
  const { plan } = look;
  const { s } = plan;
  look.budget -= skim.cost;
  if (skim.count === 0) return;
  if (overlap === 'BUFFER_ALL') return dropped(s, skim.count);
  s.counts.skippedOverlap += skim.count;
  if (overlap === 'CANCEL_OTHER' || overlap === 'TERMINATE_OTHER') {
    s.buffer[s.buffer.length - 1] = { nominalMs: skim.lastMs!, overlap, ...(manual ? { manual } : {}) };
    if (overlap === 'CANCEL_OTHER') cancelRunning(plan);
  }
}

/** True (and the look marked to go on) when this look has no starts or steps left. */
function spent(look: Look): boolean {
  if (look.plan.starts.length < MAX_ACTIONS_PER_TICK && look.budget > 0) return false;
  look.more = true;
  return true;
}

/** The spec's times that are due, from the next not yet acted on. */
function dueSpecTimes(scheduleId: string, look: Look, nowMs: number): void {
  const { s } = look.plan;
  const { spec, policies } = s;
  const overlap = policies.overlap;
  // Times before this are missed: lateness counts from the time plus its jitter (at most
  // `jitterMs`), or a healthy worker would miss every time jittered past the window.
  const missedBeforeMs = nowMs - policies.catchupWindowMs - spec.jitterMs;
  let t = s.nextNominalMs;
  while (t !== undefined && t + jitterOf(scheduleId, t, spec.jitterMs) <= nowMs && !spent(look)) {
    if (t < missedBeforeMs) {
      const skim = skimTimes(spec, t, missedBeforeMs - 1, look.budget);
      look.budget -= skim.cost;
      s.counts.missedCatchupWindow += skim.count;
      t = skim.nextMs ?? nextNominalMs(spec, missedBeforeMs - 1);
    } else if (alike(look.plan, overlap, true) && t <= nowMs - spec.jitterMs) {
      // Every time up to now − jitter is due whatever its jitter.
      const skim = skimTimes(spec, t, nowMs - spec.jitterMs, look.budget);
      decideAlike(look, overlap, skim, false);
      t = skim.nextMs ?? nextNominalMs(spec, nowMs - spec.jitterMs);
    } else {
      decide(look, { nominalMs: t, overlap });
      look.budget -= stepCost(spec);
      t = nextNominalMs(spec, t);
    }
  }
  s.nextNominalMs = t;
}

/** The next times of the backfill ranges (a range is done once its last time is taken). */
function backfillTimes(look: Look): void {
  const { plan } = look;
  const { s } = plan;
  while (s.backfills.length > 0 && !spent(look)) {
    const b = s.backfills[0]!;
    // BUFFER_ALL with the buffer full: the range waits for room (nothing is dropped).
    if (b.overlap === 'BUFFER_ALL' && busy(plan) && s.buffer.length >= MAX_BUFFERED) return;
    if (alike(plan, b.overlap, false)) {
      const skim = skimTimes(s.spec, b.fromMs, b.toMs, look.budget);
      decideAlike(look, b.overlap, skim, true);
      if (skim.nextMs === undefined) s.backfills.shift();
      else b.fromMs = skim.nextMs;
      continue;
    }
    const t = nextNominalMs(s.spec, b.fromMs - 1);
    look.budget -= stepCost(s.spec);
    if (t === undefined || t > b.toMs) {
      s.backfills.shift();
      continue;
    }
    b.fromMs = t + 1;
    decide(look, { nominalMs: t, overlap: b.overlap, manual: true });
  }
}
