/** The topics: events published, consumer groups with their lag and dead letters. Refreshed every 2 s. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { ApiTopic } from '../../server/api-types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { listTopics } from '../lib/api.js';
import { Link, topicPath } from '../lib/router.js';
import { usePoll } from '../lib/use-poll.js';

function TopicRows({ t }: { t: ApiTopic }): VNode {
  const groups = t.groups.length > 0 ? t.groups : [null];
  return html`${groups.map(
    (g, i) =>
      html`<tr key=${g?.group ?? ''} data-testid="topic-row" data-topic=${t.topic}>
        ${
          i === 0 &&
          html`<td rowspan=${groups.length}><${Link} href=${topicPath(t.topic)} class="id">${t.topic}<//></td>
            <td rowspan=${groups.length} class="num">${t.events}</td>`
        }
        <td>${g === null ? html`<span class="muted">no consumer group</span>` : g.group}</td>
        <td class="num">${g?.lag ?? ''}</td>
        <td class=${`num ${g !== null && g.deadLettered > 0 ? 'bad' : ''}`}>${g?.deadLettered ?? ''}</td>
      </tr>`,
  )}`;
}

export function TopicsPage(): VNode {
  const topics = usePoll(listTopics, 'topics', 2000);
  const list = topics.data ?? [];
  return html`<section data-testid="topics-page">
    <div class="page-head"><h1>Topics</h1></div>
    <${ErrorBanner} error=${topics.error} />
    <table data-testid="topics">
      <thead>
        <tr>
          <th>Topic</th>
          <th>Events</th>
          <th>Consumer group</th>
          <th>Lag</th>
          <th>Dead letters</th>
        </tr>
      </thead>
      <tbody>
        ${list.map((t) => html`<${TopicRows} key=${t.topic} t=${t} />`)}
      </tbody>
    </table>
    ${topics.data !== undefined && list.length === 0 && html`<p class="muted">No topics yet.</p>`}
  </section>`;
}
