import type { ActivityOptions } from '../common/activity-options.js';
import type { WorkflowContext } from './context.js';

/** Any async function usable as an activity. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ActivityFunction = (...args: any[]) => Promise<unknown>;

/** An object of activities, as registered on a worker: `{ paralyze, attack, throwPokeball }`. */
export type ActivityInterface = Record<string, ActivityFunction>;

/** A typed activity stub returned by `ctx.activities()`: call it, or call it with other options. */
export interface ActivityStub<P extends unknown[], R> {
  (...args: P): Promise<R>;
  /** The same activity with these options merged over the proxy's (retry merged field by field). */
  withOptions(options: ActivityOptions): (...args: P) => Promise<R>;
}

/** Typed proxies for the activities of `A`: argument and result types flow from the definitions. */
export type ActivityProxy<A> = {
  [K in keyof A & string]: A[K] extends (...args: infer P) => infer R ? ActivityStub<P, Awaited<R>> : never;
};

/** A workflow function: deterministic, talks to the world only through `ctx`. */
export type WorkflowFunction<Args extends unknown[], Ret> = (
  ctx: WorkflowContext,
  ...args: Args
) => Promise<Ret>;

/** A registered workflow type, as returned by {@link defineWorkflow}. */
export interface WorkflowDefinition<Args extends unknown[] = unknown[], Ret = unknown> {
  /** The workflow type. */
  readonly name: string;
  readonly fn: WorkflowFunction<Args, Ret>;
}

/** Arguments of a workflow definition. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WorkflowArgs<W> = W extends WorkflowDefinition<infer A, any> ? A : never;
/** Result of a workflow definition. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WorkflowResult<W> = W extends WorkflowDefinition<any, infer R> ? R : never;

/**
 * Defines a workflow type.
 *
 * @param name - the workflow type, unique among a worker's workflows.
 * @param fn - `async (ctx, ...args) => result`; must be deterministic (use `ctx.now()`,
 *   `ctx.random()`, activities), since it is replayed after a crash.
 * @throws TypeError when `name` is empty or `fn` is not a function.
 * @example
 * export const hello = defineWorkflow('Hello', async (ctx, name: string) => {
 *   const act = ctx.activities<typeof activities>({ startToCloseTimeout: '10s' });
 *   return act.greet(name);
 * });
 */
export function defineWorkflow<Args extends unknown[], Ret>(
  name: string,
  fn: WorkflowFunction<Args, Ret>,
): WorkflowDefinition<Args, Ret> {
  if (typeof name !== 'string' || name === '')
    throw new TypeError('defineWorkflow: name must be a non-empty string');
  if (typeof fn !== 'function')
    throw new TypeError(`defineWorkflow('${name}'): fn must be an async function`);
  return Object.freeze({ name, fn });
}
