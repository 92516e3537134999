import {
  mergeActivityOptions,
  resolveActivityOptions,
  type ActivityOptions,
} from '../common/activity-options.js';
import type { ContextHost } from './context-host.js';
import type { ActivityProxy } from './definitions.js';

/**
 * The proxy behind `ctx.activities(options)`: each property is a stub that schedules that activity
 * type through `host` with `options`, or with other options merged over them (`withOptions`). A
 * stub is made on first use of its name and kept.
 *
 * @throws ValidationError at once when `options` are invalid (and a stub's `withOptions` when the
 *   merged options are).
 */
export function activityProxy<A>(host: ContextHost, options: ActivityOptions): ActivityProxy<A> {
  resolveActivityOptions(options);
  const stubs = new Map<string, unknown>();
  return new Proxy({} as ActivityProxy<A>, {
    get(_target, prop) {
      if (typeof prop !== 'string') return undefined;
      let stub = stubs.get(prop);
      if (stub === undefined) {
        const call = (...args: unknown[]): Promise<unknown> => host.scheduleActivity(prop, args, options);
        const withOptions = (override: ActivityOptions) => {
          const merged = mergeActivityOptions(options, override);
          resolveActivityOptions(merged);
          return (...args: unknown[]): Promise<unknown> => host.scheduleActivity(prop, args, merged);
        };
        stub = Object.assign(call, { withOptions });
        stubs.set(prop, stub);
      }
      return stub;
    },
  });
}
