/**
 * The Professor Oak activity: one HTTP call with the global `fetch`. When nobody answers, or the
 * answer is not a 2xx, it throws an error that says where it called and why it failed, so each
 * failed attempt is readable in the history (`ActivityTaskStarted`'s last failure).
 */
import { activityContext } from '../../src/index.js';

/** Professor Oak did not answer: connection refused, a timeout, a non-2xx status or a bad body. */
export class ProfessorOakUnavailableError extends Error {
  constructor(
    readonly url: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`Professor Oak is not answering at ${url}: ${reason}`, options);
    this.name = 'ProfessorOakUnavailable';
  }
}

/** The most telling message in an error's causes: fetch says 'fetch failed', its cause says why. */
function reasonOf(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (e.message !== '') messages.push(e.message);
    else if (typeof code === 'string') messages.push(code);
    if (e instanceof AggregateError)
      for (const inner of e.errors as unknown[]) if (inner instanceof Error) messages.push(inner.message);
  }
  return messages.at(-1) ?? String(error);
}

/**
 * Asks Professor Oak for a greeting (`GET url`, answered with `{ "greeting": "…" }`). Inside an
 * activity, the attempt's abort signal cancels the request when the attempt times out.
 *
 * @throws ProfessorOakUnavailableError when the server is down, answers non-2xx or no greeting.
 * @example
 * const greeting = await askProfessorOak('http://127.0.0.1:8080/hello');
 */
export async function askProfessorOak(url: string): Promise<string> {
  let signal: AbortSignal | undefined;
  try {
    signal = activityContext().signal;
  } catch {
    signal = undefined; // called outside an activity
  }
  let response: Response;
  try {
    response = await fetch(url, signal === undefined ? {} : { signal });
  } catch (error) {
    throw new ProfessorOakUnavailableError(url, reasonOf(error), { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ProfessorOakUnavailableError(url, `HTTP ${response.status} ${response.statusText}`);
  }
  const body = (await response.json()) as { greeting?: unknown };
  if (typeof body.greeting !== 'string')
    throw new ProfessorOakUnavailableError(url, 'the answer has no greeting');
  return body.greeting;
}

/** The activities of the Professor Oak workflow, to register on a worker. */
export const professorOakActivities = { askProfessorOak };

/** The activity interface that the workflow types its proxy with. */
export type ProfessorOakActivities = typeof professorOakActivities;
