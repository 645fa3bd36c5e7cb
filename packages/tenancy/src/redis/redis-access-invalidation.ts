import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { AccessInvalidation, AccessInvalidationBus } from '../access-cache.js';

/**
 * Options of {@link redisAccessInvalidation}.
 *
 * @example
 * ```ts
 * const options: RedisAccessInvalidationOptions = { channel: 'myapp:tenancy:access' };
 * ```
 */
export interface RedisAccessInvalidationOptions {
  /** The pub/sub channel; every instance of one deployment must use the same. @default 'portalkit:tenancy:access' */
  channel?: string;
  /** Receives publish and subscriber failures. @default console.warn */
  logger?: (message: string, details?: unknown) => void;
}

/**
 * An {@link AccessInvalidationBus} on Redis pub/sub, with the subscriber connection it opened.
 *
 * @example
 * ```ts
 * const bus: RedisAccessInvalidation = redisAccessInvalidation(redis);
 * await bus.ready;
 * ```
 */
export interface RedisAccessInvalidation extends AccessInvalidationBus {
  /** Resolves once the subscriber listens (changes published before that are covered by the TTL only). */
  readonly ready: Promise<void>;
  /** Closes the subscriber connection (the connection you passed in stays open). */
  close(): Promise<void>;
}

function parse(message: string): { origin: string; event: AccessInvalidation } | null {
  try {
    const value = JSON.parse(message) as { origin?: unknown; event?: Record<string, unknown> };
    const e = value.event;
    if (typeof value.origin !== 'string' || !e) return null;
    if (e.scope === 'all') return { origin: value.origin, event: { scope: 'all' } };
    if (e.scope === 'tenant' && typeof e.tenantId === 'string')
      return { origin: value.origin, event: { scope: 'tenant', tenantId: e.tenantId } };
    if (e.scope === 'member' && typeof e.tenantId === 'string' && typeof e.userId === 'string')
      return { origin: value.origin, event: { scope: 'member', tenantId: e.tenantId, userId: e.userId } };
  } catch {
    // not ours
  }
  return null;
}

/**
 * Carries the access-cache invalidations of `createTenancy` between instances over Redis pub/sub:
 * a role change, removal or suspension on one instance drops the cached answers on every instance
 * within the pub/sub delivery time. Pub/sub delivers at most once: a message lost while a
 * subscriber was disconnected is covered by the cache's `ttlMs`, and a subscriber that reconnects
 * drops its whole cache. Opens one extra connection (`redis.duplicate()`) for the subscription.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createTenancy } from '@portalkit/tenancy';
 * import { redisAccessInvalidation } from '@portalkit/tenancy/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL!);
 * const invalidation = redisAccessInvalidation(redis, { channel: 'myapp:tenancy:access' });
 * const tenancy = createTenancy({ store, accessCache: { ttlMs: 5000, invalidation } });
 * // on shutdown: await invalidation.close();
 * ```
 */
export function redisAccessInvalidation(
  redis: Redis,
  options: RedisAccessInvalidationOptions = {},
): RedisAccessInvalidation {
  const channel = options.channel ?? 'portalkit:tenancy:access';
  const logger = options.logger ?? ((message, details) => console.warn(message, details));
  const origin = randomUUID();
  const listeners = new Set<(event: AccessInvalidation) => void>();
  const emit = (event: AccessInvalidation) => {
    for (const listener of listeners) listener(event);
  };

  const subscriber = redis.duplicate({ enableOfflineQueue: true, lazyConnect: false });
  let connections = 0;
  subscriber.on('ready', () => {
    // After a reconnect, messages published while we were away are lost: forget everything.
    if (++connections > 1) emit({ scope: 'all' });
  });
  subscriber.on('error', (error: Error) => {
    logger('[portalkit/tenancy] access invalidation subscriber failed (cache entries live until their TTL)', {
      error: error.message,
    });
  });
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const parsed = parse(message);
    if (parsed && parsed.origin !== origin) emit(parsed.event);
  });
  const ready = subscriber.subscribe(channel).then(() => undefined);
  ready.catch(() => {});

  return {
    ready,
    async publish(event) {
      try {
        await redis.publish(channel, JSON.stringify({ origin, event }));
      } catch (error) {
        logger(
          '[portalkit/tenancy] access invalidation publish failed (other instances see the change after the TTL)',
          {
            error: error instanceof Error ? error.message : String(error),
          },
        );
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      listeners.clear();
      try {
        await subscriber.quit();
      } catch {
        subscriber.disconnect();
      }
    },
  };
}
