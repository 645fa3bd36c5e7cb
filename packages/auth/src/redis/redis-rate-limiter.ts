import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { createFlexibleLimiter } from '../internal/flexible-limiter.js';
import type { AuthLogger, RateLimiter, RateLimitFailMode, RateLimitPolicy } from '../rate-limiter.js';

/** Options of {@link redisRateLimiter}. */
export interface RedisRateLimiterOptions {
  /** Prefix of every Redis key. @default 'portalkit:auth:rl:' */
  keyPrefix?: string;
  /** When Redis fails or is not connected: `open` lets calls through, `closed` refuses them. Either way it is logged. @default 'open' */
  failMode?: RateLimitFailMode;
  /** Receives backend failures. @default console.warn */
  logger?: AuthLogger;
  /**
   * While Redis fails, count in this process's memory instead (rate-limiter-flexible's insurance
   * limiter): the limits keep holding, per instance, through an outage, and `failMode` no longer
   * decides anything. Counts made in memory are not carried back to Redis. @default false
   */
  memoryFallback?: boolean;
}

/**
 * A {@link RateLimiter} on Redis through your `ioredis` client (`rate-limiter-flexible`'s atomic
 * Redis limiter: one Lua-backed increment per call), so every server instance shares one budget.
 * When Redis is down, calls fail open or closed as configured, or count in memory with
 * `memoryFallback`, and are logged; nothing throws.
 * Create the client with `enableOfflineQueue: false` so a dead Redis answers at once instead of
 * queueing.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisRateLimiter } from '@portalkit/auth/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false });
 * const global = redisRateLimiter(redis, { name: 'global', points: 5000, durationSeconds: 60 }, { failMode: 'open' });
 * ```
 */
export function redisRateLimiter(
  redis: Redis,
  policy: RateLimitPolicy,
  options: RedisRateLimiterOptions = {},
): RateLimiter {
  return createFlexibleLimiter(
    policy,
    (init) =>
      new RateLimiterRedis({
        ...init,
        storeClient: redis,
        rejectIfRedisNotReady: true,
        ...(options.memoryFallback ? { insuranceLimiter: new RateLimiterMemory(init) } : {}),
      }),
    {
      keyPrefix: options.keyPrefix ?? 'portalkit:auth:rl:',
      failMode: options.failMode ?? 'open',
      logger: options.logger,
    },
  );
}
