import type { Counter, Gauge, Histogram, Registry } from 'prom-client';

type PromClient = typeof import('prom-client');

/** Buckets of the latency histograms, in seconds: 1 ms to 5 min. */
export const LATENCY_BUCKETS_S = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
];
/** Buckets of the workflow run duration histogram, in seconds: 10 ms to 1 day. */
export const RUN_DURATION_BUCKETS_S = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400];
/** Buckets of the group-commit batch size histogram, in writes. */
export const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/** Close statuses and the suffix of the counter each increments (`<prefix>workflows_<suffix>_total`). */
export const CLOSED_COUNTERS = {
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELED: 'canceled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed_out',
  CONTINUED_AS_NEW: 'continued_as_new',
} as const;

/** Baton's instruments, registered in one registry under one prefix (see docs/observability.md). */
export interface MetricSet {
  workflowsStarted: Counter<'workflow_type'>;
  workflowsClosed: Record<keyof typeof CLOSED_COUNTERS, Counter<'workflow_type'>>;
  workflowDuration: Histogram<'workflow_type' | 'status'>;
  workflowReleases: Counter<'task_queue' | 'reason'>;
  leaseExpiries: Counter<'task_queue'>;
  activityAttempts: Counter<'activity_type' | 'outcome'>;
  activityLatency: Histogram<'activity_type'>;
  scheduleToStart: Histogram<'task_queue' | 'kind'>;
  backlog: Gauge<'task_queue' | 'kind'>;
  groupCommit: Histogram;
}

/**
 * Makes and registers Baton's instruments with prom-client (the module, loaded by the caller).
 * `collectBacklog` fills the backlog gauge at each scrape.
 *
 * @throws Error (prom-client's) when a metric of the same name is already in `registry`.
 */
export function makeMetricSet(
  { Counter, Gauge, Histogram }: PromClient,
  registry: Registry,
  prefix: string,
  collectBacklog: (gauge: Gauge<'task_queue' | 'kind'>) => Promise<void>,
): MetricSet {
  const registers = [registry];
  const closed = {} as MetricSet['workflowsClosed'];
  for (const [status, suffix] of Object.entries(CLOSED_COUNTERS) as [
    keyof typeof CLOSED_COUNTERS,
    string,
  ][]) {
    closed[status] = new Counter({
      name: `${prefix}workflows_${suffix}_total`,
      help: `Workflow executions (runs) closed ${status} while held by a worker of this process`,
      labelNames: ['workflow_type'],
      registers,
    });
  }
  return {
    workflowsStarted: new Counter({
      name: `${prefix}workflows_started_total`,
      help: 'Workflow executions (runs) whose first workflow task a worker of this process ran',
      labelNames: ['workflow_type'],
      registers,
    }),
    workflowsClosed: closed,
    workflowDuration: new Histogram({
      name: `${prefix}workflow_duration_seconds`,
      help: 'Run start to close of the workflow executions that closed while held here, in seconds',
      labelNames: ['workflow_type', 'status'],
      buckets: RUN_DURATION_BUCKETS_S,
      registers,
    }),
    workflowReleases: new Counter({
      name: `${prefix}workflow_releases_total`,
      help: 'Running executions a worker of this process let go of (handed_back, lease_lost, task_failed)',
      labelNames: ['task_queue', 'reason'],
      registers,
    }),
    leaseExpiries: new Counter({
      name: `${prefix}lease_expiries_total`,
      help: 'Executions a worker of this process took over from an owner whose lease had expired',
      labelNames: ['task_queue'],
      registers,
    }),
    activityAttempts: new Counter({
      name: `${prefix}activity_attempts_total`,
      help: 'Activity attempts of executions held here, by outcome (completed, failed, timed_out)',
      labelNames: ['activity_type', 'outcome'],
      registers,
    }),
    activityLatency: new Histogram({
      name: `${prefix}activity_attempt_latency_seconds`,
      help: 'Wall time of each activity attempt (start to end), in seconds; one observation per attempt',
      labelNames: ['activity_type'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    scheduleToStart: new Histogram({
      name: `${prefix}schedule_to_start_latency_seconds`,
      help: 'From a task becoming due to a worker starting it, in seconds (kind: workflow or activity)',
      labelNames: ['task_queue', 'kind'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    }),
    backlog: new Gauge({
      name: `${prefix}task_queue_backlog`,
      help: 'Tasks due and not taken by a worker, per task queue and kind (read from the store at scrape time)',
      labelNames: ['task_queue', 'kind'],
      registers,
      async collect() {
        await collectBacklog(this);
      },
    }),
    groupCommit: new Histogram({
      name: `${prefix}group_commit_batch_size`,
      help: 'Writes a worker of this process handed to the store in one event-loop turn (committed together)',
      buckets: BATCH_BUCKETS,
      registers,
    }),
  };
}
