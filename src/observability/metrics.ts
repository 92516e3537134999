import { createRequire } from 'node:module';
import type { Gauge, Registry } from 'prom-client';
import { systemClock, type Clock } from '../common/clock.js';
import { silentLogger, type Logger } from '../common/logger.js';
import type { Store } from '../store/types.js';
import type { WorkerHooks } from '../worker/services.js';
import { makeMetricSet, type MetricSet } from './metric-set.js';

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Prefix of every metric name. @default 'baton_' */
  prefix?: string;
  /** Where the metrics are registered. @default a new prom-client `Registry` */
  registry?: Registry;
  /**
   * Also collect prom-client's default Node process metrics (CPU, memory, event-loop lag, GC),
   * under their usual names (`process_…`, `nodejs_…`, not prefixed). Once on, they stay on for
   * the registry's life. @default false
   */
  collectDefault?: boolean;
  /** The clock whose `nowMs()` tells the store which tasks are due (backlog). @default the system clock */
  clock?: Clock;
  /** Where a failed backlog read is reported (the gauge is then empty for that scrape). @default silent */
  logger?: Logger;
}

type PromClient = typeof import('prom-client');
/** prom-client is loaded by the first createMetrics, so that importing Baton does not load it. */
const load = createRequire(import.meta.url);

/** Baton's Prometheus metrics: install {@link hooks} on workers, serve {@link metrics} on `/metrics`. */
export interface BatonMetrics {
  /** The prom-client registry holding them. */
  readonly registry: Registry;
  /** The worker hooks that feed them: `BatonOptions.hooks` or a worker's `hooks`. */
  readonly hooks: WorkerHooks;
  /** The `Content-Type` of {@link metrics}' text (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** The registry's metrics in Prometheus text format, the backlog read from the store now. */
  metrics(): Promise<string>;
}

/**
 * Prometheus metrics of the workers of this process (names and labels in docs/observability.md),
 * with prom-client: workflow starts and closes by type, activity attempts by outcome and their
 * latency, schedule-to-start latency, lease expiries, group-commit batch sizes, and each task
 * queue's backlog, read from `store` when scraped. Counts are per process: sum them across
 * processes (a run is counted started by the one worker that ran its first workflow task).
 *
 * @param store - the store the backlog is read from (`baton.store`).
 * @throws Error (prom-client's) when `registry` already holds a metric of the same name (e.g.
 *   `createMetrics` called twice on one registry with one prefix).
 * @example
 * const metrics = createMetrics(baton.store);
 * baton.worker({ taskQueue: 'capture', workflows: [capturePokemon], activities, hooks: metrics.hooks });
 * http.createServer(async (_req, res) => {
 *   res.setHeader('Content-Type', metrics.contentType);
 *   res.end(await metrics.metrics());
 * }).listen(9464);
 */
export function createMetrics(store: Store, options: MetricsOptions = {}): BatonMetrics {
  const prom = load('prom-client') as PromClient;
  const registry = options.registry ?? new prom.Registry();
  const prefix = options.prefix ?? 'baton_';
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const collectBacklog = async (gauge: Gauge<'task_queue' | 'kind'>): Promise<void> => {
    gauge.reset();
    try {
      for (const row of await store.taskQueueBacklog(clock.nowMs()))
        gauge.set({ task_queue: row.taskQueue, kind: row.kind }, row.count);
    } catch (err) {
      logger.warn('metrics: reading the task queue backlog failed', { error: (err as Error).message });
    }
  };
  const set = makeMetricSet(prom, registry, prefix, collectBacklog);
  if (options.collectDefault === true) prom.collectDefaultMetrics({ register: registry });
  return {
    registry,
    hooks: metricHooks(set),
    get contentType() {
      return registry.contentType;
    },
    metrics: () => registry.metrics(),
  };
}

/** Activity outcomes as label values. */
const OUTCOME_LABEL = { completed: 'completed', failed: 'failed', 'timed out': 'timed_out' } as const;

/** The hooks that update `m`. */
function metricHooks(m: MetricSet): WorkerHooks {
  return {
    onWorkflowTaken(e) {
      if (e.firstTask) m.workflowsStarted.inc({ workflow_type: e.workflowType });
      if (e.leaseExpired) m.leaseExpiries.inc({ task_queue: e.taskQueue });
      if (e.scheduleToStartMs !== undefined)
        m.scheduleToStart.observe({ task_queue: e.taskQueue, kind: 'workflow' }, e.scheduleToStartMs / 1000);
    },
    onWorkflowClosed(e) {
      m.workflowsClosed[e.status].inc({ workflow_type: e.workflowType });
      m.workflowDuration.observe({ workflow_type: e.workflowType, status: e.status }, e.durationMs / 1000);
    },
    onWorkflowReleased(e) {
      m.workflowReleases.inc({ task_queue: e.taskQueue, reason: e.reason.replace(' ', '_') });
    },
    onActivityStarted(e) {
      m.scheduleToStart.observe({ task_queue: e.taskQueue, kind: 'activity' }, e.scheduleToStartMs / 1000);
    },
    onActivityAttempt(e) {
      m.activityAttempts.inc({ activity_type: e.activityType, outcome: OUTCOME_LABEL[e.outcome] });
      m.activityLatency.observe({ activity_type: e.activityType }, e.elapsedMs / 1000);
    },
    onGroupCommit(e) {
      m.groupCommit.observe(e.writes);
    },
  };
}
