import type { Redis } from 'ioredis';
import type { AuthLogger, RateLimitFailMode } from '../rate-limiter.js';
import type { RevokedSessions } from '../revoked-sessions.js';

/** Options of {@link redisRevokedSessions}. */
export interface RedisRevokedSessionsOptions {
  /** Prefix of every Redis key. @default 'portalkit:auth:revoked:' */
  keyPrefix?: string;
  /**
   * When Redis fails during a check: `open` treats the session as not revoked (its tokens live
   * until expiry), `closed` treats it as revoked (every request is refused). Logged either way.
   * @default 'open'
   */
  failMode?: RateLimitFailMode;
  /** Receives backend failures. @default console.warn */
  logger?: AuthLogger;
  /**
   * Asked instead when Redis fails during a check: `true` when the session is revoked (or gone).
   * Pass your session store (`(id) => store.findSession(id).then((s) => !s || s.revokedAt !== null)`)
   * and an outage costs a database read per request instead of accepting revoked sessions or
   * refusing everyone. `failMode` applies only when this fails too. @default undefined
   */
  fallback?: (sessionId: string) => Promise<boolean>;
}

/**
 * {@link RevokedSessions} in Redis (`SET key 1 PX ttl`, `EXISTS key`): a revocation on one server
 * instance stops the session's access tokens on every instance at once.
 *
 * @example
 * ```ts
 * import { redisRevokedSessions } from '@portalkit/auth/redis';
 * const revokedSessions = redisRevokedSessions(redis);
 * ```
 */
export function redisRevokedSessions(redis: Redis, options: RedisRevokedSessionsOptions = {}): RevokedSessions {
  const prefix = options.keyPrefix ?? 'portalkit:auth:revoked:';
  const failMode = options.failMode ?? 'open';
  const logger = options.logger ?? ((message, details) => console.warn(message, details));
  const failed = (operation: string, error: unknown) =>
    logger(`[portalkit/auth] revoked-session cache in Redis failed; failing ${failMode}`, {
      operation,
      error: error instanceof Error ? error.message : String(error),
    });
  return {
    async add(sessionId, ttlMs) {
      try {
        await redis.set(`${prefix}${sessionId}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)));
      } catch (error) {
        failed('add', error);
      }
    },
    async has(sessionId) {
      try {
        return (await redis.exists(`${prefix}${sessionId}`)) === 1;
      } catch (error) {
        if (options.fallback) {
          logger('[portalkit/auth] revoked-session cache in Redis failed; asking the fallback', {
            operation: 'has',
            error: error instanceof Error ? error.message : String(error),
          });
          try {
            return await options.fallback(sessionId);
          } catch (fallbackError) {
            failed('has (and its fallback)', fallbackError);
            return failMode === 'closed';
          }
        }
        failed('has', error);
        return failMode === 'closed';
      }
    },
  };
}
