/**
 * The API token: taken once from the page's `?token=…` (then removed from the address bar, so it
 * does not end up in bookmarks or screenshots), kept in sessionStorage for this tab.
 */
const KEY = 'baton.token';

/** Moves `?token=…` from the page URL into sessionStorage; call once at start-up. */
export function captureToken(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  if (token === '') sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, token);
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
}

/** The token of this tab, or null. */
export function apiToken(): string | null {
  return sessionStorage.getItem(KEY);
}

/** `Authorization: Bearer …` when a token is set. */
export function authHeaders(): Record<string, string> {
  const token = apiToken();
  return token === null ? {} : { Authorization: `Bearer ${token}` };
}
