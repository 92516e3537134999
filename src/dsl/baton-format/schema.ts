/**
 * The shape of Baton's own workflow-file format, as zod schemas: the one source of truth for the
 * validator (see `zod-problems.ts`) and for the JSON Schema that editors use
 * (`schemas/baton-workflow.schema.json`, written by `scripts/write-schema.ts`).
 *
 * Only shapes live here. What zod cannot say (a dependency on an unknown step, a cycle, a CEL
 * syntax error, a reference to an unknown input) is checked by `compile.ts`.
 */
import * as z from 'zod';
import { durationMs } from '../../common/duration.js';

/** Names of steps and inputs: a CEL identifier, so `steps.<name>` and `inputs.<name>` read them. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const name = (what: string) =>
  z.string().regex(NAME_PATTERN, {
    message: `expected a ${what} name: letters, digits and '_', not starting with a digit`,
  });

function isDuration(value: string): boolean {
  try {
    durationMs(value, 'duration');
    return true;
  } catch {
    return false;
  }
}

/** A duration: milliseconds (a number ≥ 0) or a string such as `'500ms'`, `'10s'`, `'1.5m'`, `'2h'`. */
export const durationSchema = z
  .union([
    z.number().min(0),
    z.string().refine(isDuration, { message: "expected a duration such as '500ms', '10s', '1.5m', '2h'" }),
  ])
  .describe("Milliseconds, or a string such as '500ms', '10s', '1.5m', '2h'.");

/** Temporal's retry policy (same names, same defaults). */
export const retrySchema = z
  .strictObject({
    initialInterval: durationSchema.optional(),
    backoffCoefficient: z.number().min(1).optional(),
    maximumInterval: durationSchema.optional(),
    maximumAttempts: z.int().min(0).optional(),
    nonRetryableErrorTypes: z.array(z.string()).optional(),
  })
  .describe(
    "Temporal's retry policy: initialInterval 1s, backoffCoefficient 2, maximumAttempts 0 (unlimited).",
  );

/** The types an input may declare. */
export const INPUT_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'any'] as const;

/** One declared input. */
export const inputSchema = z.strictObject({
  type: z.enum(INPUT_TYPES).default('any'),
  required: z.boolean().default(false),
  default: z.unknown().optional(),
  description: z.string().optional(),
});

const expression = z.string().describe('A string holding ${...} CEL expressions.');

/** `http`: one HTTP request through the built-in `baton.http` activity. */
export const httpActionSchema = z.strictObject({
  http: z.strictObject({
    method: z.string().default('GET'),
    url: expression,
    headers: z.record(z.string(), z.unknown()).optional(),
    query: z.record(z.string(), z.unknown()).optional(),
    body: z.unknown().optional(),
    timeout: durationSchema.optional(),
  }),
});

/** `echo`: returns its (evaluated) value, recorded as a step. */
export const echoActionSchema = z.strictObject({ echo: z.unknown() });

/** `activity`: a TypeScript activity registered on the worker, called with `args`. */
export const activityActionSchema = z.strictObject({
  activity: z.string().min(1),
  args: z.array(z.unknown()).default([]),
});

/** `workflow`: a child workflow (another workflow file, by name or `name@version`). */
export const workflowActionSchema = z.strictObject({
  workflow: z.string().min(1),
  input: z.unknown().optional(),
});

/** `sleep`: a durable timer. */
export const sleepActionSchema = z.strictObject({
  sleep: z
    .union([z.number().min(0), expression])
    .describe("Milliseconds, a string such as '10s', or a ${...} expression giving one."),
});

/** `waitForSignal`: waits for a signal; the output is the signal's first argument. */
export const waitForSignalActionSchema = z.strictObject({
  waitForSignal: z.string().min(1),
  timeout: durationSchema.optional(),
});

/** `publish`: publishes an event to a durable topic. */
export const publishActionSchema = z.strictObject({
  publish: z.string().min(1),
  event: z.unknown().optional(),
  id: z.string().optional(),
});

/** The action kinds, in the order of {@link actionSchema}'s options. */
export const ACTION_KINDS = [
  'http',
  'echo',
  'activity',
  'workflow',
  'sleep',
  'waitForSignal',
  'publish',
] as const;
/** One action kind. */
export type ActionKind = (typeof ACTION_KINDS)[number];

/** An action: exactly one of the kinds, with its own keys. */
export const actionSchema = z.union([
  httpActionSchema,
  echoActionSchema,
  activityActionSchema,
  workflowActionSchema,
  sleepActionSchema,
  waitForSignalActionSchema,
  publishActionSchema,
]);

const stepFields = {
  action: actionSchema,
  dependsOn: z
    .array(z.string())
    .optional()
    .describe("Steps this one waits for: 'step' (COMPLETED), 'step:COMPLETED|FAILED|SKIPPED|ANY'."),
  if: z.union([z.boolean(), expression]).optional(),
  foreach: z.union([z.array(z.unknown()), expression]).optional(),
  parallel: z.boolean().default(true),
  retry: retrySchema.optional(),
  timeout: durationSchema.optional(),
  compensate: actionSchema.optional(),
  output: z.unknown().optional(),
  description: z.string().optional(),
};

/** A step in a `steps` map (its name is the key). */
export const stepSchema = z.strictObject(stepFields);
/** A step in a `steps` list (it carries its `name`). */
export const listStepSchema = z.strictObject({ name: name('step'), ...stepFields });

/** A whole workflow file. */
export const batonFileSchema = z
  .strictObject({
    name: z.string().min(1).describe('The workflow name; registered as name@version.'),
    version: z.int().min(1).default(1),
    description: z.string().optional(),
    inputs: z.record(name('input'), inputSchema).default({}),
    steps: z.union([z.record(name('step'), stepSchema), z.array(listStepSchema)]),
    output: z.unknown().optional(),
    timeout: durationSchema.optional(),
  })
  .meta({ title: 'Baton workflow file', description: "Baton's own YAML/JSON workflow format." });

/** A parsed (and defaulted) file. */
export type BatonFileValue = z.output<typeof batonFileSchema>;
/** A parsed step (map form). */
export type BatonStepValue = z.output<typeof stepSchema>;
/** A parsed action. */
export type BatonActionValue = z.output<typeof actionSchema>;
/** A parsed input declaration. */
export type BatonInputValue = z.output<typeof inputSchema>;

/**
 * The JSON Schema of the format (draft 2020-12), for editors (`# yaml-language-server: $schema=`).
 *
 * @example
 * writeFileSync('schemas/baton-workflow.schema.json', JSON.stringify(batonJsonSchema(), null, 2) + '\n');
 */
export function batonJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(batonFileSchema, { io: 'input', unrepresentable: 'any' });
  return { ...schema, $id: 'https://baton.dev/schemas/baton-workflow.schema.json' };
}

/** Where the JSON Schema is committed, relative to the package root. */
export const JSON_SCHEMA_PATH = 'schemas/baton-workflow.schema.json';

/** The committed JSON Schema file's text: {@link batonJsonSchema}, 2-space indented, final newline. */
export function batonJsonSchemaText(): string {
  return `${JSON.stringify(batonJsonSchema(), null, 2)}\n`;
}
