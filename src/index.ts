/**
 * Baton: a durable workflow engine for TypeScript. Workflows as code on an embedded SQLite store.
 * @packageDocumentation
 */
export { Baton, type BatonOptions, type TopicsOptions } from './baton.js';
export { Topics, type OnEventOptions } from './topics/topics.js';
export type {
  DeadLetterInfo,
  DeliveryError,
  EventHandler,
  EventInfo,
  PublishOptions,
  PublishReceipt,
  SubscribeOptions,
  Subscription,
  TopicEvent,
} from './topics/events.js';
export type { TopicBroker } from './topics/broker.js';
export type {
  WaitForEventOptions,
  WorkflowPublishOptions,
  WorkflowPublishReceipt,
} from './runtime/topic-steps.js';
export { Client, type StartOptions, type WorkflowRef } from './client/client.js';
export {
  WorkflowHandle,
  type WorkflowExecutionDescription,
  type PendingActivityDescription,
  type WorkflowHistory,
} from './client/handle.js';
export {
  replayHistory,
  replayHistories,
  type ReplayOptions,
  type ReplayResult,
  type HistoryInput,
  type ReplayWorkflows,
} from './replay/replay.js';
export {
  historyToJson,
  toSavedHistory,
  parseSavedHistory,
  HISTORY_FILE_FORMAT,
  HISTORY_FILE_VERSION,
  type SavedHistory,
  type SavedEvent,
  type SavedPayload,
  type ReplayableHistory,
} from './replay/history-file.js';
export { Worker } from './worker/worker.js';
export type { WorkerOptions } from './worker/options.js';
export type {
  WorkerHooks,
  ActivityAttemptEvent,
  ActivityRecordedEvent,
  ActivityStartedEvent,
  ClosedStatus,
  ExecutionRef,
  GroupCommitEvent,
  ReleaseReason,
  WorkflowClosedEvent,
  WorkflowReleasedEvent,
  WorkflowTakenEvent,
} from './worker/services.js';
export { combineHooks } from './worker/combine-hooks.js';
export { createMetrics, type BatonMetrics, type MetricsOptions } from './observability/metrics.js';
export { tracingHooks, SPAN_ATTRIBUTES, type TracingOptions } from './observability/tracing.js';
export { pinoLogger } from './observability/pino-logger.js';
export { ActivityNotRegisteredError } from './worker/task-policy.js';
export { defineWorkflow } from './runtime/definitions.js';
export type {
  WorkflowDefinition,
  WorkflowFunction,
  ActivityProxy,
  ActivityStub,
  ActivityInterface,
  WorkflowArgs,
  WorkflowResult,
} from './runtime/definitions.js';
export { WorkflowContext, type WorkflowInfo } from './runtime/context.js';
export { defineSignal, type SignalDefinition, type SignalHandler } from './runtime/signals.js';
export type {
  ChildWorkflowOptions,
  ChildWorkflowHandle,
  ExternalWorkflowHandle,
} from './runtime/children.js';
export type { ParentClosePolicy, ChildWorkflowCancellationType } from './common/child-events.js';
export {
  defineQuery,
  QueryNotRegisteredError,
  QueryTimeoutError,
  QueryFailedError,
  type QueryDefinition,
  type QueryHandler,
} from './runtime/queries.js';
export {
  defineUpdate,
  WorkflowUpdateFailedError,
  type UpdateDefinition,
  type UpdateHandler,
  type UpdateHandlerOptions,
} from './runtime/updates.js';
export { WorkflowUpdateHandle } from './client/update-handle.js';
export { ScheduleClient, type ScheduleSummary } from './client/schedule-client.js';
export { ScheduleHandle, type ScheduleUpdate, type ScheduleBackfill } from './client/schedule-handle.js';
export type { ScheduleDescription } from './client/schedule-describe.js';
export type {
  ScheduleOptions,
  ScheduleAction,
  SchedulePolicies,
  ScheduleSpec,
  ScheduleOverlapPolicy,
} from './client/schedule-options.js';
export { ScheduleAlreadyRunningError, ScheduleNotFoundError } from './client/schedule-errors.js';
export { scheduledWorkflowId } from './client/schedule-body.js';
export type { SagaOptions, Saga } from './runtime/saga.js';
export {
  defineStepWorkflow,
  DEFAULT_STEP_TIMEOUT,
  type StepDefinition,
  type StepWorkflowOptions,
  type StepWorkflowDefinition,
  type StepOutputs,
} from './dsl/step-workflow.js';
export type { StepGraph, StepNode } from './dsl/step-graph.js';
export {
  loadWorkflowFile,
  loadWorkflowText,
  detectFormat,
  type LoadWorkflowOptions,
} from './dsl/files/load.js';
export { FileWorkflowSet, type FileActivitiesOptions } from './dsl/files/file-set.js';
export {
  WorkflowFileError,
  formatProblem,
  type FileProblem,
  type FilePosition,
} from './dsl/files/file-error.js';
export type { FileWorkflow, FileFormat, FileGraph, FileGraphNode } from './dsl/files/types.js';
export { stepViews, stepStates, type StepView } from './dsl/files/step-states.js';
export type { StepState, StepMark } from './dsl/files/step-kit.js';
export type { ActivityCancellationType } from './common/activity-options.js';
export { activityContext, ActivityContext, type ActivityInfo } from './activity/context.js';
export * from './common/failures.js';
export * from './common/errors.js';
export type { ActivityOptions } from './common/activity-options.js';
export type { RetryPolicy } from './common/retry-policy.js';
export type { Duration } from './common/duration.js';
export {
  DataConverter,
  type DataConverterOptions,
  type PayloadCodec,
  type Payload,
} from './common/converter.js';
export type { HistoryEvent, EventType, ExecutionStatus } from './common/history.js';
export {
  consoleLogger,
  silentLogger,
  childLogger,
  type Logger,
  type BindableLogger,
  type LogLevel,
} from './common/logger.js';
export { systemClock, type Clock } from './common/clock.js';
export { openStore, DEFAULT_STORE_URL, type StoreOptions } from './store/open-store.js';
export type { Store, WorkflowIdReusePolicy, ListFilter, ExecutionRecord } from './store/types.js';
