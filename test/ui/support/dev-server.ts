import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { runTs, type Child } from '../../support/child.js';
import type { ApiStartRequest, ApiStartResponse } from '../../../src/server/api-types.js';

/** A `baton dev` child process: its base URL and how to stop it. */
export interface DevServer {
  url: string;
  /** The `--token` it was given, if any. */
  token: string | undefined;
  child: Child;
  /** POST /api/executions; throws with the server's answer unless 201. */
  start(req: ApiStartRequest): Promise<ApiStartResponse>;
  /** SIGTERM, then SIGKILL if it has not exited after 10 s. */
  stop(): Promise<void>;
}

/** A TCP port free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function authHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { Authorization: `Bearer ${token}` };
}

async function healthy(url: string, token: string | undefined): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/health`, { headers: authHeaders(token) })).ok;
  } catch {
    return false;
  }
}

/**
 * Starts `baton dev --store sqlite:STORE --port PORT [--token TOKEN]` from the sources and waits
 * until its API answers and it has printed its URL.
 *
 * @throws Error with the child's output when it exits or is not up within `timeoutMs`.
 */
export async function startDevServer(
  store: string,
  {
    token,
    timeoutMs = 40_000,
    extraArgs = [],
  }: { token?: string; timeoutMs?: number; extraArgs?: string[] } = {},
): Promise<DevServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['dev', '--store', `sqlite:${store}`, '--port', String(port)];
  if (token !== undefined) args.push('--token', token);
  args.push(...extraArgs);
  const child = runTs('src/cli/main.ts', args, { BATON_STORE: undefined, BATON_TOKEN: undefined });
  let exited = false;
  void child.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  while (!(child.stdout().includes(url) && (await healthy(url, token)))) {
    if (exited || Date.now() > deadline) {
      child.proc.kill('SIGKILL');
      throw new Error(
        `baton dev did not come up on ${url}${exited ? ' (it exited)' : ''}:\n` +
          `stdout:\n${child.stdout()}\nstderr:\n${child.stderr()}`,
      );
    }
    await sleep(100);
  }
  return {
    url,
    token,
    child,
    async start(req) {
      const res = await fetch(`${url}/api/executions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...authHeaders(token) },
        body: JSON.stringify(req),
      });
      const body = await res.text();
      if (res.status !== 201) throw new Error(`POST /api/executions: ${res.status} ${body}`);
      return JSON.parse(body) as ApiStartResponse;
    },
    async stop() {
      if (exited) return;
      child.proc.kill('SIGTERM');
      const killer = setTimeout(() => child.proc.kill('SIGKILL'), 10_000);
      await child.exited;
      clearTimeout(killer);
    },
  };
}
