import { durationMs, type Duration } from '../common/duration.js';
import { ValidationError } from '../common/errors.js';
import type { Logger } from '../common/logger.js';
import type { ActivityInterface, WorkflowDefinition } from '../runtime/definitions.js';
import type { WorkerHooks } from './services.js';
import { resolveContinueAsNewThresholds, type ContinueAsNewThresholds } from '../runtime/continue-as-new.js';

/** Options of a worker, as Temporal's `WorkerOptions` where they overlap. */
export interface WorkerOptions {
  /** The task queue this worker polls. Required. */
  taskQueue: string;
  /** Workflow types it runs. @default [] */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  workflows?: readonly WorkflowDefinition<any, any>[];
  /** Activities it runs, as an object of async functions. @default {} */
  activities?: object;
  /** Activity attempts running at once. @default 100 */
  maxConcurrentActivities?: number;
  /**
   * Activity attempts this worker starts per second at most, its own and activity tasks alike
   * (spaced evenly), as Temporal's `maxActivitiesPerSecond`. @default unlimited
   */
  maxActivitiesPerSecond?: number;
  /** Executions held in memory at once (claimed and working). @default 1000 */
  maxConcurrentWorkflows?: number;
  /** Length of an execution lease; renewed every third of it while held. @default '30s' */
  leaseTimeout?: Duration;
  /** How often the store is polled for work from other processes. @default '100ms' */
  pollInterval?: Duration;
  /** How long shutdown waits for running attempts before handing them back. @default '10s' */
  shutdownGraceTime?: Duration;
  /** A name for this worker's identity (`pid@host/name-xxxxxxxx`). @default 'worker' */
  identity?: string;
  /** Observers of attempts and outcomes. */
  hooks?: WorkerHooks;
  /** Logger of the worker and of `ctx.logger`. @default the engine's */
  logger?: Logger;
  /**
   * When `ctx.info.continueAsNewSuggested` turns true: a history of at least `historyLength`
   * events or `historySizeBytes` bytes. Give every worker of a task queue the same bounds (a
   * workflow that branches on the flag replays the same way only then).
   * @default { historyLength: 10_000, historySizeBytes: 10 MB }
   * @throws ValidationError when a bound is not an integer ≥ 1.
   */
  continueAsNewSuggestedAt?: Partial<ContinueAsNewThresholds>;
}

/** {@link WorkerOptions} resolved once, validated and frozen. */
export interface ResolvedWorkerOptions {
  readonly taskQueue: string;
  readonly workflows: readonly WorkflowDefinition[];
  readonly activities: ActivityInterface;
  readonly maxConcurrentActivities: number;
  readonly maxActivitiesPerSecond: number | undefined;
  readonly maxConcurrentWorkflows: number;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly shutdownGraceMs: number;
  readonly identity: string;
  readonly hooks: WorkerHooks;
  readonly logger: Logger | undefined;
  readonly continueAsNewThresholds: ContinueAsNewThresholds;
}

function positiveInt(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1)
    throw new ValidationError(`${field}: expected an integer ≥ 1, got ${String(value)}`);
  return v;
}

/**
 * Validates and resolves worker options.
 *
 * @throws ValidationError naming the field.
 */
export function resolveWorkerOptions(o: WorkerOptions): ResolvedWorkerOptions {
  if (typeof o.taskQueue !== 'string' || o.taskQueue === '')
    throw new ValidationError('taskQueue: expected a non-empty string');
  const workflows = (o.workflows ?? []) as readonly WorkflowDefinition[];
  const names = new Set<string>();
  for (const w of workflows) {
    if (typeof w?.name !== 'string' || typeof w.fn !== 'function') {
      throw new ValidationError('workflows: expected definitions made with defineWorkflow()');
    }
    if (names.has(w.name))
      throw new ValidationError(`workflows: workflow type '${w.name}' is registered twice`);
    names.add(w.name);
  }
  const activities = (o.activities ?? {}) as ActivityInterface;
  for (const [name, fn] of Object.entries(activities)) {
    if (typeof fn !== 'function') throw new ValidationError(`activities.${name}: expected an async function`);
  }
  const perSecond = o.maxActivitiesPerSecond;
  if (
    perSecond !== undefined &&
    !(typeof perSecond === 'number' && Number.isFinite(perSecond) && perSecond > 0)
  )
    throw new ValidationError(`maxActivitiesPerSecond: expected a number > 0, got ${String(perSecond)}`);
  const leaseMs = durationMs(o.leaseTimeout ?? '30s', 'leaseTimeout');
  if (leaseMs < 30) throw new ValidationError('leaseTimeout: expected at least 30 ms');
  return Object.freeze({
    taskQueue: o.taskQueue,
    workflows,
    activities,
    maxConcurrentActivities: positiveInt(o.maxConcurrentActivities, 100, 'maxConcurrentActivities'),
    maxActivitiesPerSecond: perSecond,
    maxConcurrentWorkflows: positiveInt(o.maxConcurrentWorkflows, 1000, 'maxConcurrentWorkflows'),
    leaseMs,
    pollIntervalMs: Math.max(1, durationMs(o.pollInterval ?? 100, 'pollInterval')),
    shutdownGraceMs: durationMs(o.shutdownGraceTime ?? '10s', 'shutdownGraceTime'),
    identity: o.identity ?? 'worker',
    hooks: o.hooks ?? {},
    logger: o.logger,
    continueAsNewThresholds: resolveContinueAsNewThresholds(o.continueAsNewSuggestedAt),
  });
}
