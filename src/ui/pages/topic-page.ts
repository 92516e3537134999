/**
 * One topic: its latest events (dead letters with their original topic, group, attempts and last
 * error), and Redrive, after confirmation, when it holds dead letters.
 */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiTopic, ApiTopicEvent } from '../../server/api-types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ErrorBanner } from '../components/error-banner.js';
import { JsonView } from '../components/json-view.js';
import { listTopicEvents, listTopics, redriveTopic } from '../lib/api.js';
import { formatTime } from '../lib/format.js';
import { Link } from '../lib/router.js';
import { usePoll } from '../lib/use-poll.js';

const LIMIT = 100;

/** `3 events published · billing: lag 0, 2 dead letters`. */
function topicSummary(t: ApiTopic): string {
  const groups = t.groups.map((g) => ` · ${g.group}: lag ${g.lag}, ${g.deadLettered} dead letters`);
  return `${t.events} events published${groups.join('')}`;
}

function EventRow({ e }: { e: ApiTopicEvent }): VNode {
  const dl = e.deadLetter;
  return html`<tr data-testid="topic-event" class=${dl === undefined ? '' : 'dead-letter'}>
    <td class="num">${e.seq}</td>
    <td><code>${e.id}</code></td>
    <td>${e.key ?? '—'}</td>
    <td title=${e.time}>${formatTime(e.time)}</td>
    <td><${JsonView} value=${e.data} foldAfter=${8} /></td>
    <td>
      ${
        dl === undefined
          ? '—'
          : html`<div><span class="fact-key">from</span> ${dl.topic} / ${dl.group}</div>
              <div><span class="fact-key">attempts</span> ${dl.attempts}</div>
              <div class="bad">${dl.lastError}</div>`
      }
    </td>
  </tr>`;
}

export function TopicPage({ topic }: { topic: string }): VNode {
  const events = usePoll(() => listTopicEvents(topic, LIMIT), `events:${topic}`, 2000);
  const topics = usePoll(listTopics, 'topics', 2000);
  const [confirming, setConfirming] = useState(false);
  const [redriven, setRedriven] = useState<number | null>(null);
  const list = events.data ?? [];
  const info = topics.data?.find((t) => t.topic === topic);
  // Redrive works on a dead-letter topic: the one whose events are dead letters.
  const deadLetters = list.filter((e) => e.deadLetter !== undefined).length;
  const gaveUp = info?.groups.filter((g) => g.deadLettered > 0) ?? [];

  const redrive = async (): Promise<void> => {
    const res = await redriveTopic(topic);
    setRedriven(res.redriven);
    events.reload();
    topics.reload();
  };

  return html`<section data-testid="topic-page">
    <p class="crumbs"><${Link} href="/topics">← Topics<//></p>
    <div class="page-head">
      <h1><span class="muted">Topic</span> <span class="id">${topic}</span></h1>
      <button type="button" class="danger" disabled=${deadLetters === 0} onClick=${() => setConfirming(true)}>
        Redrive dead letters
      </button>
    </div>
    ${info !== undefined && html`<p data-testid="topic-summary">${topicSummary(info)}</p>`}
    ${
      gaveUp.length > 0 &&
      html`<p class="muted">
        Dead letters of this topic wait in its dead-letter topic: open that topic to redrive them.
      </p>`
    }
    ${redriven !== null && html`<p class="notice" data-testid="redriven">Redriven ${redriven} events.</p>`}
    <${ErrorBanner} error=${events.error} />
    <table data-testid="topic-events">
      <thead>
        <tr>
          <th>Seq</th>
          <th>Event id</th>
          <th>Key</th>
          <th>Time</th>
          <th>Data</th>
          <th>Dead letter</th>
        </tr>
      </thead>
      <tbody>
        ${list.map((e) => html`<${EventRow} key=${e.id} e=${e} />`)}
      </tbody>
    </table>
    ${events.data !== undefined && list.length === 0 && html`<p class="muted">No events.</p>`}
    ${
      confirming &&
      html`<${ConfirmDialog}
        title="Redrive dead letters"
        confirmLabel="Redrive"
        danger
        onConfirm=${redrive}
        onClose=${() => setConfirming(false)}
      >
        <p>
          Send the ${deadLetters} dead letters shown in <code class="id">${topic}</code> (and any older ones
          not yet redriven) back to the consumer groups that gave up on them?
        </p>
      <//>`
    }
  </section>`;
}
