/**
 * A Conductor task's retry settings (its inline `taskDefinition` and the workflow task's own
 * `retryCount`) mapped onto Baton's retry policy.
 */
import type { RetryPolicy } from '../../common/retry-policy.js';

/** The retry settings read from a task (all optional, as in the file). */
export interface TaskRetrySettings {
  /** The workflow task's own `retryCount`: overrides the task definition's. */
  taskRetryCount?: number;
  /** The inline `taskDefinition`, when the task has one. */
  definition?: {
    retryCount?: number;
    retryLogic?: string;
    retryDelaySeconds?: number;
    backoffScaleFactor?: number;
  };
}

/** The retry logics Conductor knows. */
export const RETRY_LOGICS = ['FIXED', 'EXPONENTIAL_BACKOFF', 'LINEAR_BACKOFF'] as const;

/**
 * Defaults of a Conductor task definition's fields, used when an inline `taskDefinition` leaves
 * one out (as Conductor's `TaskDef`): 3 retries, FIXED, 60 s apart, linear scale 1.
 */
export const TASK_DEF_DEFAULTS = Object.freeze({
  retryCount: 3,
  retryLogic: 'FIXED',
  retryDelaySeconds: 60,
  backoffScaleFactor: 1,
});

/**
 * The Baton retry policy of a task.
 *
 * - No `taskDefinition`: Conductor's ad-hoc definition, `retryCount` 0 (SIMPLE tasks too: Baton has
 *   no registry of task definitions, so there is nothing to inherit); the workflow task's own
 *   `retryCount` still applies, with FIXED 60 s between attempts.
 * - `maximumAttempts` = 1 + retryCount (the workflow task's `retryCount` wins over the
 *   definition's).
 * - FIXED: every retry waits `retryDelaySeconds` (coefficient 1).
 * - EXPONENTIAL_BACKOFF: retry n waits `retryDelaySeconds × 2^(n−1)` (initial interval
 *   `retryDelaySeconds`, coefficient 2), as Conductor's; no cap below the last retry's delay.
 * - LINEAR_BACKOFF: Conductor waits `retryDelaySeconds × backoffScaleFactor × n` before retry n.
 *   Baton's policy is geometric, so this is approximated: initial interval `d = retryDelaySeconds ×
 *   backoffScaleFactor`, coefficient 2, capped at `d × retryCount`. Retries 1, 2 and the last wait
 *   exactly Conductor's delays; the ones in between wait longer (never more than the last delay).
 * - `retryDelaySeconds` 0 becomes 1 ms (Baton needs an interval > 0).
 *
 * @example
 * retryPolicyOf({ definition: { retryCount: 1, retryLogic: 'EXPONENTIAL_BACKOFF', retryDelaySeconds: 2 } });
 * // → { maximumAttempts: 2, initialInterval: 2000, backoffCoefficient: 2, maximumInterval: 2000 }
 */
export function retryPolicyOf(settings: TaskRetrySettings): RetryPolicy {
  const def = settings.definition;
  const retryCount =
    settings.taskRetryCount ?? (def === undefined ? 0 : (def.retryCount ?? TASK_DEF_DEFAULTS.retryCount));
  const logic = def?.retryLogic ?? TASK_DEF_DEFAULTS.retryLogic;
  const delaySeconds = def?.retryDelaySeconds ?? TASK_DEF_DEFAULTS.retryDelaySeconds;
  const maximumAttempts = 1 + retryCount;
  if (logic === 'EXPONENTIAL_BACKOFF') {
    const initialMs = delayMs(delaySeconds);
    const lastMs = capped(initialMs * Math.pow(2, Math.max(0, retryCount - 1)), initialMs);
    return { maximumAttempts, initialInterval: initialMs, backoffCoefficient: 2, maximumInterval: lastMs };
  }
  if (logic === 'LINEAR_BACKOFF') {
    const scale = def?.backoffScaleFactor ?? TASK_DEF_DEFAULTS.backoffScaleFactor;
    const initialMs = delayMs(delaySeconds * scale);
    const lastMs = capped(initialMs * Math.max(1, retryCount), initialMs);
    return { maximumAttempts, initialInterval: initialMs, backoffCoefficient: 2, maximumInterval: lastMs };
  }
  const fixedMs = delayMs(delaySeconds);
  return { maximumAttempts, initialInterval: fixedMs, backoffCoefficient: 1, maximumInterval: fixedMs };
}

/** The longest delay between two attempts Baton uses (Conductor has none): 20 days (Node timers stop at 24.8 days). */
const MAX_DELAY_MS = 20 * 24 * 3600 * 1000;

function capped(ms: number, floorMs: number): number {
  return Math.max(floorMs, Math.min(ms, MAX_DELAY_MS));
}

function delayMs(seconds: number): number {
  return Math.max(1, Math.round(seconds * 1000));
}
