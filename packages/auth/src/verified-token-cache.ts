import type { AccessTokenClaims } from './access-tokens.js';

/**
 * A bounded cache of access tokens whose signature already verified, keyed by a SHA-256 of the
 * token (the token itself is never kept as a key). Only successes are stored; an entry is used
 * only while the token's `exp` (plus the verifier's clock tolerance) is in the future, and the
 * revoked-session check still runs on every hit.
 */
export interface VerifiedTokenCache {
  /** Cached claims for the token hash, or undefined. */
  get(tokenHash: string): AccessTokenClaims | undefined;
  /** Stores claims for a token hash (evicting the least recently used entry when full). */
  set(tokenHash: string, claims: AccessTokenClaims): void;
  /** Drops an entry. */
  delete(tokenHash: string): void;
  /** Number of entries. */
  readonly size: number;
}

/** Options of {@link createVerifiedTokenCache}. */
export interface VerifiedTokenCacheOptions {
  /** Maximum number of cached tokens. @default 10000 */
  maxEntries?: number;
}

/**
 * Creates an LRU {@link VerifiedTokenCache}; pass it as `cache` to `createAccessTokens`.
 *
 * @example
 * ```ts
 * const tokens = createAccessTokens({ keys, issuer, audience, cache: createVerifiedTokenCache({ maxEntries: 50_000 }) });
 * ```
 */
export function createVerifiedTokenCache(options: VerifiedTokenCacheOptions = {}): VerifiedTokenCache {
  const max = options.maxEntries ?? 10_000;
  if (!Number.isInteger(max) || max < 1)
    throw new TypeError('[portalkit/auth] cache maxEntries must be a positive integer');
  const entries = new Map<string, AccessTokenClaims>();
  return {
    get(tokenHash) {
      const claims = entries.get(tokenHash);
      if (claims !== undefined) {
        entries.delete(tokenHash);
        entries.set(tokenHash, claims);
      }
      return claims;
    },
    set(tokenHash, claims) {
      entries.delete(tokenHash);
      entries.set(tokenHash, claims);
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
    },
    delete(tokenHash) {
      entries.delete(tokenHash);
    },
    get size() {
      return entries.size;
    },
  };
}
