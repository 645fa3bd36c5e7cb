import type { Member, Tenant } from './model.js';

/**
 * What changed, as told to the other instances: one membership, every membership of a tenant
 * (status, settings, deletion), or everything (a subscriber that may have missed messages).
 *
 * @example
 * ```ts
 * const event: AccessInvalidation = { scope: 'member', tenantId: 't1', userId: 'u1' };
 * ```
 */
export type AccessInvalidation =
  | {
      /** One membership changed (role, removal, a new member). */
      scope: 'member';
      /** The tenant. */
      tenantId: string;
      /** The member. */
      userId: string;
    }
  | {
      /** The tenant changed (status, settings, name, deletion): drop every entry of it. */
      scope: 'tenant';
      /** The tenant. */
      tenantId: string;
    }
  | {
      /** Drop everything (e.g. after a lost connection to the bus). */
      scope: 'all';
    };

/**
 * A channel that carries {@link AccessInvalidation}s between the instances of a service, so a
 * change made on one instance empties the access caches of all of them. `@portalkit/tenancy/redis`
 * has one on Redis pub/sub; any broadcast with at-most-once delivery fits: a lost message is
 * covered by the cache's TTL.
 *
 * @example
 * ```ts
 * const listeners = new Set<(e: AccessInvalidation) => void>();
 * const bus: AccessInvalidationBus = {
 *   publish: (event) => { for (const l of listeners) l(event); },
 *   subscribe: (listener) => { listeners.add(listener); return () => listeners.delete(listener); },
 * };
 * ```
 */
export interface AccessInvalidationBus {
  /**
   * Sends an invalidation to the other instances. A returned promise (say Redis' `publish`) is not
   * awaited; its rejection is ignored. Failures should be logged, not thrown.
   */
  publish(event: AccessInvalidation): unknown;
  /** Calls `listener` for every invalidation published by any instance; returns an unsubscribe function. */
  subscribe(listener: (event: AccessInvalidation) => void): () => void;
}

/**
 * Options of the access cache of {@link createTenancy} (`accessCache`).
 *
 * @example
 * ```ts
 * const accessCache: AccessCacheOptions = { ttlMs: 2000, maxEntries: 50_000, invalidation: redisAccessInvalidation(redis) };
 * ```
 */
export interface AccessCacheOptions {
  /**
   * How long a `requireAccess` answer is served from memory, in milliseconds. Changes made through
   * this service instance take effect at once; on other instances they take effect within this
   * time, or as soon as the `invalidation` bus delivers them.
   * @default 2000
   */
  ttlMs?: number;
  /** Most entries (tenant × user pairs) kept; the oldest go first. @default 10000 */
  maxEntries?: number;
  /** Carries invalidations between instances. @default none (other instances see changes after `ttlMs`) */
  invalidation?: AccessInvalidationBus;
}

/**
 * The in-process cache behind {@link TenancyService.requireAccess}: who may do what in which
 * tenant, for a few seconds. Exposed as `tenancy.accessCache` (or `null` when disabled).
 *
 * @example
 * ```ts
 * // After changing tenancy tables behind the service's back (a migration script, raw SQL):
 * tenancy.accessCache?.invalidate(tenantId);
 * ```
 */
export interface AccessCache {
  /** The time to live of an entry, in milliseconds. */
  readonly ttlMs: number;
  /** Entries held now (expired ones included until they are read or evicted). */
  readonly size: number;
  /**
   * Drops the entries of one membership (with `userId`) or of a whole tenant, here and, through
   * the invalidation bus, on the other instances.
   */
  invalidate(tenantId: string, userId?: string): void;
  /** Drops every entry, here and on the other instances. */
  clear(): void;
}

/** A cached access answer: the tenant and the caller's membership, frozen (shared by every hit). */
export interface AccessEntry {
  tenant: Tenant;
  member: Member;
}

/** The service-side handle: the public cache plus the read path and unsubscription. */
export interface InternalAccessCache extends AccessCache {
  /** The cached answer, or a load (coalesced with a concurrent load of the same key) that may fill it. */
  get(tenantId: string, userId: string, load: () => Promise<AccessEntry | null>): Promise<AccessEntry | null>;
  /** Stops listening to the bus. */
  close(): void;
}

const keyOf = (tenantId: string, userId: string) => `${tenantId.length}:${tenantId}${userId}`;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Creates the access cache. Positive answers only (tenant found and the user a member, whatever
 * the tenant's status and the member's role; the service checks those on every call): a new
 * member or tenant is never hidden by a stale "no". A global epoch, bumped by every invalidation,
 * keeps a load that started before a change from storing what it read.
 */
export function createAccessCache(options: AccessCacheOptions, nowMs: () => number): InternalAccessCache {
  const ttlMs = options.ttlMs ?? 2000;
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new TypeError('[portalkit/tenancy] accessCache.ttlMs must be > 0');
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new TypeError('[portalkit/tenancy] accessCache.maxEntries must be a positive integer');
  const bus = options.invalidation;

  const entries = new Map<string, { tenantId: string; value: AccessEntry; expiresAt: number }>();
  const inflight = new Map<string, { epoch: number; promise: Promise<AccessEntry | null> }>();
  let epoch = 0;

  const drop = (event: AccessInvalidation) => {
    epoch++;
    if (event.scope === 'all') {
      entries.clear();
      inflight.clear();
    } else if (event.scope === 'member') {
      const key = keyOf(event.tenantId, event.userId);
      entries.delete(key);
      inflight.delete(key);
    } else {
      for (const [key, entry] of entries) if (entry.tenantId === event.tenantId) entries.delete(key);
      // In-flight loads are keyed like entries; the epoch already keeps them from storing.
      inflight.clear();
    }
  };
  const announce = (event: AccessInvalidation) => {
    drop(event);
    if (!bus) return;
    try {
      Promise.resolve(bus.publish(event)).catch(() => {});
    } catch {
      // a bus that throws synchronously must not fail the write that already happened
    }
  };
  const unsubscribe = bus ? bus.subscribe(drop) : () => {};

  return {
    ttlMs,
    get size() {
      return entries.size;
    },
    invalidate(tenantId, userId) {
      announce(userId === undefined ? { scope: 'tenant', tenantId } : { scope: 'member', tenantId, userId });
    },
    clear() {
      announce({ scope: 'all' });
    },
    close: unsubscribe,
    get(tenantId, userId, load) {
      const key = keyOf(tenantId, userId);
      const hit = entries.get(key);
      if (hit) {
        if (hit.expiresAt > nowMs()) return Promise.resolve(hit.value);
        entries.delete(key);
      }
      const pending = inflight.get(key);
      if (pending && pending.epoch === epoch) return pending.promise;
      const started = epoch;
      const promise = load().then(
        (value) => {
          if (inflight.get(key)?.promise === promise) inflight.delete(key);
          if (value && started === epoch) {
            entries.delete(key);
            entries.set(key, { tenantId, value: deepFreeze(value), expiresAt: nowMs() + ttlMs });
            if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
          }
          return value;
        },
        (error: unknown) => {
          if (inflight.get(key)?.promise === promise) inflight.delete(key);
          throw error;
        },
      );
      inflight.set(key, { epoch: started, promise });
      return promise;
    },
  };
}
