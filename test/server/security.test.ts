/**
 * The server's guards on a real server: no public address without a token, the bearer token on
 * /api and /metrics (not on the UI), the body limit (413, nothing started), cross-origin writes and
 * foreign Host headers refused; and the documents it serves: the OpenAPI document and /metrics.
 */
import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiError, ApiExecutionList } from '../../src/server/api-types.js';
import { ServerConfigurationError, startServer } from '../../src/server/index.js';
import { openTestEnv } from '../support/harness.js';
import { anyString, call, openApiEnv, track, wild } from './support.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The parts of an OpenAPI 3 document the test reads. */
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<
    string,
    Record<
      string,
      {
        responses: object;
        parameters?: { name: string }[];
        requestBody?: { content: Record<string, { schema?: object }> };
      }
    >
  >;
  components: { schemas: Record<string, object> };
}

/** A UI folder with an index.html. */
function uiDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-ui-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Baton</title>');
  return dir;
}

/** A GET with a chosen Host header (fetch() does not let a caller set it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP API: security', () => {
  it('refuses to start on 0.0.0.0 without a token, naming the host and the remedy', async () => {
    const env = await openTestEnv();
    for (const host of ['0.0.0.0', '192.0.2.1', '::']) {
      const error = await startServer({ baton: env.baton, host, port: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerConfigurationError);
      expect((error as Error).message).toContain(`host ${host}`);
      expect((error as Error).message).toContain('--token');
      expect((error as Error).message).toContain('BATON_TOKEN');
    }
  });

  it('with a token: /api and /metrics need it (401 without or wrong, 200 with); the UI does not', async () => {
    const token = 'pikachu-thunderbolt';
    const api = await openApiEnv({
      token,
      host: '0.0.0.0',
      uiDir: uiDir(),
      metrics: { contentType: 'text/plain', metrics: async () => 'up 1\n' },
    });
    expect(api.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const path of ['/api/health', '/api/executions', '/api/openapi.json', '/metrics']) {
      const none = await api.call('GET', path);
      expect(none.status, path).toBe(401);
      expect(none.error.code).toBe('UNAUTHORIZED');
      expect(none.error.message).toContain('Authorization: Bearer');
      expect(none.headers.get('www-authenticate')).toContain('Bearer');
      const wrong = await api.call('GET', path, undefined, { authorization: 'Bearer raichu' });
      expect(wrong.status, path).toBe(401);
      expect(wrong.error.message).toContain('wrong token');
      const right = await api.call('GET', path, undefined, { authorization: `Bearer ${token}` });
      expect(right.status, path).toBe(200);
    }
    const start = await api.call('POST', '/api/executions', { workflowType: 'Encounter', args: [wild()] });
    expect(start.status).toBe(401);
    expect((await api.env.baton.client.list()).length).toBe(0);

    const ui = await api.call('GET', '/');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('<title>Baton</title>');

    // EventSource cannot send headers: the stream takes ?token= too (and only the stream does).
    const started = await api.call(
      'POST',
      '/api/executions',
      { workflowType: 'Encounter', workflowId: 'e', args: [wild()] },
      {
        authorization: `Bearer ${token}`,
      },
    );
    expect(started.status).toBe(201);
    const stream = await fetch(`${api.server.url}/api/executions/e/stream?token=${token}`);
    expect(stream.status).toBe(200);
    await stream.body!.cancel();
    expect((await api.call('GET', `/api/executions/e?token=${token}`)).status).toBe(401);
  });

  it('answers 413 to a 10 MB body, and starts nothing', async () => {
    const api = await openApiEnv({ worker: false });
    const huge = JSON.stringify({ workflowType: 'Encounter', args: ['x'.repeat(10 * 1024 * 1024)] });
    const r = await api.call('POST', '/api/executions', huge);
    expect(r.status).toBe(413);
    expect(r.error.code).toBe('BODY_TOO_LARGE');
    expect(r.error.message).toContain('1048576 bytes');

    // Chunked, without Content-Length: counted while it is read.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        const mb = new TextEncoder().encode('x'.repeat(1024 * 1024));
        for (let i = 0; i < 10; i++) controller.enqueue(mb);
        controller.close();
      },
    });
    const chunked = await fetch(`${api.server.url}/api/executions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect((await api.call<ApiExecutionList>('GET', '/api/executions')).json.executions).toEqual([]);
  });

  it('handles bodies under the limit however they come: none at all, or chunked; other methods 404', async () => {
    const api = await openApiEnv();
    const first = await api.call('POST', '/api/executions', {
      workflowType: 'Encounter',
      workflowId: 'w1',
      args: [wild()],
    });
    expect(first.status).toBe(201);
    // No body at all (curl -X POST): read as {}.
    const bare = await fetch(`${api.server.url}/api/executions/w1/cancel`, { method: 'POST' });
    expect(bare.status).toBe(204);
    const second = await api.call('POST', '/api/executions', {
      workflowType: 'Encounter',
      workflowId: 'w2',
      args: [wild()],
    });
    expect(second.status).toBe(201);
    // A small chunked body, without Content-Length.
    const chunked = await fetch(`${api.server.url}/api/executions/w2/terminate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"reason":'));
          controller.enqueue(new TextEncoder().encode('"chunked"}'));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(chunked.status).toBe(204);
    const terminated = await api.call<{ status: string; failure?: { message: string } }>(
      'GET',
      '/api/executions/w2',
    );
    expect(terminated.json.status).toBe('TERMINATED');
    expect(terminated.json.failure?.message).toContain('chunked');
    for (const method of ['OPTIONS', 'DELETE']) {
      const r = await fetch(`${api.server.url}/api/health`, { method });
      expect(r.status, method).toBeLessThan(500);
    }
  });

  it('refuses writes from another origin and requests naming a foreign Host', async () => {
    const api = await openApiEnv({ worker: false });
    const cross = await api.call(
      'POST',
      '/api/executions',
      { workflowType: 'Encounter', args: [wild()] },
      {
        origin: 'https://evil.example',
      },
    );
    expect(cross.status).toBe(403);
    expect(cross.error.message).toContain('https://evil.example');
    const same = await api.call(
      'POST',
      '/api/executions',
      { workflowType: 'Encounter', args: [wild()] },
      {
        origin: api.server.url,
      },
    );
    expect(same.status).toBe(201);
    const rebound = await getWithHost(`${api.server.url}/api/executions`, 'evil.example:8233');
    expect(rebound.status).toBe(403);
    expect((JSON.parse(rebound.body) as ApiError).error.message).toContain('Host evil.example:8233 refused');
    expect((await getWithHost(`${api.server.url}/api/health`, 'localhost:8233')).status).toBe(200);
  });

  it('serves a valid-looking OpenAPI 3 document listing every path', async () => {
    const api = await openApiEnv({ worker: false });
    const r = await api.call<OpenApiDocument>('GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = r.json;
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: 'Baton HTTP API', version: anyString });
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/executions',
        '/api/executions/{workflowId}',
        '/api/executions/{workflowId}/history',
        '/api/executions/{workflowId}/stream',
        '/api/executions/{workflowId}/signal',
        '/api/executions/{workflowId}/query',
        '/api/executions/{workflowId}/update',
        '/api/executions/{workflowId}/cancel',
        '/api/executions/{workflowId}/terminate',
        '/api/executions/{workflowId}/reset',
        '/api/topics',
        '/api/topics/{topic}/events',
        '/api/topics/{topic}/redrive',
        '/api/workflow-types',
        '/api/health',
        '/api/openapi.json',
        '/metrics',
      ].sort(),
    );
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(['get', 'post'], `${method} ${path}`).toContain(method);
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
    expect(
      doc.paths['/api/executions']!.post!.requestBody!.content['application/json']!.schema,
    ).toBeDefined();
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'ApiError',
        'ApiFailure',
        'ApiExecutionDetail',
        'ApiHistoryEvent',
        'ApiStartRequest',
      ]),
    );
    const params = doc.paths['/api/executions']!.get!.parameters!.map((p) => p.name);
    expect(params).toEqual(
      expect.arrayContaining(['status', 'type', 'q', 'startedAfter', 'startedBefore', 'limit', 'offset']),
    );
  });

  it('serves /metrics from its source, or 404 with a message when there is none', async () => {
    const env = await openTestEnv();
    const without = track(await startServer({ baton: env.baton, port: 0 }));
    const none = await call(without.url, 'GET', '/metrics');
    expect(none.status).toBe(404);
    expect(none.error.message).toContain('metrics are not enabled');
    const withMetrics = track(
      await startServer({
        baton: env.baton,
        port: 0,
        metrics: { contentType: 'text/plain; version=0.0.4', metrics: async () => 'baton_up 1\n' },
      }),
    );
    const m = await call(withMetrics.url, 'GET', '/metrics');
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(m.text).toBe('baton_up 1\n');
  });
});
