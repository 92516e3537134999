import { runningCodeOwner, type ScopeOwner } from './scopes.js';

/**
 * The one process hook of the runtime. Workflow code runs in the worker's process (there is no
 * sandbox), so a promise it forgets to `await` would, when it rejects, end the whole process
 * under Node's default `--unhandled-rejections=throw`. While something runs workflow code (a
 * worker, a replay) one `unhandledRejection` listener is installed: a rejection made by workflow
 * code fails that run's workflow task with `UnhandledRejectionError`, as Temporal's TypeScript
 * SDK does. Any other rejection gets what Node would have done without this listener: thrown
 * again in the default `throw` mode, a warning and exit code 1 under `warn-with-error-code`,
 * nothing more under `warn` or `none`; beside an application's own listener, Baton leaves it to
 * that listener. Under `strict` Node raises the rejection before any listener runs, so even a
 * workflow's rejection ends the process there.
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

/**
 * The `--unhandled-rejections` mode Node runs in: `throw` unless set on the command line or in
 * NODE_OPTIONS (`--unhandled-rejections=MODE` or `--unhandled-rejections MODE`; the last wins).
 */
function nodeMode(): string {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  let mode = 'throw';
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    if (flag.startsWith('--unhandled-rejections=')) mode = flag.slice('--unhandled-rejections='.length);
    else if (flag === '--unhandled-rejections' && flags[i + 1] !== undefined) mode = flags[++i]!;
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
  if (others.length > 0) return; // the application's own listener decides
  // What Node does when nobody listens (`warn` and `none` need nothing: Node warns itself, or not).
  const mode = nodeMode();
  if (mode === 'throw') throw reason;
  if (mode === 'warn-with-error-code') {
    process.emitWarning(`Unhandled promise rejection: ${String(reason)}`, 'UnhandledPromiseRejectionWarning');
    process.exitCode = 1;
  }
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
