import type { Redis } from 'ioredis';
import { type PlatformLogger, silentLogger } from './logger.js';

/** The shared cache/limit backend: Redis when `REDIS_URL` is set, else in-process. */
export type Cache =
  | {
      /** Redis (shared by every instance). */
      kind: 'redis';
      /** The connection. */
      redis: Redis;
      /** Resolves when Redis answers PING. */
      ping(): Promise<void>;
      /** Quits the connection. */
      close(): Promise<void>;
    }
  | {
      /** In-process (one instance only). */
      kind: 'memory';
      /** Always resolves. */
      ping(): Promise<void>;
      /** Does nothing. */
      close(): Promise<void>;
    };

/**
 * Connects to Redis when `redisUrl` is set (resolves once connected), else returns the in-process
 * backend.
 *
 * @example
 * ```ts
 * import { openCache } from '@portalkit/platform';
 *
 * const cache = await openCache(process.env.REDIS_URL);
 * console.log(cache.kind); // 'redis' or 'memory'
 * await cache.close();
 * ```
 */
export async function openCache(redisUrl: string | undefined, log: PlatformLogger = silentLogger): Promise<Cache> {
  if (!redisUrl) return { kind: 'memory', ping: async () => {}, close: async () => {} };
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on('error', (err) => log.warn({ err: { message: err.message } }, 'redis connection problem'));
  await redis.connect();
  log.info({ cache: 'redis' }, 'cache connected');
  return {
    kind: 'redis',
    redis,
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
