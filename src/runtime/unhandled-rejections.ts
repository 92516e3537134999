import { runningCodeOwner, type ScopeOwner } from './scopes.js';

/**
 * The one process hook of the runtime. Workflow code runs in the worker's process (there is no
 * sandbox), so a promise it forgets to `await` would, when it rejects, end the whole process
 * under Node's default `--unhandled-rejections=throw`. While something runs workflow code (a
 * worker, a replay) one `unhandledRejection` listener is installed: a rejection made by workflow
 * code fails that run's workflow task with `UnhandledRejectionError`, as Temporal's TypeScript
 * SDK does. Any other rejection is thrown again when Node would have thrown it (the default
 * `throw` mode, and no listener of the application's own); under `warn` or `none`, or beside an
 * application's listener, Baton leaves it alone.
 *
 * Two copies of Baton in one process (say, `src` and `dist`) share one listener through a
 * registry on `globalThis`, so each finds its own workflows' rejections and neither hides a
 * rejection from the other.
 */
interface Registry {
  holders: number;
  /** One lookup per copy of Baton: the run whose code made the rejected promise. */
  readonly lookups: Set<() => ScopeOwner | undefined>;
  listener: ((reason: unknown) => void) | undefined;
}

const KEY = Symbol.for('baton.unhandled-rejections');
const registry: Registry = ((globalThis as Record<symbol, unknown>)[KEY] ??= {
  holders: 0,
  lookups: new Set(),
  listener: undefined,
}) as Registry;

/** The `--unhandled-rejections` mode Node runs in (`throw` unless set on the command line or in NODE_OPTIONS). */
function nodeMode(): string {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  let mode = 'throw';
  for (const flag of flags) {
    const m = /^--unhandled-rejections=(\S+)$/.exec(flag);
    if (m !== null) mode = m[1]!;
  }
  return mode;
}

function onUnhandledRejection(reason: unknown): void {
  for (const lookup of registry.lookups) {
    const owner = lookup();
    if (owner === undefined) continue;
    owner.unhandledRejection(reason);
    return;
  }
  const others = process.listeners('unhandledRejection').filter((l) => l !== registry.listener);
  if (others.length === 0 && nodeMode() === 'throw') throw reason;
}

/**
 * Installs the listener (once for all holders, across copies of Baton) until the returned
 * function is called.
 *
 * @example
 * const release = watchUnhandledRejections();
 * try { await run.replay(events); } finally { release(); }
 */
export function watchUnhandledRejections(): () => void {
  registry.lookups.add(runningCodeOwner);
  if (registry.holders++ === 0) {
    registry.listener ??= onUnhandledRejection;
    process.on('unhandledRejection', registry.listener);
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--registry.holders === 0) {
      process.off('unhandledRejection', registry.listener!);
      registry.lookups.clear();
    }
  };
}
