/**
 * The API token of this tab (see token-keeper.ts): from the page's `?token=…`, kept in
 * sessionStorage, or in memory when the browser refuses storage.
 */
import { tokenKeeper } from './token-keeper.js';

const keeper = tokenKeeper({
  storage: () => window.sessionStorage,
  href: () => window.location.href,
  replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
});

/** Moves `?token=…` from the page URL into sessionStorage; call once at start-up. Never throws for storage. */
export const captureToken = keeper.captureToken;

/** The token of this tab, or null. */
export const apiToken = keeper.apiToken;

/** `Authorization: Bearer …` when a token is set. */
export function authHeaders(): Record<string, string> {
  const token = apiToken();
  return token === null ? {} : { Authorization: `Bearer ${token}` };
}
