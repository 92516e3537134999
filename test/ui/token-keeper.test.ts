/**
 * The UI's API token: moved from `?token=` into sessionStorage, and kept in memory when the
 * browser refuses storage (reading `sessionStorage` throws: storage blocked, a cross-origin frame;
 * or its methods throw), never throwing at start-up.
 */
import { describe, expect, test } from 'vitest';
import { TOKEN_KEY, tokenKeeper, type TokenPage, type TokenStorage } from '../../src/ui/lib/token-keeper.js';

/** A page at `href` with `storage`; `url()` is the address bar after the keeper changed it. */
function fakePage(href: string, storage: () => TokenStorage): TokenPage & { url(): string } {
  let current = href;
  return {
    storage,
    href: () => current,
    replaceUrl: (url) => (current = new URL(url, current).href),
    url: () => current,
  };
}

function memoryStorage(): TokenStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

const securityError = (): never => {
  throw new Error(
    "SecurityError: Failed to read the 'sessionStorage' property from 'Window': Access is denied",
  );
};

/** Storage whose every method throws, as when it is disabled or full. */
const throwingMethods: TokenStorage = {
  getItem: securityError,
  setItem: securityError,
  removeItem: securityError,
};

describe('tokenKeeper', () => {
  test('moves ?token= into sessionStorage and out of the address bar; a later page reads it there', () => {
    const storage = memoryStorage();
    const page = fakePage('http://127.0.0.1:8233/executions?status=RUNNING&token=s3cret#top', () => storage);
    const keeper = tokenKeeper(page);
    keeper.captureToken();
    expect(keeper.apiToken()).toBe('s3cret');
    expect(storage.items.get(TOKEN_KEY)).toBe('s3cret');
    expect(page.url()).toBe('http://127.0.0.1:8233/executions?status=RUNNING#top');

    const reload = tokenKeeper(fakePage('http://127.0.0.1:8233/executions', () => storage));
    reload.captureToken();
    expect(reload.apiToken()).toBe('s3cret');
  });

  test.each([
    ['reading sessionStorage throws (storage blocked, cross-origin frame)', securityError],
    ['its methods throw (storage disabled or full)', () => throwingMethods],
  ])('when %s, the token is kept in memory and nothing throws', (_case, storage) => {
    const page = fakePage('http://127.0.0.1:8233/?token=s3cret', storage);
    const keeper = tokenKeeper(page);
    expect(() => keeper.captureToken()).not.toThrow();
    expect(keeper.apiToken()).toBe('s3cret');
    expect(page.url()).toBe('http://127.0.0.1:8233/');

    // ?token= alone forgets it; without ?token= there is none.
    const forget = tokenKeeper(fakePage('http://127.0.0.1:8233/?token=', storage));
    expect(() => forget.captureToken()).not.toThrow();
    expect(forget.apiToken()).toBeNull();
    const none = tokenKeeper(fakePage('http://127.0.0.1:8233/', storage));
    expect(() => none.captureToken()).not.toThrow();
    expect(none.apiToken()).toBeNull();
  });

  test('?token= alone forgets the stored token', () => {
    const storage = memoryStorage();
    storage.items.set(TOKEN_KEY, 'old');
    const keeper = tokenKeeper(fakePage('http://127.0.0.1:8233/?token=', () => storage));
    keeper.captureToken();
    expect(keeper.apiToken()).toBeNull();
    expect(storage.items.has(TOKEN_KEY)).toBe(false);
  });
});
