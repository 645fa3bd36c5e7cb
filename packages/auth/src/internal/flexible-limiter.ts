import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuthLogger, RateLimiter, RateLimitFailMode, RateLimitPolicy, RateLimitResult } from '../rate-limiter.js';

export interface FlexibleOptions {
  keyPrefix: string;
  failMode: RateLimitFailMode;
  logger?: AuthLogger | undefined;
}

interface LimiterInit {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration: number;
}

const isRes = (value: unknown): value is RateLimiterRes =>
  typeof value === 'object' && value !== null && 'msBeforeNext' in value && 'remainingPoints' in value;

/** Wraps a rate-limiter-flexible limiter behind the package's RateLimiter interface. */
export function createFlexibleLimiter(
  policy: RateLimitPolicy,
  make: (init: LimiterInit) => RateLimiterAbstract,
  options: FlexibleOptions,
): RateLimiter {
  if (!policy.name || !(policy.points >= 1) || !(policy.durationSeconds >= 1)) {
    throw new TypeError('[portalkit/auth] rate limit policy needs a name, points >= 1 and durationSeconds >= 1');
  }
  const limiter = make({
    keyPrefix: `${options.keyPrefix}${policy.name}`,
    points: policy.points,
    duration: policy.durationSeconds,
    blockDuration: policy.blockDurationSeconds ?? 0,
  });
  const logger = options.logger ?? ((message, details) => console.warn(message, details));
  const failed = (operation: string, error: unknown): RateLimitResult => {
    logger(`[portalkit/auth] rate limiter "${policy.name}" backend failed; failing ${options.failMode}`, {
      operation,
      error: error instanceof Error ? error.message : String(error),
    });
    return options.failMode === 'open'
      ? { allowed: true, limit: policy.points, remaining: policy.points, retryAfterMs: 0 }
      : { allowed: false, limit: policy.points, remaining: 0, retryAfterMs: policy.durationSeconds * 1000 };
  };
  return {
    policy,
    async consume(key, points = 1) {
      try {
        const res = await limiter.consume(key, points);
        return { allowed: true, limit: policy.points, remaining: res.remainingPoints, retryAfterMs: 0 };
      } catch (error) {
        if (isRes(error)) {
          return { allowed: false, limit: policy.points, remaining: 0, retryAfterMs: Math.max(1, error.msBeforeNext) };
        }
        return failed('consume', error);
      }
    },
    async peek(key) {
      try {
        const res = await limiter.get(key);
        if (!res || res.consumedPoints < policy.points) {
          return {
            allowed: true,
            limit: policy.points,
            remaining: res ? Math.max(0, res.remainingPoints) : policy.points,
            retryAfterMs: 0,
          };
        }
        return { allowed: false, limit: policy.points, remaining: 0, retryAfterMs: Math.max(1, res.msBeforeNext) };
      } catch (error) {
        return failed('peek', error);
      }
    },
    async reset(key) {
      try {
        await limiter.delete(key);
      } catch (error) {
        failed('reset', error);
      }
    },
  };
}
