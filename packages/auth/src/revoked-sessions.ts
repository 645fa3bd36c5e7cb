/**
 * A short-lived set of revoked session ids. Access tokens carry `sid`; checking it against this
 * set makes logout, logout-all, revoke-session and refresh-token reuse stop access tokens at once
 * instead of at their expiry. Entries only need to live as long as an access token.
 * Implementations: {@link memoryRevokedSessions} (one process) and `redisRevokedSessions`
 * from `@portalkit/auth/redis` (shared by every server instance).
 */
export interface RevokedSessions {
  /** Records `sessionId` as revoked for `ttlMs` milliseconds. */
  add(sessionId: string, ttlMs: number): Promise<void>;
  /** True when `sessionId` was revoked within its TTL. */
  has(sessionId: string): Promise<boolean> | boolean;
}

/** Options of {@link memoryRevokedSessions}. */
export interface MemoryRevokedSessionsOptions {
  /** Maximum number of remembered session ids (the oldest are forgotten first). @default 100000 */
  maxEntries?: number;
  /** Clock in epoch milliseconds (tests). @default Date.now */
  now?: () => number;
}

/**
 * In-process {@link RevokedSessions}: bounded, entries expire after their TTL. Use the Redis one
 * when several server instances serve the same users.
 *
 * @example
 * ```ts
 * const revoked = memoryRevokedSessions();
 * await revoked.add('session-id', 15 * 60_000);
 * revoked.has('session-id'); // true
 * ```
 */
export function memoryRevokedSessions(options: MemoryRevokedSessionsOptions = {}): RevokedSessions {
  const max = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const until = new Map<string, number>();
  return {
    async add(sessionId, ttlMs) {
      until.delete(sessionId);
      until.set(sessionId, now() + ttlMs);
      while (until.size > max) {
        const oldest = until.keys().next().value as string;
        until.delete(oldest);
      }
    },
    has(sessionId) {
      const expiry = until.get(sessionId);
      if (expiry === undefined) return false;
      if (expiry <= now()) {
        until.delete(sessionId);
        return false;
      }
      return true;
    },
  };
}
