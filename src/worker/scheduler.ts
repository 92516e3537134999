import type { Clock } from '../common/clock.js';
import type { DataConverter } from '../common/converter.js';
import { WorkflowNotFoundError } from '../common/errors.js';
import type { ExecutionStatus } from '../common/history.js';
import type { Logger } from '../common/logger.js';
import {
  parseBody,
  RECENT_ACTIONS,
  scheduledWorkflowId,
  type StoredSchedule,
} from '../client/schedule-body.js';
import { toRetryPolicy } from '../client/schedule-describe.js';
import { buildStartRequest } from '../client/start-request.js';
import type { CreateExecutionRequest, ScheduleRecord, Store } from '../store/types.js';
import { planTick, type TickPlan } from './scheduler-plan.js';

/** What a scheduler needs. */
export interface SchedulerDeps {
  store: Store;
  converter: DataConverter;
  clock: Clock;
  logger: Logger;
  /** Longest wait between two looks for due schedules (changes made by other processes), in ms. @default 1000 */
  pollIntervalMs?: number;
}

/** Schedules looked at per query. */
const DUE_BATCH = 50;

/** Shortest wait between two looks at the schedules, even with work left (other work runs meanwhile), in ms. */
const MIN_GAP_MS = 10;

/** Lets the event loop turn (timers, I/O, signal handlers) before going on. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The firing loop of schedules: looks for due schedules, decides what each does
 * ({@link planTick}) and writes that with the schedule's conflict token, the workflow starts in
 * the same transaction. When several processes look at the same schedule, the first write wins
 * and the others find the token moved, so each nominal time starts at most one run; the run's id
 * (`<prefix>-<nominal time>`, started with REJECT_DUPLICATE) makes a second start impossible anyway.
 *
 * Every worker uses one, shared by the workers of a process on the same store ({@link startScheduler}).
 *
 * It never holds the event loop: each look at a schedule is bounded ({@link planTick}), the loop
 * lets the event loop turn after each schedule, and waits at least {@link MIN_GAP_MS} between two
 * rounds, so a large backfill goes on in batches while the worker's other work runs and a
 * shutdown is honoured between two batches.
 */
export class Scheduler {
  private closed = false;
  private wake: (() => void) | undefined;
  private woken = false;
  /** True while this scheduler writes: its own writes do not wake it (it looks at the wake-up times after). */
  private writing = false;
  private readonly loop: Promise<void>;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: SchedulerDeps) {
    this.unsubscribe = deps.store.schedules.onChange(() => {
      if (!this.writing) this.poke();
    });
    this.loop = this.run();
  }

  /** Stops looking; resolves once the loop no longer uses the store. */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    this.poke();
    await this.loop;
  }

  private poke(): void {
    if (this.wake !== undefined) this.wake();
    else this.woken = true;
  }

  private async run(): Promise<void> {
    const pollMs = this.deps.pollIntervalMs ?? 1000;
    while (!this.closed) {
      let delayMs = pollMs;
      try {
        await this.tick();
        const next = await this.deps.store.schedules.nextWakeMs();
        if (next !== undefined)
          delayMs = Math.min(pollMs, Math.max(MIN_GAP_MS, next - this.deps.clock.nowMs()));
      } catch (err) {
        if (this.closed) break;
        this.deps.logger.error('scheduler: looking at due schedules failed', {
          error: (err as Error).message,
        });
      }
      if (this.closed) break;
      if (this.woken) {
        // A change by a client: look again now, once the event loop has turned.
        this.woken = false;
        await yieldToEventLoop();
        continue;
      }
      await new Promise<void>((resolve) => {
        const cancel = this.deps.clock.setTimer(() => done(), delayMs, 'poll');
        const done = (): void => {
          cancel();
          this.wake = undefined;
          resolve();
        };
        this.wake = done;
      });
    }
  }

  private async tick(): Promise<void> {
    const due = await this.deps.store.schedules.due(this.deps.clock.nowMs(), DUE_BATCH);
    for (const rec of due) {
      if (this.closed) return;
      try {
        await this.fire(rec);
      } catch (err) {
        this.deps.logger.error('scheduler: a schedule could not act', {
          scheduleId: rec.scheduleId,
          error: (err as Error).message,
        });
      }
      await yieldToEventLoop(); // SQLite answers synchronously: without this, nothing else would run
    }
  }

  /** Acts on one due schedule: refreshes its running runs, plans, cancels/terminates, writes with starts. */
  private async fire(rec: ScheduleRecord): Promise<void> {
    const { store, clock } = this.deps;
    const current = parseBody(rec.body);
    const closed = new Map<string, ExecutionStatus | 'GONE'>();
    for (const r of current.running) {
      const e = await store.getExecution(r.workflowId, r.runId);
      if (e === undefined) closed.set(r.runId, 'GONE');
      else if (e.status !== 'RUNNING') closed.set(r.runId, e.status);
    }
    const nowMs = clock.nowMs();
    const plan = planTick(rec.scheduleId, current, nowMs, closed);
    const why = (policy: string) => `schedule '${rec.scheduleId}': overlap policy ${policy}`;
    for (const r of plan.cancel)
      await ignoreClosed(store.requestCancel(r.workflowId, r.runId, why('CANCEL_OTHER'), nowMs));
    for (const r of plan.terminate)
      await ignoreClosed(store.terminate(r.workflowId, r.runId, why('TERMINATE_OTHER'), nowMs));
    const starts = plan.starts.map((t) => this.startRequest(rec, plan.s, t, nowMs));
    const body = JSON.stringify(plan.s);
    if (starts.length === 0 && body === rec.body && plan.wakeAtMs === rec.wakeAtMs) return;
    this.writing = true;
    try {
      await store.schedules.write({
        scheduleId: rec.scheduleId,
        expectedToken: rec.conflictToken,
        nowMs,
        args: rec.args,
        wakeAtMs: plan.wakeAtMs,
        starts,
        body: (started) => JSON.stringify(recordStarts(plan, starts, started, nowMs)),
      });
    } finally {
      this.writing = false;
    }
  }

  /** The start of the run of nominal time `nominalMs`, with the schedule's stored arguments. */
  private startRequest(
    rec: ScheduleRecord,
    s: StoredSchedule,
    nominalMs: number,
    nowMs: number,
  ): CreateExecutionRequest {
    const a = s.action;
    const req = buildStartRequest(this.deps.converter, nowMs, a.workflowType, {
      taskQueue: a.taskQueue,
      workflowId: scheduledWorkflowId(a.workflowIdPrefix, nominalMs),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...(a.executionTimeoutMs === undefined ? {} : { workflowExecutionTimeout: a.executionTimeoutMs }),
      ...(a.runTimeoutMs === undefined ? {} : { workflowRunTimeout: a.runTimeoutMs }),
      ...(a.retry === undefined ? {} : { retry: toRetryPolicy(a.retry)! }),
      searchAttributes: { BatonScheduledById: rec.scheduleId, BatonScheduledStartTime: new Date(nominalMs) },
    });
    return { ...req, startEvent: { ...req.startEvent, payload: rec.args } };
  }
}

/** The body once the starts written are recorded (running runs that are tracked, recent actions, count). */
function recordStarts(
  plan: TickPlan,
  starts: readonly CreateExecutionRequest[],
  started: readonly boolean[],
  nowMs: number,
): StoredSchedule {
  const out = structuredClone(plan.s);
  starts.forEach((req, i) => {
    if (started[i] !== true) return; // that nominal time's run exists already
    const run = { workflowId: req.workflowId, runId: req.runId };
    if (plan.tracked[i] === true) out.running.push(run);
    out.recent.push({ ...run, scheduledAtMs: plan.starts[i]!, takenAtMs: nowMs });
    out.counts.actions++;
  });
  out.recent = out.recent.slice(-RECENT_ACTIONS);
  return out;
}

async function ignoreClosed(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
}

const shared = new WeakMap<Store, { scheduler: Scheduler; users: number }>();

/**
 * Starts the scheduler of `deps.store` in this process, or joins the one running; returns the
 * function that leaves it (the last to leave closes it).
 *
 * @example
 * const stop = startScheduler({ store, converter, clock, logger });
 * // …
 * await stop();
 */
export function startScheduler(deps: SchedulerDeps): () => Promise<void> {
  let entry = shared.get(deps.store);
  if (entry === undefined) {
    entry = { scheduler: new Scheduler(deps), users: 0 };
    shared.set(deps.store, entry);
  }
  entry.users++;
  const mine = entry;
  let left = false;
  return async () => {
    if (left) return;
    left = true;
    if (--mine.users > 0) return;
    if (shared.get(deps.store) === mine) shared.delete(deps.store);
    await mine.scheduler.close();
  };
}
