/** The shell: header with navigation, and the page of the current route. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { ExecutionPage } from './pages/execution-page.js';
import { ExecutionsPage } from './pages/executions-page.js';
import { TopicPage } from './pages/topic-page.js';
import { TopicsPage } from './pages/topics-page.js';
import { Link, useLocation } from './lib/router.js';
import { apiToken } from './lib/token.js';

/** A path segment as the user wrote it (ids and topic names are encoded in links). */
function segment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function route(path: string, query: URLSearchParams): { section: string; page: VNode } {
  const parts = path.split('/').filter((p) => p !== '');
  const [first, second] = parts;
  if (first === undefined || (first === 'executions' && second === undefined))
    return { section: 'executions', page: html`<${ExecutionsPage} query=${query} />` };
  if (first === 'executions' && second !== undefined && parts.length === 2) {
    const workflowId = segment(second);
    const runId = query.get('runId') ?? undefined;
    return {
      section: 'executions',
      page: html`<${ExecutionPage}
        key=${`${workflowId}/${runId}`}
        workflowId=${workflowId}
        runId=${runId}
      />`,
    };
  }
  if (first === 'topics' && second === undefined) return { section: 'topics', page: html`<${TopicsPage} />` };
  if (first === 'topics' && second !== undefined && parts.length === 2) {
    const topic = segment(second);
    return { section: 'topics', page: html`<${TopicPage} key=${topic} topic=${topic} />` };
  }
  return {
    section: '',
    page: html`<section>
      <h1>Not found</h1>
      <p>No page at <code>${path}</code>. <${Link} href="/executions">Go to the executions<//>.</p>
    </section>`,
  };
}

export function App(): VNode {
  const { path, query } = useLocation();
  const { section, page } = route(path, query);
  const navClass = (name: string): string => (section === name ? 'active' : '');
  return html`<header class="top">
      <${Link} href="/executions" class="brand">Baton<//>
      <nav>
        <${Link} href="/executions" class=${navClass('executions')}>Executions<//>
        <${Link} href="/topics" class=${navClass('topics')}>Topics<//>
      </nav>
      ${apiToken() !== null && html`<span class="token-set" title="API token set for this tab">token ✓</span>`}
    </header>
    <main>${page}</main>`;
}
