/** The shell: header with navigation, and the page of the current route. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { ExecutionPage } from './pages/execution-page.js';
import { ExecutionsPage } from './pages/executions-page.js';
import { TopicPage } from './pages/topic-page.js';
import { TopicsPage } from './pages/topics-page.js';
import { routeOf, type Route } from './lib/paths.js';
import { Link, useLocation } from './lib/router.js';
import { apiToken } from './lib/token.js';

function pageOf(route: Route, path: string, query: URLSearchParams): { section: string; page: VNode } {
  switch (route.page) {
    case 'executions':
      return { section: 'executions', page: html`<${ExecutionsPage} query=${query} />` };
    case 'execution': {
      const { workflowId, runId } = route;
      return {
        section: 'executions',
        page: html`<${ExecutionPage}
          key=${`${workflowId}/${runId}`}
          workflowId=${workflowId}
          runId=${runId}
        />`,
      };
    }
    case 'topics':
      return { section: 'topics', page: html`<${TopicsPage} />` };
    case 'topic':
      return { section: 'topics', page: html`<${TopicPage} key=${route.topic} topic=${route.topic} />` };
    case 'notFound':
      return {
        section: '',
        page: html`<section>
          <h1>Not found</h1>
          <p>No page at <code>${path}</code>. <${Link} href="/executions">Go to the executions<//>.</p>
        </section>`,
      };
  }
}

export function App(): VNode {
  const { path, query } = useLocation();
  const { section, page } = pageOf(routeOf(path, query), path, query);
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
