/**
 * `--count-statements`: counts the statements (round trips) the PostgreSQL store sends, by wrapping
 * `pg.Client.prototype.query`, the one door every pooled and dedicated connection of the `pg`
 * driver goes through. Each call is one round trip (a named statement's first use carries its
 * Parse in the same round trip; a string with several statements is one round trip too). It also
 * sums each statement's wall time from the call to its answer, as the client sees it (server work,
 * the network, and the wait for this event loop to read the answer).
 *
 * For diagnosis only: the timed figures of the bench are taken without it.
 */
import pg from 'pg';

/** Per statement label: calls, and the summed client-side wall time in ms. */
export type StatementCounts = Record<string, { calls: number; ms: number }>;

let counts = new Map<string, { calls: number; ms: number }>();
let installed = false;

/** A short, stable label: the prepared statement's name, or the first words of the SQL. */
function labelOf(config: unknown): string {
  if (typeof config === 'string') return sqlLabel(config);
  if (typeof config === 'object' && config !== null) {
    const c = config as { name?: unknown; text?: unknown };
    if (typeof c.name === 'string' && c.name !== '') return c.name;
    if (typeof c.text === 'string') return sqlLabel(c.text);
  }
  return '(other)';
}

function sqlLabel(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  if (/^SELECT pg_notify/.test(flat)) return 'SELECT pg_notify(…) (NoticePoster)';
  if (/pg_notify.*COMMIT$/.test(flat)) return 'NOTIFY…; COMMIT';
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}

/** Starts counting (once per process). */
export function installStatementCounter(): void {
  if (installed) return;
  installed = true;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]): unknown {
    const label = labelOf(args[0]);
    const t0 = performance.now();
    const record = (): void => {
      const c = counts.get(label) ?? { calls: 0, ms: 0 };
      c.calls++;
      c.ms += performance.now() - t0;
      counts.set(label, c);
    };
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      // pg-pool's pool.query() form: (text | config, values, callback).
      args[last] = function (this: unknown, ...cbArgs: unknown[]): unknown {
        record();
        return (callback as (...a: unknown[]) => unknown).apply(this, cbArgs);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) result.then(record, record);
    else record(); // a submittable: counted, not timed
    return result;
  };
}

/** The counts since the last call (and starts afresh). */
export function takeStatementCounts(): StatementCounts {
  const out = Object.fromEntries(counts);
  counts = new Map();
  return out;
}

/** Adds `b` into `a`. */
export function mergeCounts(a: StatementCounts, b: StatementCounts): StatementCounts {
  for (const [k, v] of Object.entries(b)) {
    const c = (a[k] ??= { calls: 0, ms: 0 });
    c.calls += v.calls;
    c.ms += v.ms;
  }
  return a;
}
