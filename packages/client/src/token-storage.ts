/**
 * The tokens the client keeps between calls. `expiresAt` (epoch milliseconds) lets the client
 * refresh before sending a request it could not replay (a streamed upload).
 */
export interface StoredTokens {
  /** JWT access token. */
  accessToken: string;
  /** Opaque refresh token. */
  refreshToken: string;
  /** When the access token expires (epoch ms), when known. */
  expiresAt?: number;
}

/**
 * Where the client keeps its tokens. Both methods may be synchronous or return a promise, so
 * any store fits (memory, `localStorage`, IndexedDB, a secure cookie bridge, a native keychain).
 *
 * @example
 * ```ts
 * import type { TokenStorage } from '@portalkit/client';
 *
 * const storage: TokenStorage = {
 *   get: () => JSON.parse(sessionStorage.getItem('t') ?? 'null'),
 *   set: (tokens) => (tokens ? sessionStorage.setItem('t', JSON.stringify(tokens)) : sessionStorage.removeItem('t')),
 * };
 * ```
 */
export interface TokenStorage {
  /** The current tokens, or `null` when signed out. */
  get(): StoredTokens | null | Promise<StoredTokens | null>;
  /** Stores new tokens; `null` signs out (clears them). A returned promise is awaited, its value ignored. */
  set(tokens: StoredTokens | null): unknown;
}

/**
 * A token storage that keeps the tokens in memory (the default: they live as long as the client).
 *
 * @param initial - Tokens to start with (e.g. from a server-side session). @default null
 * @returns A {@link TokenStorage}.
 *
 * @example
 * ```ts
 * import { createClient, memoryTokenStorage } from '@portalkit/client';
 *
 * const client = createClient({ baseUrl: 'http://127.0.0.1:3000', tokens: memoryTokenStorage() });
 * ```
 */
export function memoryTokenStorage(initial: StoredTokens | null = null): TokenStorage {
  let current = initial;
  return {
    get: () => current,
    set: (tokens) => {
      current = tokens;
    },
  };
}

/**
 * The part of the Web Storage API (`localStorage`, `sessionStorage`) that
 * {@link webTokenStorage} uses; any object with these three methods works.
 */
export interface WebStorageLike {
  /** Reads a value. */
  getItem(key: string): string | null;
  /** Writes a value. */
  setItem(key: string, value: string): void;
  /** Deletes a value. */
  removeItem(key: string): void;
}

/**
 * A token storage for browsers over `localStorage`/`sessionStorage` (or anything shaped like
 * them). Unreadable stored values count as signed out. When the storage throws (blocked by the
 * browser's privacy settings, or full), the tokens are kept in memory from then on, so a login or
 * a refresh never loses the pair the server just issued; such a session ends with the page.
 * Keep XSS in mind: anything that runs in the page can read Web Storage.
 *
 * @param storage - The Web Storage to use, e.g. `window.sessionStorage`.
 * @param key - The key to store the tokens under. @default 'portalkit.tokens'
 * @returns A {@link TokenStorage}.
 *
 * @example
 * ```ts
 * import { createClient, webTokenStorage } from '@portalkit/client';
 *
 * const client = createClient({ baseUrl: '/', tokens: webTokenStorage(window.sessionStorage) });
 * ```
 */
export function webTokenStorage(storage: WebStorageLike, key = 'portalkit.tokens'): TokenStorage {
  // Once the storage throws (blocked, disabled, full), the tokens live in memory for the life of
  // this storage object instead: losing a freshly rotated pair would make the next refresh
  // present a used token, which revokes the session.
  let fallback: { tokens: StoredTokens | null } | null = null;
  const giveUp = (tokens: StoredTokens | null) => {
    fallback = { tokens };
    try {
      storage.removeItem(key); // what is left there is older than the tokens in memory
    } catch {
      // nothing more to do: memory wins from now on
    }
  };
  return {
    get: () => {
      if (fallback) return fallback.tokens;
      let raw: string | null;
      try {
        raw = storage.getItem(key);
      } catch {
        giveUp(null);
        return null;
      }
      if (raw === null) return null;
      try {
        const value = JSON.parse(raw) as Partial<StoredTokens> | null;
        if (value && typeof value.accessToken === 'string' && typeof value.refreshToken === 'string') {
          return value as StoredTokens;
        }
      } catch {
        // fall through: a damaged entry means signed out
      }
      return null;
    },
    set: (tokens) => {
      if (fallback) {
        fallback.tokens = tokens;
        return;
      }
      try {
        if (tokens) storage.setItem(key, JSON.stringify(tokens));
        else storage.removeItem(key);
      } catch {
        giveUp(tokens);
      }
    },
  };
}
