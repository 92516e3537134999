/**
 * Client-side routes on the History API: `navigate()` pushes a URL, `useLocation()` re-renders on
 * every change (and on the browser's back and forward), `<Link>` is an `<a>` that navigates
 * without a page load. The server answers index.html for every path that is not `/api/…` or an
 * asset, so a reload or a shared link lands on the same page. The pages' paths, and how a path
 * reads back as a page, are in paths.ts.
 */
import { html } from 'htm/preact';
import type { ComponentChildren, VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

/** Goes to `to` (a path with its query), adding a history entry unless `replace`. */
export function navigate(to: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  listeners.forEach((l) => l());
}

/** The current path and query; the component re-renders when they change. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = (): void => setTick((n) => n + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) };
}

export { executionPath, pathWithQuery, topicPath } from './paths.js';

interface LinkProps {
  href: string;
  children?: ComponentChildren;
  class?: string;
  title?: string;
  'data-testid'?: string;
}

/** An `<a>` that navigates inside the app; a modified click (new tab…) keeps the browser's way. */
export function Link(props: LinkProps): VNode {
  const onClick = (e: MouseEvent): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  return html`<a ...${props} onClick=${onClick}>${props.children}</a>`;
}
