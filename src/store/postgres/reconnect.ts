import type pg from 'pg';
import type { Logger } from '../../common/logger.js';
import { StoreError } from '../../common/errors.js';
import type { Queryable, Statement } from './statements.js';

/** SQLSTATE classes and codes that mean the connection (or the server) went away. */
const CONNECTION_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08007',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

const CONNECTION_MESSAGES =
  /Connection terminated|connection error|Client was closed|not queryable|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)/i;

/** True when `err` says the connection to PostgreSQL was lost or could not be made. */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  if (CONNECTION_MESSAGES.test(err.message)) return true;
  return err.cause !== undefined && err.cause !== err && isConnectionError(err.cause);
}

/** True for errors after which the same transaction can simply be run again (deadlock, serialization). */
export function isTransientError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === '40P01' || code === '40001';
}

/** Back-off between attempts while PostgreSQL is unreachable: 50 ms doubling to 2 s. */
function backoffMs(attempt: number): number {
  return Math.min(50 * 2 ** attempt, 2000);
}

/**
 * Runs store operations through connection losses: an operation that fails because PostgreSQL
 * went away is retried with back-off until it is back (or the store is closed). An outage is
 * logged once when it starts and once when it ends, if a logger was given.
 */
export class Reconnector {
  private outageSinceMs: number | undefined;

  constructor(
    /** `host:port/database`, for messages. */
    readonly where: string,
    private readonly logger: Logger | undefined,
    private readonly isClosed: () => boolean,
  ) {}

  /**
   * Runs `fn`, again after each connection loss, until it succeeds or fails otherwise.
   * @throws what `fn` throws when it is not a connection loss; StoreError once the store is closed.
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const value = await fn();
        this.recovered();
        return value;
      } catch (err) {
        if (!isConnectionError(err)) throw err;
        await this.pause(err, attempt);
      }
    }
  }

  /**
   * Notes a connection loss and waits before the next attempt.
   * @throws StoreError when the store was closed meanwhile.
   */
  async pause(err: unknown, attempt: number): Promise<void> {
    this.lost(err);
    if (this.isClosed()) throw this.closedError(err);
    await new Promise((r) => setTimeout(r, backoffMs(attempt)));
    if (this.isClosed()) throw this.closedError(err);
  }

  /** Records that the server answered: ends an outage (logged once). */
  recovered(): void {
    if (this.outageSinceMs === undefined) return;
    const downMs = Date.now() - this.outageSinceMs;
    this.outageSinceMs = undefined;
    this.logger?.info(`PostgreSQL at ${this.where} is reachable again`, { downMs });
  }

  /** Records a connection loss: starts an outage (logged once). */
  lost(err: unknown): void {
    if (this.outageSinceMs !== undefined) return;
    this.outageSinceMs = Date.now();
    this.logger?.warn(`lost the connection to PostgreSQL at ${this.where}; retrying with back-off`, {
      error: (err as Error).message,
    });
  }

  private closedError(cause: unknown): StoreError {
    return new StoreError(`the PostgreSQL store at ${this.where} was closed while it was unreachable`, cause);
  }
}

/** Runs named statements (or plain SQL) on a pool, retrying through connection losses. */
export class PoolDb implements Queryable {
  constructor(
    private readonly pool: pg.Pool,
    private readonly reconnector: Reconnector,
  ) {}

  query<R extends pg.QueryResultRow>(st: Statement | string, values: readonly unknown[]) {
    const config = typeof st === 'string' ? { text: st } : { name: st.name, text: st.text };
    return this.reconnector.run(async () => {
      const r = await this.pool.query<R>({ ...config, values: values as unknown[] });
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    });
  }
}
