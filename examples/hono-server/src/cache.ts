import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** The shared cache/limit backend: Redis when REDIS_URL is set, else in-process. */
export type Cache =
  | { kind: 'redis'; redis: Redis; ping(): Promise<void>; close(): Promise<void> }
  | { kind: 'memory'; ping(): Promise<void>; close(): Promise<void> };

export async function openCache(redisUrl: string | undefined, log: Logger): Promise<Cache> {
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
