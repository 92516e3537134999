/**
 * Middleware in front of the API's routes: the bearer token, cross-origin writes and foreign
 * `Host` headers, the body size limit, and JSON bodies parsed once (so a malformed one gets a 400
 * naming the parser's complaint). Each failure is thrown as an {@link ApiRequestError}; the app's
 * error handler answers it (errors.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiRequestError } from './errors.js';
import { isLoopbackHost } from './options.js';

/** The SSE stream's path, the one place `?token=` is read. */
const STREAM_PATH = /^\/api\/executions\/[^/]+\/stream$/;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** True when `given` equals `expected`, in time that does not depend on where they differ. */
export function tokensMatch(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so timingSafeEqual never throws and the length leaks nothing.
  return timingSafeEqual(sha256(given), sha256(expected));
}

/**
 * Requires `Authorization: Bearer <token>`. On the SSE stream, whose browser client (EventSource)
 * cannot send headers, `?token=` is accepted too.
 *
 * @throws ApiRequestError 401 when it is missing or wrong.
 */
export function requireToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    let given = match?.[1];
    if (given === undefined && c.req.method === 'GET' && STREAM_PATH.test(c.req.path))
      given = c.req.query('token');
    if (given === undefined || !tokensMatch(given, token)) {
      c.header('WWW-Authenticate', 'Bearer realm="baton"');
      throw new ApiRequestError(
        401,
        'UNAUTHORIZED',
        given === undefined
          ? 'missing token: expected an Authorization: Bearer <token> header'
          : 'wrong token: the bearer token does not match the server’s (--token / BATON_TOKEN)',
      );
    }
    await next();
  };
}

/** The host name of a `Host` header (`127.0.0.1:8233` → `127.0.0.1`, `[::1]:8233` → `::1`). */
function hostName(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/** The `host[:port]` of an `Origin` header; undefined for `null` or anything unparsable. */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Refuses what a web page of another site could make a browser send:
 * - a write (any method but GET, HEAD, OPTIONS) whose `Origin` is not this server's own;
 * - when the server has no token (so it listens on loopback only), a request whose `Host` is not
 *   a loopback name (DNS rebinding).
 *
 * @throws ApiRequestError 403 naming the header.
 */
export function sameOriginOnly(hasToken: boolean): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (!hasToken && host !== '' && !isLoopbackHost(hostName(host))) {
      throw new ApiRequestError(
        403,
        'FORBIDDEN',
        `Host ${host} refused: a server without a token answers loopback names only (127.0.0.1, localhost, [::1]); ` +
          'give the server a token (--token / BATON_TOKEN) to reach it under another name',
      );
    }
    const origin = c.req.header('origin');
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method);
    if (write && origin !== undefined && originHost(origin) !== host.toLowerCase()) {
      throw new ApiRequestError(
        403,
        'FORBIDDEN',
        `cross-origin request from ${origin} refused: the API accepts writes from its own origin only`,
      );
    }
    await next();
  };
}

/** Refuses bodies over `maxBytes` (by `Content-Length`, or while reading a chunked body). */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiRequestError(
        413,
        'BODY_TOO_LARGE',
        `request body too large: the limit is ${maxBytes} bytes (the server's bodyLimitBytes)`,
      );
    },
  });
}

/**
 * Parses the body once, before the routes' validators (which reuse the text read): a body that is
 * not `application/json` gets 415, a malformed one 400 with the parser's message, and an empty one
 * is read as `{}`.
 */
export function parseJsonBody(): MiddlewareHandler {
  return async (c, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return next();
    const text = await c.req.text();
    if (text.trim().length === 0) {
      // No body: the routes see `{}` (an optional body is then empty; a required one names what it lacks).
      const headers = new Headers(c.req.raw.headers);
      headers.set('content-type', 'application/json');
      c.req.raw = new Request(c.req.raw.url, { method: c.req.method, headers, body: '{}' });
      c.req.bodyCache = {};
      return next();
    }
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!/^application\/([\w.-]+\+)?json$/.test(type)) {
      throw new ApiRequestError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `unsupported request body: expected Content-Type: application/json, got ${type === '' ? 'none' : type}`,
      );
    }
    try {
      JSON.parse(text);
    } catch (error) {
      throw new ApiRequestError(
        400,
        'MALFORMED_JSON',
        `malformed JSON in the request body: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    await next();
  };
}
