/**
 * The built-in activities of workflow files, keyed by their reserved `baton.` names, ready to be
 * spread into a worker's `activities`.
 */
import type { Client } from '../../../client/client.js';
import type { ActivityFunction } from '../../../runtime/definitions.js';
import type { FileWorkflow } from '../types.js';
import { createHttpActivity } from './http.js';
import { createJqActivity } from './jq.js';
import { createScriptActivity } from './script.js';
import { BUILTIN } from './types.js';
import { createWorkflowCallActivity } from './workflow-call.js';

/** Options of {@link createBuiltinActivities}. */
export interface BuiltinActivitiesOptions {
  /** The client `baton.workflow` starts children with. */
  client: Client;
  /** The workflow file a name (`name` or `name@version`) stands for. @throws when none. */
  resolve: (name: string) => FileWorkflow;
  /** Rewrites every `baton.http` URL just before the request (tests). @default none */
  rewriteUrl?: (url: string) => string;
}

/**
 * The built-ins: `baton.http`, `baton.echo` (returns its argument), `baton.script`, `baton.jq`
 * and `baton.workflow`. See `./types.ts` for their arguments, results and failure types.
 *
 * @example
 * const worker = baton.worker({
 *   taskQueue: 'files',
 *   workflows: files.workflows,
 *   activities: createBuiltinActivities({ client: baton.client, resolve: (n) => files.resolve(n) }),
 * });
 */
export function createBuiltinActivities(options: BuiltinActivitiesOptions): Record<string, ActivityFunction> {
  return {
    [BUILTIN.http]: createHttpActivity(
      options.rewriteUrl === undefined ? {} : { rewriteUrl: options.rewriteUrl },
    ),
    [BUILTIN.echo]: (value: unknown) => Promise.resolve(value),
    [BUILTIN.script]: createScriptActivity(),
    [BUILTIN.jq]: createJqActivity(),
    [BUILTIN.workflow]: createWorkflowCallActivity({ client: options.client, resolve: options.resolve }),
  };
}
