import { RateLimiterMemory } from 'rate-limiter-flexible';
import { AuthError } from './errors.js';
import { createFlexibleLimiter } from './internal/flexible-limiter.js';

/** A budget of `points` per `durationSeconds` window, named (the name is part of the key). */
export interface RateLimitPolicy {
  /** Name of the policy, e.g. `login_account_ip`; keys are `<prefix><name>:<key>`. */
  name: string;
  /** Budget per window. */
  points: number;
  /** Window length in seconds. */
  durationSeconds: number;
  /** Once the budget is spent, keep the key blocked this long instead of until the window ends. @default 0 */
  blockDurationSeconds?: number;
}

/** The state of one key after a call. */
export interface RateLimitResult {
  /** True when the call fits in the budget. */
  allowed: boolean;
  /** The policy's budget. */
  limit: number;
  /** Points left in the current window. */
  remaining: number;
  /** Milliseconds until the budget allows a call again (0 when allowed). Send as `Retry-After`. */
  retryAfterMs: number;
}

/**
 * An atomic rate limiter for one {@link RateLimitPolicy}. Implementations: {@link memoryRateLimiter}
 * (one process) and `redisRateLimiter` from `@portalkit/auth/redis` (shared by every instance).
 * Both wrap `rate-limiter-flexible`.
 */
export interface RateLimiter {
  /** The policy this limiter enforces. */
  readonly policy: RateLimitPolicy;
  /** Spends `points` (default 1) of the key's budget; `allowed: false` when it is exhausted. */
  consume(key: string, points?: number): Promise<RateLimitResult>;
  /** Reads the key's state without spending; `allowed: false` when the next call would be refused. */
  peek(key: string): Promise<RateLimitResult>;
  /** Forgets the key (e.g. failed logins after a successful one). */
  reset(key: string): Promise<void>;
}

/** What a limiter does when its backend fails: let calls through (`open`) or refuse them (`closed`). */
export type RateLimitFailMode = 'open' | 'closed';

/** Receives backend failures of limiters and caches (default: `console.warn`). Never given secrets. */
export type AuthLogger = (message: string, details: Record<string, unknown>) => void;

/** Options of {@link memoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /** Prefix of every key. @default 'portalkit:auth:rl:' */
  keyPrefix?: string;
}

/**
 * An in-process {@link RateLimiter} (`rate-limiter-flexible`'s memory limiter). Counts only what
 * this process sees: use the Redis one behind a load balancer.
 *
 * @example
 * ```ts
 * const perIp = memoryRateLimiter({ name: 'api_ip', points: 100, durationSeconds: 60 });
 * const { allowed, retryAfterMs } = await perIp.consume(request.ip);
 * ```
 */
export function memoryRateLimiter(policy: RateLimitPolicy, options: MemoryRateLimiterOptions = {}): RateLimiter {
  return createFlexibleLimiter(policy, (opts) => new RateLimiterMemory(opts), {
    keyPrefix: options.keyPrefix ?? 'portalkit:auth:rl:',
    failMode: 'open',
  });
}

/**
 * Spends one point of `key` and throws `AuthError('rate_limited')` (with `retryAfterMs`) when the
 * budget is exhausted: the one-liner for per-tenant and global request limits in a host.
 *
 * @example
 * ```ts
 * const perTenant = memoryRateLimiter({ name: 'tenant', points: 600, durationSeconds: 60 });
 * await enforceRateLimit(perTenant, claims.tid ?? 'none'); // 429 when it throws
 * ```
 */
export async function enforceRateLimit(limiter: RateLimiter, key: string, points = 1): Promise<RateLimitResult> {
  const result = await limiter.consume(key, points);
  if (!result.allowed) {
    throw new AuthError('rate_limited', `too many requests for "${limiter.policy.name}"; retry later`, {
      retryAfterMs: result.retryAfterMs,
    });
  }
  return result;
}
