/**
 * Zod schemas shared by the routes: errors, failures, statuses, path and query parameters. They
 * validate requests and document the API (`GET /api/openapi.json`); the shapes are api-types.ts's,
 * which stays the contract (the assertions at the end of each schema file keep them in step).
 */
import { z } from '@hono/zod-openapi';
import type { ApiError, ApiFailure } from './api-types.js';
import { EXECUTION_STATUSES } from '../common/history.js';

/** `true` when `A` is assignable to `B` (for compile-time checks that schemas fit the contract). */
export type Fits<A extends B, B> = A extends B ? true : never;

export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'NOT_FOUND' }),
      message: z.string().openapi({ example: "workflow execution not found: workflowId 'capture-1'" }),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('ApiError');

export const ApiFailureSchema = z
  .lazy(() =>
    z.object({
      name: z.string().openapi({ example: 'ActivityFailure' }),
      message: z.string(),
      type: z.string().optional(),
      nonRetryable: z.boolean().optional(),
      activityType: z.string().optional(),
      attempt: z.number().int().optional(),
      retryState: z.string().optional(),
      timeoutType: z.string().optional(),
      details: z.array(z.unknown()).optional(),
      stack: z.string().optional(),
      cause: ApiFailureSchema.optional(),
    }),
  )
  .openapi('ApiFailure') as unknown as z.ZodType<ApiFailure>;

export const STATUSES = EXECUTION_STATUSES;

export const StatusSchema = z.enum(STATUSES).openapi('ApiExecutionStatus');

/** A status in a query string: any case (`running` is `RUNNING`). */
export const StatusQuerySchema = z
  .preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(STATUSES))
  .openapi({ description: 'Only executions with this status (any case).', example: 'RUNNING' });

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO-8601 date or time in a query string, resolved to epoch milliseconds. */
export function isoTimeQuery(description: string) {
  return z
    .string()
    .refine((s) => ISO_TIME.test(s) && !Number.isNaN(Date.parse(s)), {
      message: 'expected an ISO-8601 time such as 2024-05-01T12:00:00Z (or a date such as 2024-05-01)',
    })
    .openapi({ description, example: '2024-05-01T12:00:00Z' });
}

export const WorkflowIdParamSchema = z.object({
  workflowId: z
    .string()
    .min(1)
    .openapi({ param: { name: 'workflowId', in: 'path' }, example: 'capture-mewtwo' }),
});

export const RunIdQuerySchema = z.object({
  runId: z
    .string()
    .min(1)
    .optional()
    .openapi({ description: 'A run of the workflowId; default: its newest run.' }),
});

export const TopicParamSchema = z.object({
  topic: z
    .string()
    .min(1)
    .openapi({ param: { name: 'topic', in: 'path' }, example: 'pokemon.dlq' }),
});

/** A JSON response of `schema`, described. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

/** A required JSON request body of `schema`. */
export function jsonBody<T extends z.ZodType>(schema: T, required = true) {
  return { content: { 'application/json': { schema } }, required };
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (`issues` says where), or malformed JSON.',
  401: 'No or wrong bearer token.',
  404: 'Unknown execution or topic.',
  409: 'Already started, or not running.',
  413: 'Request body (or a payload) too large.',
  415: 'The body is not application/json.',
  422: 'The workflow refused or failed the query or update.',
  500: 'Anything else.',
  504: 'No worker answered in time.',
};

/** The error responses of a route (401 and 500 always), each an {@link ApiErrorSchema}. */
export function errors(...statuses: (400 | 404 | 409 | 413 | 415 | 422 | 504)[]) {
  const out: Record<number, ReturnType<typeof json<typeof ApiErrorSchema>>> = {};
  for (const s of [...statuses, 401, 500]) out[s] = json(ApiErrorSchema, ERROR_DESCRIPTIONS[s] ?? 'Error.');
  return out;
}

export const contractChecks: [Fits<ApiError, z.infer<typeof ApiErrorSchema>>] = [true];
