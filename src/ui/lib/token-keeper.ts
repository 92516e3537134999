/**
 * The API token's keeping, pure (no DOM globals: the page gives its storage and address bar, see
 * token.ts): taken once from the page's `?token=…` (then removed from the address bar, so it does
 * not end up in bookmarks or screenshots), kept in sessionStorage for this tab.
 *
 * Storage may be refused: reading `window.sessionStorage` throws when the browser blocks storage
 * for the site, or in some cross-origin frames, and `setItem` throws when storage is full or
 * disabled. The token then lives in memory only, for this page's life; the page still works.
 */

/** The part of `Storage` used here. */
export interface TokenStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What the keeper reads and changes of the page. */
export interface TokenPage {
  /** The tab's sessionStorage; may throw. */
  storage(): TokenStorage;
  /** The page's URL. */
  href(): string;
  /** Replaces the URL in the address bar (path, query and hash), keeping the history entry. */
  replaceUrl(url: string): void;
}

export interface TokenKeeper {
  /** Moves `?token=…` from the page URL into storage (`?token=` alone forgets it); call once at start-up. */
  captureToken: () => void;
  /** The token of this tab, or null. */
  apiToken: () => string | null;
}

export const TOKEN_KEY = 'baton.token';

export function tokenKeeper(page: TokenPage): TokenKeeper {
  /** The token captured from this page's URL (null: `?token=` forgot it), or undefined: none. */
  let captured: string | null | undefined = undefined;

  const stored = (): string | null => {
    try {
      return page.storage().getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  };

  return {
    captureToken: (): void => {
      const url = new URL(page.href());
      const token = url.searchParams.get('token');
      if (token === null) return;
      captured = token === '' ? null : token;
      try {
        const storage = page.storage();
        if (captured === null) storage.removeItem(TOKEN_KEY);
        else storage.setItem(TOKEN_KEY, captured);
      } catch {
        // Kept in memory only.
      }
      url.searchParams.delete('token');
      page.replaceUrl(url.pathname + url.search + url.hash);
    },
    apiToken: (): string | null => (captured !== undefined ? captured : stored()),
  };
}
