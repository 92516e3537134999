/**
 * A real HTTP server on 127.0.0.1 for tests of HTTP steps: it logs every request (method, path,
 * query, headers, parsed body, arrival time) and answers with what the test's handler returns.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the mock received. */
export interface MockRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query string's parameters (last value wins). */
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The body parsed as JSON when it parses, else the text ('' when none). */
  body: unknown;
  /** Arrival time (ms since the epoch). */
  atMs: number;
}

/** What a handler answers; `json` is sent with `Content-Type: application/json`. */
export interface MockAnswer {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  /** Wait this long (ms) before answering. */
  delayMs?: number;
}

/** A running mock. */
export interface MockHttp {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  requests: MockRequest[];
  /** Rewrites a URL's origin (scheme, host, port) to this server's, keeping path and query. */
  rewrite(url: string): string;
  close(): Promise<void>;
}

/**
 * Starts a mock server; `handler` may be async (to hold an answer until another request came).
 *
 * @example
 * const mock = await startMockHttp((req) => ({ json: { ok: true, path: req.path } }));
 */
export async function startMockHttp(
  handler: (request: MockRequest, all: readonly MockRequest[]) => MockAnswer | Promise<MockAnswer>,
): Promise<MockHttp> {
  const requests: MockRequest[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then(async (text) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request: MockRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
        ),
        body: parseMaybe(text),
        atMs: Date.now(),
      };
      requests.push(request);
      let answer: MockAnswer;
      try {
        answer = await handler(request, requests);
      } catch (error) {
        answer = { status: 599, text: String(error) };
      }
      if (answer.delayMs !== undefined) await new Promise((r) => setTimeout(r, answer.delayMs));
      const headers: Record<string, string> = { ...answer.headers };
      let body = answer.text ?? '';
      if (answer.json !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(answer.json);
      }
      res.writeHead(answer.status ?? 200, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    rewrite: (url) => {
      const parsed = new URL(url);
      return `${origin}${parsed.pathname}${parsed.search}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseMaybe(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
