/**
 * The headers of the web UI's page on a real server: index.html (at `/` and at every UI route)
 * may not be framed by any site (clickjacking: `frame-ancestors 'none'` in its CSP, and
 * `X-Frame-Options: DENY` for browsers without CSP level 2), and keeps its script policy.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { startServer } from '../../src/server/index.js';
import { openTestEnv } from '../support/harness.js';
import { call, track } from '../server/support.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('web UI page headers', () => {
  test('index.html forbids framing and keeps its CSP; HEAD answers the same headers', async () => {
    const ui = mkdtempSync(join(tmpdir(), 'baton-ui-headers-'));
    dirs.push(ui);
    mkdirSync(join(ui, 'assets'));
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Baton</title><div id="app"></div>');
    writeFileSync(join(ui, 'assets', 'index-abc.js'), 'console.log("baton")');
    const env = await openTestEnv();
    const server = track(await startServer({ baton: env.baton, port: 0, uiDir: ui }));

    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/index.html'],
      ['GET', '/executions/capture-mewtwo?runId=r'],
      ['GET', '/execution?workflowId=..'],
      ['HEAD', '/topics'],
    ] as const) {
      const r = await call(server.url, method, path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
      const csp = (r.headers.get('content-security-policy') ?? '').split(';').map((d) => d.trim());
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("default-src 'self'");
    }
  });
});
