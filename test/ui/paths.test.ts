/**
 * The UI's page URLs, through the WHATWG URL parser as a browser reads a link: every workflow id
 * and topic name reads back as itself, `.` and `..` included (which a path segment cannot carry,
 * even percent-encoded).
 */
import { describe, expect, test } from 'vitest';
import { executionPath, isDotSegment, routeOf, topicPath } from '../../src/ui/lib/paths.js';

const ORIGIN = 'http://127.0.0.1:8233/';

/** The route a browser lands on when it follows `href` (as a link, or `history.pushState`). */
function follow(href: string): ReturnType<typeof routeOf> {
  const url = new URL(href, ORIGIN);
  return routeOf(url.pathname, url.searchParams);
}

const IDS = [
  'capture-mewtwo',
  '.',
  '..',
  '...',
  '.a',
  '%2E',
  '%2E%2E',
  '.%2e',
  'a/b',
  '../x',
  'a?b#c',
  ' spaced ',
  'é 🎉',
  '<script>alert(1)</script>',
];

describe('page URLs', () => {
  test.each(IDS)('the page of execution %j reads back as its id, with and without runId', (id) => {
    expect(follow(executionPath(id, 'run-1'))).toEqual({ page: 'execution', workflowId: id, runId: 'run-1' });
    expect(follow(executionPath(id))).toEqual({ page: 'execution', workflowId: id, runId: undefined });
  });

  test.each(IDS)('the page of topic %j reads back as its name', (topic) => {
    expect(follow(topicPath(topic))).toEqual({ page: 'topic', topic });
  });

  test('ids that are not dot segments keep the /executions/<id> and /topics/<topic> paths', () => {
    expect(executionPath('capture-mewtwo', 'r')).toBe('/executions/capture-mewtwo?runId=r');
    expect(executionPath('a/b')).toBe('/executions/a%2Fb');
    expect(topicPath('orders.dlq')).toBe('/topics/orders.dlq');
    expect(isDotSegment('..')).toBe(true);
    expect(isDotSegment('...')).toBe(false);
  });

  test('percent-encoding does not save a dot segment: URL parsing reads %2E as a dot', () => {
    expect(new URL('/executions/%2E%2E?runId=r', ORIGIN).pathname).toBe('/');
    expect(new URL('/api/executions/%2E/history', ORIGIN).pathname).toBe('/api/executions/history');
  });

  test('the other pages', () => {
    expect(follow('/')).toEqual({ page: 'executions' });
    expect(follow('/executions?status=RUNNING')).toEqual({ page: 'executions' });
    expect(follow('/topics')).toEqual({ page: 'topics' });
    expect(follow('/execution')).toEqual({ page: 'notFound' });
    expect(follow('/executions/a/b')).toEqual({ page: 'notFound' });
    expect(follow('/nowhere')).toEqual({ page: 'notFound' });
  });
});
