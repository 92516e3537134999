import type { Clock } from '../common/clock.js';
import type { Payload } from '../common/converter.js';
import { QueryTimeoutError } from '../runtime/queries.js';
import type { QueryAnswer, Store } from '../store/types.js';

/** How often an unanswered query is looked at again, in ms (answers in this process wake it at once). */
const POLL_MS = 20;

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
    const deadline = performance.now() + this.timeoutMs;
    let wake: (() => void) | undefined;
    const unsubscribe = this.store.subscribe((n) => {
      if (n.kind === 'answered' && n.queryId === id) wake?.();
    });
    try {
      for (;;) {
        const answer = await this.store.queryAnswer(id);
        if (answer !== undefined) return answer;
        const left = deadline - performance.now();
        if (left <= 0) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(POLL_MS, left));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    } finally {
      unsubscribe();
    }
    await this.store.dropQuery(id);
    throw new QueryTimeoutError(
      `query '${queryName}' got no answer within ${this.timeoutMs} ms: no worker holding the execution or having its workflow code answered`,
    );
  }
}
