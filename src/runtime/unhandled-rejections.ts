import { runningCodeOwner } from './scopes.js';

/**
 * The one process hook of the runtime. Workflow code runs in the worker's process (there is no
 * sandbox), so a promise it forgets to `await` would, when it rejects, end the whole process
 * under Node's default `--unhandled-rejections=throw`. While something runs workflow code (a
 * worker, a replay) this listener is installed: a rejection made by workflow code fails that
 * run's workflow task with `UnhandledRejectionError`, as Temporal's TypeScript SDK does; any other
 * rejection is thrown again, as Node would without the listener, unless the application listens
 * for `unhandledRejection` itself (then it decides, as it did before).
 */
function onUnhandledRejection(reason: unknown): void {
  const owner = runningCodeOwner();
  if (owner !== undefined) owner.unhandledRejection(reason);
  else if (process.listenerCount('unhandledRejection') === 1) throw reason;
}

let holders = 0;

/**
 * Installs the listener (once for all holders) until the returned function is called.
 *
 * @example
 * const release = watchUnhandledRejections();
 * try { await run.replay(events); } finally { release(); }
 */
export function watchUnhandledRejections(): () => void {
  if (holders++ === 0) process.on('unhandledRejection', onUnhandledRejection);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) process.off('unhandledRejection', onUnhandledRejection);
  };
}
