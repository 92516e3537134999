/**
 * The web UI's static files, served without a token (they hold no data; the UI sends its token
 * with each API call). A path that names a file under the UI folder gets it, with its content
 * type; any other path outside `/api/` and `/metrics` gets `index.html` (the UI routes in the
 * browser). When the folder has no `index.html`, every UI path answers 503 saying how to build it.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Context } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** The content type of a file name, by extension (`application/octet-stream` when unknown). */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The file under `root` that `urlPath` names, or undefined when it leaves `root` or is not a file. */
async function fileUnder(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const path = resolve(root, `.${decoded.startsWith('/') ? decoded : `/${decoded}`}`);
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  try {
    return (await stat(path)).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

const NOT_BUILT = (dir: string): string =>
  `The Baton web UI is not built: ${join(dir, 'index.html')} does not exist.\n` +
  'Run `npm run build` in the baton package (it builds the UI into dist/ui), or give the server a uiDir.\n' +
  'The HTTP API works meanwhile: /api/health, /api/executions, /api/openapi.json.\n';

/** Serves one UI path: the file, else index.html, else 503. */
async function serve(c: Context, root: string): Promise<Response> {
  const index = join(root, 'index.html');
  const file = (await fileUnder(root, c.req.path)) ?? (await fileUnder(root, '/index.html'));
  if (file === undefined) return c.text(NOT_BUILT(root), 503);
  const headers: Record<string, string> = {
    'Content-Type': contentTypeOf(file),
    'X-Content-Type-Options': 'nosniff',
    // index.html changes with each build; hashed assets could be cached longer, but need not be.
    'Cache-Control': file === index ? 'no-cache' : 'public, max-age=300',
  };
  if (file === index) {
    // No site may frame the UI (clickjacking its actions): `frame-ancestors 'none'`, and
    // X-Frame-Options for browsers without CSP level 2.
    headers['Content-Security-Policy'] =
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";
    headers['X-Frame-Options'] = 'DENY';
    headers['Referrer-Policy'] = 'no-referrer';
  }
  if (c.req.method === 'HEAD') return c.body(null, 200, headers);
  return c.body(new Uint8Array(await readFile(file)), 200, headers);
}

/**
 * Registers the UI on `app`: every GET or HEAD outside `/api/` and `/metrics`. Register it last,
 * after the API's routes.
 */
export function staticUiRoutes(app: OpenAPIHono, uiDir: string): void {
  const root = resolve(uiDir);
  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const path = c.req.path;
    if (path === '/api' || path.startsWith('/api/') || path === '/metrics') return next();
    return serve(c, root);
  });
}
