/**
 * Zod schemas of the actions on an execution (signal, query, update, cancel, terminate, reset), of
 * the topic endpoints, and of the server's own endpoints (health, workflow types).
 */
import { z } from '@hono/zod-openapi';
import type {
  ApiHealth,
  ApiRedriveResponse,
  ApiResult,
  ApiTopic,
  ApiTopicEvent,
  ApiWorkflowType,
} from './api-types.js';
import type { Fits } from './schemas-common.js';
import { StepGraphSchema } from './schemas-executions.js';

const name = (example: string) => z.string().min(1).openapi({ example });
const args = z
  .array(z.unknown())
  .optional()
  .openapi({ description: 'One element per argument. Default [].' });

export const SignalRequestSchema = z
  .object({ name: name('trainerDecision'), args })
  .openapi('ApiSignalRequest');

export const QueryRequestSchema = z.object({ name: name('encounterState'), args }).openapi('ApiQueryRequest');

export const UpdateRequestSchema = z
  .object({
    name: name('offerBerry'),
    args,
    updateId: z.string().min(1).optional().openapi({
      description: 'Makes the update idempotent: a second call with this id gets the first outcome.',
    }),
  })
  .openapi('ApiUpdateRequest');

export const ResultResponseSchema = z.object({ result: z.unknown() }).openapi('ApiResult');

export const ReasonRequestSchema = z
  .object({ reason: z.string().optional().openapi({ example: 'the trainer went home' }) })
  .openapi('ApiReasonRequest');

export const ResetRequestSchema = z
  .object({
    toEventId: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ description: 'Replay up to and including this event; re-execute from there.' }),
    toStep: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: 'Or: up to just before this step (or activity type) was first scheduled.' }),
    reason: z.string().optional(),
  })
  .openapi('ApiResetRequest');

export const TopicSchema = z
  .object({
    topic: z.string().openapi({ example: 'pokemon.encountered' }),
    events: z.number().int(),
    groups: z.array(
      z
        .object({ group: z.string(), lag: z.number().int(), deadLettered: z.number().int() })
        .openapi('ApiTopicGroup'),
    ),
  })
  .openapi('ApiTopic');

export const TopicListSchema = z.object({ topics: z.array(TopicSchema) }).openapi('ApiTopicList');

export const TopicEventSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    key: z.string().nullable(),
    time: z.string(),
    data: z.unknown(),
    deadLetter: z
      .object({ topic: z.string(), group: z.string(), attempts: z.number().int(), lastError: z.string() })
      .optional(),
  })
  .openapi('ApiTopicEvent');

export const TopicEventsSchema = z.object({ events: z.array(TopicEventSchema) }).openapi('ApiTopicEvents');

export const TopicEventsQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .openapi({ description: 'The newest events, 1 to 1000.', example: 100 }),
});

export const RedriveResponseSchema = z.object({ redriven: z.number().int() }).openapi('ApiRedriveResponse');

export const WorkflowTypesSchema = z
  .object({
    workflowTypes: z.array(
      z
        .object({ name: z.string(), taskQueue: z.string(), stepGraph: StepGraphSchema.nullable() })
        .openapi('ApiWorkflowType'),
    ),
  })
  .openapi('ApiWorkflowTypes');

export const HealthSchema = z
  .object({
    status: z.literal('ok'),
    version: z.string().openapi({ example: '0.1.0' }),
    store: z.string().openapi({ description: "The store's kind: sqlite or postgres.", example: 'sqlite' }),
    broker: z.string().openapi({ description: 'The topic broker: store or jetstream.', example: 'store' }),
  })
  .openapi('ApiHealth');

export const contractChecks: [
  Fits<ApiTopic, z.infer<typeof TopicSchema>>,
  Fits<ApiTopicEvent, z.infer<typeof TopicEventSchema>>,
  Fits<ApiRedriveResponse, z.infer<typeof RedriveResponseSchema>>,
  Fits<{ workflowTypes: ApiWorkflowType[] }, z.infer<typeof WorkflowTypesSchema>>,
  Fits<ApiHealth, z.infer<typeof HealthSchema>>,
  Fits<ApiResult, z.infer<typeof ResultResponseSchema>>,
] = [true, true, true, true, true, true];
