import type { Clock } from '../common/clock.js';
import type { Payload } from '../common/converter.js';
import { QueryTimeoutError } from '../runtime/queries.js';
import type { QueryAnswer, Store } from '../store/types.js';
import { pollUntil } from './poll-until.js';

/** Sends queries through the store and waits for a worker's answer, up to a deadline. */
export class QueryClient {
  constructor(
    private readonly store: Store,
    private readonly timeoutMs: number,
    private readonly clock: Clock,
  ) {}

  /** @throws QueryTimeoutError when no worker answered within the timeout (the query is dropped). */
  async ask(runId: string, queryName: string, payload: Payload): Promise<QueryAnswer> {
    const id = await this.store.addQuery(runId, queryName, payload, this.clock.nowMs());
    const answer = await pollUntil(
      this.store,
      (n) => n.kind === 'answered' && n.queryId === id,
      () => this.store.queryAnswer(id),
      this.timeoutMs,
    );
    if (answer !== undefined) return answer;
    await this.store.dropQuery(id);
    throw new QueryTimeoutError(
      `query '${queryName}' got no answer within ${this.timeoutMs} ms: no worker holding the execution or having its workflow code answered`,
    );
  }
}
