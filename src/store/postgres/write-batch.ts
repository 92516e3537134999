import { ACTIVITY_COLUMNS, ACTIVITY_UPDATE, EVENT_COLUMNS, type Statement } from './statements.js';

/**
 * The one statement that applies many owners' fenced writes (distinct runs), built from the parts
 * a batch needs (a statement with every part costs about twice as much to run), each set of parts
 * a named statement of its own. Parameters are numbered in the order of {@link BATCH_PARTS}.
 *
 * `v` holds one row per write; the `f` UPDATE is the fence, and also moves each history head,
 * clears task errors, merges search attributes and closes executions; every other part applies
 * only to the runs `f` returned. Closing runs lose their pending activities and inbox, and their
 * open updates complete as failed (the caller leaves closing runs' activity and inbox changes
 * out, and settles their listed updates itself). `record` stores the commit's id with the runs
 * that passed (see `baton_commits`); `forget` deletes records whose outcome is known; `notify`
 * sends NOTIFYs. Returns one row per run that passed.
 */
export type BatchPart =
  | 'events'
  | 'deleteActivities'
  | 'upsertActivities'
  | 'inbox'
  | 'updates'
  | 'close'
  | 'record'
  | 'forget'
  | 'notify';

/** Every optional part, in parameter order. */
export const BATCH_PARTS: readonly BatchPart[] = [
  'events',
  'deleteActivities',
  'upsertActivities',
  'inbox',
  'updates',
  'close',
  'record',
  'forget',
  'notify',
];

const ACTIVITY_TYPES = [
  'text',
  'int',
  'text',
  'int',
  'int',
  'bigint',
  'bigint',
  'text',
  'bytea',
  'text',
  'bytea',
  'bool',
  'text',
];

const FENCE = `f AS (
      UPDATE executions e SET
        last_event_id = coalesce(v.new_last, e.last_event_id),
        task_error = CASE WHEN v.clear_error THEN NULL ELSE e.task_error END,
        task_attempt = CASE WHEN v.clear_error THEN 0 ELSE e.task_attempt END,
        search_attributes = CASE WHEN v.sa IS NULL THEN e.search_attributes ELSE e.search_attributes || v.sa::jsonb END,
        status = coalesce(v.close, e.status),
        close_time_ms = CASE WHEN v.close IS NULL THEN e.close_time_ms ELSE v.close_time END,
        lease_owner = CASE WHEN v.close IS NULL THEN e.lease_owner END,
        lease_expires_at_ms = CASE WHEN v.close IS NULL THEN e.lease_expires_at_ms END,
        ready_at_ms = CASE WHEN v.close IS NULL THEN e.ready_at_ms END,
        lease_epoch = CASE WHEN v.close IS NULL THEN e.lease_epoch ELSE e.lease_epoch + 1 END
      FROM v
      WHERE e.run_id = v.run_id AND e.lease_owner = v.owner AND e.lease_epoch = v.epoch AND e.status = 'RUNNING'
        AND (v.expected IS NULL OR e.last_event_id = v.expected)
      RETURNING e.run_id, v.close IS NOT NULL AS closing,
        CASE WHEN v.want_visibility THEN e.memo_text END AS memo_text,
        CASE WHEN v.want_visibility THEN e.memo_bytes END AS memo_bytes,
        CASE WHEN v.want_visibility THEN e.search_attributes END AS search_attributes)`;

/** `unnest($a::t1[], $b::t2[], …)` over the next parameters. */
function arrays(next: () => number, types: readonly string[]): string {
  return `unnest(${types.map((t) => `$${next()}::${t}[]`).join(', ')})`;
}

function part(name: BatchPart, next: () => number, updates: { run: number; id: number } | undefined): string {
  switch (name) {
    case 'events':
      return `ev AS (
      INSERT INTO history_events (run_id, ${EVENT_COLUMNS})
      SELECT x.* FROM ${arrays(next, ['text', 'int', 'text', 'bigint', 'text', 'text', 'bytea'])}
        AS x(run_id, ${EVENT_COLUMNS})
      WHERE x.run_id IN (SELECT run_id FROM f))`;
    case 'deleteActivities':
      return `da AS (
      DELETE FROM pending_activities p USING ${arrays(next, ['text', 'int'])} AS x(run_id, seq)
      WHERE p.run_id = x.run_id AND p.seq = x.seq AND x.run_id IN (SELECT run_id FROM f))`;
    case 'upsertActivities':
      return `ua AS (
      INSERT INTO pending_activities (${ACTIVITY_COLUMNS})
      SELECT x.* FROM ${arrays(next, ACTIVITY_TYPES)} AS x(${ACTIVITY_COLUMNS})
      WHERE x.run_id IN (SELECT run_id FROM f)
      ON CONFLICT (run_id, seq) DO UPDATE SET ${ACTIVITY_UPDATE})`;
    case 'inbox':
      return `di AS (
      DELETE FROM inbox i USING ${arrays(next, ['text', 'bigint'])} AS x(run_id, id)
      WHERE i.id = x.id AND x.run_id IN (SELECT run_id FROM f))`;
    case 'updates':
      return `us AS (
      UPDATE updates u SET stage = x.stage, outcome_text = x.outcome_text, outcome_bytes = x.outcome_bytes, failed = x.failed
      FROM ${arrays(next, ['text', 'text', 'text', 'text', 'bytea', 'bool'])}
        AS x(run_id, update_id, stage, outcome_text, outcome_bytes, failed)
      WHERE u.run_id = x.run_id AND u.update_id = x.update_id AND x.run_id IN (SELECT run_id FROM f))`;
    case 'close': {
      const listed =
        updates === undefined
          ? ''
          : `AND NOT EXISTS (SELECT 1 FROM unnest($${updates.run}::text[], $${updates.id}::text[]) AS y(run_id, update_id)
                         WHERE y.run_id = u.run_id AND y.update_id = u.update_id)`;
      return `ca AS (DELETE FROM pending_activities WHERE run_id IN (SELECT run_id FROM f WHERE closing)),
    ci AS (DELETE FROM inbox WHERE run_id IN (SELECT run_id FROM f WHERE closing)
      AND run_id NOT IN (SELECT run_id FROM v WHERE close = 'CONTINUED_AS_NEW')),
    cu AS (
      UPDATE updates u SET stage = 'COMPLETED', failed = true
      WHERE u.run_id IN (SELECT run_id FROM f WHERE closing) AND u.stage IN ('ADMITTED', 'ACCEPTED') ${listed})`;
    }
    case 'record':
      return `bc AS (INSERT INTO baton_commits (id, at_ms, run_ids) SELECT $${next()}::text, $${next()}::bigint, array(SELECT run_id FROM f))`;
    case 'forget':
      return `bf AS (DELETE FROM baton_commits WHERE id = ANY($${next()}::text[]))`;
    case 'notify':
      return `n AS (SELECT pg_notify($${next()}::text, p) FROM unnest($${next()}::text[]) AS p)`;
  }
}

const cache = new Map<string, Statement>();

/** The statement with these parts (and `v`, `f`), named after them. */
export function batchStatement(parts: ReadonlySet<BatchPart>): Statement {
  const key = BATCH_PARTS.map((p) => (parts.has(p) ? '1' : '0')).join('');
  let st = cache.get(key);
  if (st !== undefined) return st;
  let n = 0;
  const next = () => ++n;
  const v = `v AS (
      SELECT * FROM ${arrays(next, ['text', 'text', 'int', 'int', 'int', 'bool', 'text', 'text', 'bigint', 'bool'])}
        AS v(run_id, owner, epoch, expected, new_last, clear_error, sa, close, close_time, want_visibility))`;
  const ctes = [v, FENCE];
  let updates: { run: number; id: number } | undefined;
  for (const name of BATCH_PARTS) {
    if (!parts.has(name)) continue;
    if (name === 'updates') updates = { run: n + 1, id: n + 2 };
    ctes.push(part(name, next, updates));
  }
  const notified = parts.has('notify') ? ', (SELECT count(*) FROM n) AS notified' : '';
  const text = `WITH ${ctes.join(',\n    ')}
    SELECT f.run_id, f.memo_text, f.memo_bytes, f.search_attributes${notified} FROM f`;
  st = { name: `baton_wb_${key}`, text };
  cache.set(key, st);
  return st;
}
