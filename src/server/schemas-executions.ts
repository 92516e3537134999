/** Zod schemas of the execution endpoints (list, start, detail, history, stream). */
import { z } from '@hono/zod-openapi';
import type {
  ApiExecutionDetail,
  ApiExecutionList,
  ApiHistory,
  ApiStartResponse,
  ApiStepGraph,
} from './api-types.js';
import {
  ApiFailureSchema,
  isoTimeQuery,
  StatusQuerySchema,
  StatusSchema,
  type Fits,
} from './schemas-common.js';

export const ExecutionSummarySchema = z
  .object({
    workflowId: z.string().openapi({ example: 'capture-mewtwo' }),
    runId: z.string(),
    workflowType: z.string().openapi({ example: 'CapturePokemon' }),
    taskQueue: z.string(),
    status: StatusSchema,
    startTime: z.string().openapi({ format: 'date-time' }),
    closeTime: z.string().nullable().openapi({ format: 'date-time' }),
    historyLength: z.number().int(),
  })
  .openapi('ApiExecutionSummary');

export const ExecutionListSchema = z
  .object({ executions: z.array(ExecutionSummarySchema), nextOffset: z.number().int().nullable() })
  .openapi('ApiExecutionList');

export const ListQuerySchema = z.object({
  status: StatusQuerySchema.optional(),
  type: z.string().min(1).optional().openapi({ description: 'Only this workflow type.' }),
  q: z.string().min(1).optional().openapi({ description: 'Only workflowIds containing this text.' }),
  startedAfter: isoTimeQuery('Only executions started at or after this time.').optional(),
  startedBefore: isoTimeQuery('Only executions started before this time.').optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(50)
    .openapi({ description: 'Page size, 1 to 1000.', example: 50 }),
  offset: z.coerce.number().int().min(0).default(0).openapi({ description: 'Rows to skip.', example: 0 }),
});

export const StepGraphSchema = z
  .object({
    name: z.string(),
    mode: z.enum(['sequence', 'dag']),
    steps: z.array(
      z.object({
        name: z.string(),
        activity: z.string(),
        compensation: z.string().nullable(),
        dependsOn: z.array(z.string()),
      }),
    ),
    order: z.array(z.string()),
  })
  .openapi('ApiStepGraph');

export const ExecutionDetailSchema = ExecutionSummarySchema.extend({
  input: z.array(z.unknown()),
  result: z.unknown().optional(),
  failure: ApiFailureSchema.optional(),
  pendingActivities: z.array(
    z.object({
      activityId: z.string(),
      activityType: z.string(),
      attempt: z.number().int(),
      firstScheduledTime: z.string(),
      nextAttemptTime: z.string(),
      lastFailure: ApiFailureSchema.nullable(),
      taskQueue: z.string().optional(),
      worker: z.string().optional(),
    }),
  ),
  workflowTaskFailure: z.object({ attempt: z.number().int(), message: z.string() }).nullable(),
  worker: z.string().nullable(),
  memo: z.record(z.string(), z.unknown()).nullable(),
  searchAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  signals: z.array(
    z.object({ eventId: z.number().int(), name: z.string(), args: z.array(z.unknown()), time: z.string() }),
  ),
  stepGraph: StepGraphSchema.nullable(),
  resetFrom: z.object({ runId: z.string(), eventId: z.number().int(), reason: z.string() }).optional(),
}).openapi('ApiExecutionDetail');

export const HistoryEventSchema = z
  .object({
    eventId: z.number().int(),
    eventType: z.string().openapi({ example: 'ActivityTaskCompleted' }),
    time: z.string(),
    attrs: z.record(z.string(), z.unknown()),
    payload: z.unknown().optional(),
  })
  .openapi('ApiHistoryEvent');

export const HistorySchema = z
  .object({ workflowId: z.string(), runId: z.string(), events: z.array(HistoryEventSchema) })
  .openapi('ApiHistory');

export const StartRequestSchema = z
  .object({
    workflowType: z.string().min(1).openapi({ example: 'CapturePokemon' }),
    args: z.array(z.unknown()).optional().openapi({ description: 'One element per argument. Default [].' }),
    workflowId: z.string().min(1).optional().openapi({ description: 'Default: a generated id.' }),
    taskQueue: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: "Default: the server's default task queue." }),
  })
  .openapi('ApiStartRequest');

export const StartResponseSchema = z
  .object({ workflowId: z.string(), runId: z.string() })
  .openapi('ApiStartResponse');

export const StreamQuerySchema = z.object({
  runId: z.string().min(1).optional().openapi({ description: 'A run; default: the newest run at connect.' }),
  afterEventId: z.coerce.number().int().min(0).optional().openapi({
    description: 'Send history events after this one only (default 0: all); `Last-Event-ID` too.',
  }),
  token: z
    .string()
    .optional()
    .openapi({ description: 'The bearer token, for EventSource clients that cannot send headers.' }),
});

export const contractChecks: [
  Fits<ApiExecutionList, z.infer<typeof ExecutionListSchema>>,
  Fits<ApiExecutionDetail, z.infer<typeof ExecutionDetailSchema>>,
  Fits<ApiHistory, z.infer<typeof HistorySchema>>,
  Fits<ApiStartResponse, z.infer<typeof StartResponseSchema>>,
  Fits<ApiStepGraph, z.infer<typeof StepGraphSchema>>,
] = [true, true, true, true, true];
