import type { WorkerHooks } from './services.js';

/** Every hook of {@link WorkerHooks}; the compiler checks that none is missing. */
const HOOK_NAMES = [
  'onWorkflowTaken',
  'onWorkflowClosed',
  'onWorkflowReleased',
  'onActivityStarted',
  'onActivityAttempt',
  'onActivityRecorded',
  'onWorkflowTaskFailed',
  'onGroupCommit',
] as const satisfies readonly (keyof WorkerHooks)[];
type Missing = Exclude<keyof WorkerHooks, (typeof HOOK_NAMES)[number]>;
const allNamed: [Missing] extends [never] ? true : never = true;
void allNamed;

type AnyHook = (event: unknown) => void;

/**
 * One {@link WorkerHooks} calling each of `parts` in turn, in order (undefined parts are
 * skipped), each hook with its part as `this`. A hook none of the parts has stays absent, so the
 * worker never builds its event.
 *
 * @example
 * const metrics = createMetrics(baton.store);
 * baton.worker({ taskQueue: 'capture', workflows, activities, hooks: combineHooks(metrics.hooks, progress) });
 */
export function combineHooks(...parts: (WorkerHooks | undefined)[]): WorkerHooks {
  const present = parts.filter((p): p is WorkerHooks => p !== undefined);
  const out: Record<string, AnyHook> = {};
  for (const name of HOOK_NAMES) {
    const calls: AnyHook[] = [];
    for (const part of present) {
      const hooks = part as Partial<Record<string, AnyHook>>;
      if (hooks[name] !== undefined) calls.push((event) => hooks[name]!(event));
    }
    if (calls.length === 1) out[name] = calls[0]!;
    else if (calls.length > 1)
      out[name] = (event) => {
        for (const call of calls) call(event);
      };
  }
  return out;
}
