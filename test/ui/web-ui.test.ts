/**
 * The web UI in a real browser (headless Chromium through playwright-core) against a real
 * `baton dev` on a temp SQLite store: what the user sees after starting, signalling and
 * cancelling workflows, and that user strings are shown as text, never run as HTML.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { mewtwo, sacha } from '../../examples/pokemon/domain.js';
import { Baton, silentLogger } from '../../src/index.js';
import type { ApiTopic } from '../../src/server/api-types.js';
import { tempStore } from '../support/cli.js';
import { CHROMIUM_PATH, chromiumFound, launchChromium } from './support/chromium.js';
import { startDevServer, type DevServer } from './support/dev-server.js';
import { ensureUiBuilt } from './support/ui-build.js';

/** How long a step may wait for the page (less than a test's timeout, so a failure names the locator). */
const STEP_TIMEOUT_MS = 20_000;
const SCREENSHOTS = fileURLToPath(new URL('../../test-output/ui', import.meta.url));
const XSS = '<script>alert(1)</script>';
const NO_CHROMIUM = `no Chromium at ${CHROMIUM_PATH} (install it, or set BATON_TEST_CHROMIUM)`;

let store: string;
let server: DevServer | undefined;
let browser: Browser | undefined;
let page: Page;
/** Messages of the JavaScript dialogs (alert, confirm, prompt) the pages opened. */
let dialogs: string[] = [];

if (!chromiumFound()) console.warn(`test/ui/web-ui.test.ts skipped: ${NO_CHROMIUM}`);

beforeAll(async () => {
  if (!chromiumFound()) return;
  ensureUiBuilt();
  store = tempStore('baton-ui-');
  const files = ['examples/files/capture.yaml', 'test/fixtures/samples/utask/anyDependency.yaml'];
  [server, browser] = await Promise.all([
    startDevServer(store, { extraArgs: files.flatMap((f) => ['--file', f]) }),
    launchChromium(),
  ]);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

beforeEach(async (ctx) => {
  if (browser === undefined) return ctx.skip(NO_CHROMIUM);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});

afterEach(async () => {
  await page?.close();
});

function dev(): DevServer {
  if (server === undefined) throw new Error('baton dev is not running');
  return server;
}

/** Opens an execution's page from the list (by clicking its link), as a user would. */
async function openFromList(workflowId: string): Promise<void> {
  await page.goto(`${dev().url}/executions`);
  const row = page.getByTestId('execution-row').filter({ has: page.getByText(workflowId, { exact: true }) });
  await row.getByTestId('execution-link').click();
  await page
    .getByTestId('execution-page')
    .getByTestId('workflow-id')
    .getByText(workflowId, { exact: true })
    .waitFor();
}

/** How many events the API lists on `topic`. */
async function deadLetters(topic: string): Promise<number> {
  const res = await fetch(`${dev().url}/api/topics`);
  const { topics } = (await res.json()) as { topics: ApiTopic[] };
  return topics.find((t) => t.topic === topic)?.events ?? 0;
}

/** Waits until the execution page's badge says `label`. */
function statusBadge(label: string): Promise<void> {
  return page
    .getByTestId('execution-page')
    .getByTestId('status-badge')
    .getByText(label, { exact: true })
    .waitFor();
}

describe('web UI', { timeout: 60_000 }, () => {
  test('a capture started from the form is listed, and its page shows three activity bars and the result', async () => {
    await page.goto(`${dev().url}/executions`);
    await page.getByText('Start workflow').click();
    const form = page.getByTestId('start-form');
    await form.getByLabel('Workflow type').selectOption('CapturePokemon');
    await form.getByLabel('Workflow id').fill('ui-capture');
    await form.getByLabel('Arguments').fill(JSON.stringify([sacha(), mewtwo()]));
    await form.getByRole('button', { name: 'Start', exact: true }).click();
    // The start lands on the new execution's page.
    await page.getByTestId('page-title').getByText('ui-capture', { exact: true }).waitFor();

    await page.getByRole('link', { name: '← Executions' }).click();
    const row = page
      .getByTestId('execution-row')
      .filter({ has: page.getByText('ui-capture', { exact: true }) });
    await row.getByText('CapturePokemon', { exact: true }).waitFor();
    await row.getByTestId('status-badge').getByText('Completed').waitFor();

    await openFromList('ui-capture');
    await statusBadge('Completed');
    const bars = page.getByTestId('timeline-bar');
    await expect.poll(() => bars.count()).toBe(3);
    expect(await page.locator('[data-testid="timeline-bar"][data-kind="activity"]').count()).toBe(3);
    expect(await page.getByTestId('timeline').textContent()).toMatch(/paralyze.*attack.*throwPokeball/s);
    const result = page.getByTestId('result');
    await result.getByText('"trainerName": "Sacha"').waitFor();
    expect(await result.textContent()).toContain('"name": "Mewtwo"');
    expect(await page.getByTestId('history-row').count()).toBeGreaterThanOrEqual(11);

    mkdirSync(SCREENSHOTS, { recursive: true });
    const shot = join(SCREENSHOTS, 'execution.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
    expect(statSync(shot).size).toBeGreaterThan(0);
  });

  test('a workflow file shows its graph, each step coloured by the state it recorded', async () => {
    const { workflowId } = await dev().start({
      workflowType: 'CapturePokemon@1',
      workflowId: 'ui-file-capture',
      args: [{ trainer: sacha(), pokemon: mewtwo() }],
    });
    await openFromList(workflowId);
    const nodes = page.getByTestId('step-graph').getByTestId('step-node');
    await statusBadge('Completed');
    await expect.poll(() => nodes.count()).toBe(3);
    for (const step of ['paralyze', 'attack', 'throwPokeball'])
      await expect
        .poll(() => nodes.and(page.locator(`[data-step="${step}"]`)).getAttribute('data-state'))
        .toBe('completed');

    // A uTask template: a pruned step is drawn as skipped, a custom state keeps its name.
    const utask = await dev().start({
      workflowType: 'anydependency@1',
      workflowId: 'ui-file-utask',
      args: [{}],
    });
    await openFromList(utask.workflowId);
    await statusBadge('Completed');
    const node = (step: string) => nodes.and(page.locator(`[data-step="${step}"]`));
    await expect.poll(() => node('thirdStepRunsIfSecondKO').getAttribute('data-state')).toBe('skipped');
    expect(await node('thirdStepRunsIfSecondKO').getAttribute('data-label')).toBe('PRUNE');
    expect(await node('firstStepNotFound').getAttribute('data-label')).toBe('NOT_FOUND');
    expect(await node('fourthStepWillNotBePruned').getAttribute('data-state')).toBe('completed');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'file-graph.png'), fullPage: true });
  });

  test('the list filters by id and status and pages with next and previous', async () => {
    for (const id of ['ui-filter-a', 'ui-filter-b', 'ui-filter-c'])
      await dev().start({ workflowType: 'Encounter', workflowId: id, args: [mewtwo()] });
    const rows = page.getByTestId('execution-row');
    const filters = page.getByTestId('filters');

    await page.goto(`${dev().url}/executions`);
    await filters.getByLabel('Workflow id').fill('ui-filter-');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => rows.count()).toBe(3);
    expect(new URL(page.url()).searchParams.get('q')).toBe('ui-filter-');

    // Pages of 2 (the page size is in the URL, as every filter).
    await page.goto(`${dev().url}/executions?q=ui-filter-&limit=2`);
    await expect.poll(() => rows.count()).toBe(2);
    const pager = page.getByTestId('pager');
    await pager.getByRole('button', { name: 'Next →' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await pager.getByText('rows 3–3').waitFor();
    await pager.getByRole('button', { name: '← Previous' }).click();
    await expect.poll(() => rows.count()).toBe(2);

    await filters.getByLabel('Status').selectOption('COMPLETED');
    await page.getByText('No executions match.').waitFor();
    // A filter keeps the page size and goes back to the first page.
    await filters.getByLabel('Status').selectOption('RUNNING');
    await expect.poll(() => rows.count()).toBe(2);
    await pager.getByText('rows 1–2').waitFor();
    await filters.getByLabel('Workflow type').selectOption('CapturePokemon');
    await page.getByText('No executions match.').waitFor();
  });

  test('an Encounter waits for its signal; sent from the UI after confirmation, it completes', async () => {
    await dev().start({ workflowType: 'Encounter', workflowId: 'ui-encounter-signal', args: [mewtwo()] });
    await openFromList('ui-encounter-signal');
    await statusBadge('Running');
    await page.locator('[data-testid="timeline-bar"][data-kind="timer"]').waitFor();

    await page.getByTestId('actions').getByRole('button', { name: 'Signal', exact: true }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.getByLabel('Signal name').fill('trainerDecision');
    await dialog.getByLabel('Arguments').fill('["capture"]');
    await dialog.getByRole('button', { name: 'Send signal' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The page follows the run live (server-sent events): no reload.
    await statusBadge('Completed');
    await page.getByTestId('signals').getByText('trainerDecision').waitFor();
    await page.getByTestId('result').getByText('"outcome": "captured"').waitFor();
    await expect
      .poll(() => page.locator('[data-testid="timeline-bar"][data-kind="activity"]').count())
      .toBe(3);
  });

  test('a confirmation can be dismissed; cancel from the UI ends the execution Canceled', async () => {
    await dev().start({ workflowType: 'Encounter', workflowId: 'ui-encounter-cancel', args: [mewtwo()] });
    await openFromList('ui-encounter-cancel');
    await statusBadge('Running');

    const actions = page.getByTestId('actions');
    const dialog = page.getByTestId('confirm-dialog');
    await actions.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await statusBadge('Running');

    await actions.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.getByLabel('Reason').fill('the trainer went home');
    await dialog.getByRole('button', { name: 'Request cancellation' }).click();
    await statusBadge('Canceled');
    await page.getByTestId('history-table').getByText('WorkflowExecutionCanceled').waitFor();
    await expect
      .poll(() => actions.getByRole('button', { name: 'Cancel', exact: true }).isDisabled())
      .toBe(true);
  });

  test('a workflow id and input holding <script> are shown as text everywhere, never run', async () => {
    const pokemon = { ...mewtwo(), name: XSS };
    await dev().start({ workflowType: 'Encounter', workflowId: XSS, args: [pokemon] });

    await page.goto(`${dev().url}/executions`);
    const link = page.getByTestId('execution-link').getByText(XSS, { exact: true });
    await link.waitFor();
    await link.click();
    await page.getByTestId('page-title').getByText(XSS, { exact: true }).waitFor();
    await page.getByTestId('workflow-id').getByText(XSS, { exact: true }).waitFor();
    await page.getByTestId('input').getByText(`"name": "${XSS}"`).waitFor();
    const history = page.getByTestId('history-table');
    await history.getByText('WorkflowExecutionStarted').waitFor();
    expect(await history.textContent()).toContain(XSS);

    // The page of the same id reached by its URL (the id encoded in the path).
    await page.goto(`${dev().url}/executions/${encodeURIComponent(XSS)}`);
    await page.getByTestId('page-title').getByText(XSS, { exact: true }).waitFor();

    // Nothing ran: no alert, and the only script is the UI's own bundle.
    expect(dialogs).toEqual([]);
    expect(await page.locator('script', { hasText: 'alert(1)' }).count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('script').getAttribute('src')).toMatch(/^\/assets\/.+\.js$/);
  });

  test('executions whose id is . or .. open from the list on their own page, and no call reaches another endpoint', async () => {
    for (const id of ['.', '..'])
      await dev().start({ workflowType: 'Encounter', workflowId: id, args: [mewtwo()] });
    // What `/api/executions/./history` would name once URL parsing dropped the dot.
    await dev().start({ workflowType: 'Encounter', workflowId: 'history', args: [mewtwo()] });
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      const { pathname } = new URL(r.url());
      if (pathname.startsWith('/api/')) apiCalls.push(pathname);
    });

    for (const id of ['.', '..']) {
      await page.goto(`${dev().url}/executions`);
      await page.getByTestId('execution-link').getByText(id, { exact: true }).click();
      // The id rides in the query: a path segment `.` or `..` (even as %2E) is dropped by the browser.
      await page
        .getByTestId('execution-page')
        .getByTestId('page-title')
        .getByText(id, { exact: true })
        .waitFor();
      expect(new URL(page.url()).pathname).toBe('/execution');
      expect(new URL(page.url()).searchParams.get('workflowId')).toBe(id);
      // The HTTP API cannot name it in a path either: the page says so rather than show another one.
      await page.getByRole('alert').getByText('UNADDRESSABLE', { exact: false }).waitFor();
      expect(await page.getByTestId('status-badge').count()).toBe(0);
      // A reload (or a shared link) opens the same page.
      await page.reload();
      await page.getByTestId('page-title').getByText(id, { exact: true }).waitFor();
    }
    expect(apiCalls.filter((p) => p !== '/api/executions' && p !== '/api/workflow-types')).toEqual([]);
  });

  test('the UI refuses to be framed by another site', async () => {
    // about:blank frames the UI's page (refused) and, for contrast, an API answer (shown).
    await page.setContent(
      `<iframe name="ui" src="${dev().url}/executions"></iframe>` +
        `<iframe name="api" src="${dev().url}/api/health"></iframe>`,
    );
    const api = page.frame({ name: 'api' });
    await expect.poll(async () => (await api?.content()) ?? '').toContain('ok');
    // Chromium replaces a refused frame's document by its error page (the URL is not the UI's).
    const ui = page.frame({ name: 'ui' });
    expect(ui).not.toBeNull();
    expect(ui!.url()).not.toBe(`${dev().url}/executions`);
    expect(await ui!.locator('header.top').count()).toBe(0);
  });

  test('a dead letter is listed as text on its dead-letter topic, and redriven after confirmation', async () => {
    // A consumer group in this process, on baton dev's store file, that gives up at once.
    const baton = await Baton.open(`sqlite:${store}`, { logger: silentLogger });
    try {
      const failing = baton.topics.subscribe('orders', {
        group: 'billing',
        retry: { maximumAttempts: 1 },
        deadLetterTopic: 'orders.dlq',
        handler: async () => {
          throw new Error('card <b>declined</b>');
        },
      });
      await failing.ready;
      await baton.topics.publish(
        'orders',
        { item: '<img src=x onerror=alert(1)>', qty: 2 },
        { key: 'sacha' },
      );
      await expect.poll(() => deadLetters('orders.dlq'), { timeout: 15_000 }).toBe(1);
      await failing.close();
    } finally {
      await baton.close();
    }

    await page.goto(`${dev().url}/topics`);
    const billing = page.getByTestId('topic-row').filter({ hasText: 'billing' });
    await billing.getByText('orders', { exact: true }).waitFor();
    expect(await billing.textContent()).toMatch(/billing\s*0\s*1$/);
    await page.getByRole('link', { name: 'orders.dlq', exact: true }).click();

    const event = page.getByTestId('topic-event');
    await event.getByText('"item": "<img src=x onerror=alert(1)>"').waitFor();
    expect(await event.textContent()).toContain('Error: card <b>declined</b>');
    expect(await event.textContent()).toContain('orders / billing');
    expect(await page.locator('img').count()).toBe(0);

    await page.getByRole('button', { name: 'Redrive dead letters' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Redrive', exact: true }).click();
    await page.getByTestId('redriven').getByText('Redriven 1 events.').waitFor();

    // Back with the group that gave up: waiting for a member, so it counts in the lag.
    await page.getByRole('link', { name: '← Topics' }).click();
    await expect.poll(() => billing.textContent()).toMatch(/billing\s*1\s*0$/);
    expect(dialogs).toEqual([]);
  });
});

describe('web UI with a token', { timeout: 90_000 }, () => {
  const TOKEN = 'ui-test-token';
  let secured: DevServer | undefined;

  beforeAll(async () => {
    if (browser === undefined) return;
    secured = await startDevServer(tempStore('baton-ui-token-'), { token: TOKEN });
  }, 60_000);

  afterAll(async () => {
    await secured?.stop();
  });

  test('when the browser refuses sessionStorage, the token is kept in memory and the UI works', async () => {
    if (secured === undefined) throw new Error('baton dev --token is not running');
    await secured.start({ workflowType: 'Encounter', workflowId: 'ui-token-no-storage', args: [mewtwo()] });
    // As with storage blocked for the site, or the UI in a cross-origin frame: reading throws.
    await page.addInitScript(() => {
      Object.defineProperty(globalThis, 'sessionStorage', {
        get() {
          throw new DOMException('Access is denied for this document.', 'SecurityError');
        },
      });
    });
    await page.goto(`${secured.url}/executions?token=${TOKEN}`);
    await page.getByTestId('execution-link').getByText('ui-token-no-storage', { exact: true }).click();
    expect(page.url()).not.toContain('token=');
    await statusBadge('Running');
    await page.getByText('token ✓').waitFor();
  });

  test('?token= is kept for the tab and sent with every call, the event stream included', async () => {
    if (secured === undefined) throw new Error('baton dev --token is not running');
    await secured.start({ workflowType: 'Encounter', workflowId: 'ui-token-encounter', args: [mewtwo()] });

    await page.goto(`${secured.url}/?token=${TOKEN}`);
    await page.getByTestId('execution-link').getByText('ui-token-encounter', { exact: true }).click();
    expect(page.url()).not.toContain('token=');
    await statusBadge('Running');
    // EventSource sends no headers: the stream gets the token as a query parameter.
    expect(await page.getByTestId('live').getAttribute('title')).toBe('server-sent events');
    await page.getByTestId('actions').getByRole('button', { name: 'Signal', exact: true }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.getByLabel('Signal name').fill('trainerDecision');
    await dialog.getByLabel('Arguments').fill('["flee"]');
    await dialog.getByRole('button', { name: 'Send signal' }).click();
    await statusBadge('Completed');
    await page.getByTestId('result').getByText('"outcome": "fled"').waitFor();

    // Another tab without the token is refused, and says why.
    const other = await page.context().browser()!.newPage();
    try {
      await other.goto(`${secured.url}/executions`);
      await other
        .getByRole('alert')
        .getByText('401 UNAUTHORIZED', { exact: false })
        .waitFor({ timeout: STEP_TIMEOUT_MS });
    } finally {
      await other.close();
    }
  });
});
