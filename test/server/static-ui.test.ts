/**
 * The web UI's static files on a real server: files with their content types, the SPA fallback to
 * index.html (not for /api), no way out of the folder, and 503 with how to build it when missing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/index.js';
import { openTestEnv } from '../support/harness.js';
import { call, track } from './support.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-ui-'));
  dirs.push(dir);
  return dir;
}

describe('HTTP server: static web UI', () => {
  it('serves files with their content types and falls back to index.html for UI routes', async () => {
    const root = tempDir();
    const ui = join(root, 'ui');
    mkdirSync(join(ui, 'assets'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Baton</title><div id="app"></div>');
    writeFileSync(join(ui, 'assets', 'index-abc.js'), 'console.log("baton")');
    writeFileSync(join(ui, 'assets', 'index-abc.css'), 'body { margin: 0 }');
    writeFileSync(join(ui, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(root, 'secret.txt'), 'outside the UI folder');
    const env = await openTestEnv();
    const server = track(await startServer({ baton: env.baton, port: 0, uiDir: ui }));

    const index = await call(server.url, 'GET', '/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.text).toContain('<div id="app">');
    for (const [path, type] of [
      ['/assets/index-abc.js', 'text/javascript; charset=utf-8'],
      ['/assets/index-abc.css', 'text/css; charset=utf-8'],
      ['/favicon.svg', 'image/svg+xml'],
    ]) {
      const r = await call(server.url, 'GET', path!);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type'), path).toBe(type);
    }
    for (const path of ['/executions/capture-mewtwo', '/executions/a.b/history', '/topics']) {
      const r = await call(server.url, 'GET', path);
      expect(r.status, path).toBe(200);
      expect(r.text, path).toContain('<div id="app">');
    }
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const r = await call(server.url, 'GET', path);
      expect(r.text, path).not.toContain('outside the UI folder');
    }
    const api = await call(server.url, 'GET', '/api/nowhere');
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers 503 saying to run npm run build when the UI folder does not exist', async () => {
    const env = await openTestEnv();
    const server = track(await startServer({ baton: env.baton, port: 0, uiDir: join(tempDir(), 'missing') }));
    const r = await call(server.url, 'GET', '/');
    expect(r.status).toBe(503);
    expect(r.text).toContain('npm run build');
    expect((await call(server.url, 'GET', '/api/health')).status).toBe(200);
  });
});
