import {
  createAccessTokens,
  createKeySet,
  enforceRateLimit,
  generateSigningKey,
  isAuthError,
  memoryRateLimiter,
} from '@portalkit/auth';
import { redisRateLimiter, redisRevokedSessions } from '@portalkit/auth/redis';
import { needs, useRedis } from '@portalkit/test-utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, PASSWORD, setup } from './helpers.js';

const redisInfo = useRedis();

describe('memory rate limiter', () => {
  it('spends a budget, reports remaining and retry-after, peeks without spending, resets', async () => {
    const limiter = memoryRateLimiter({ name: 'm', points: 3, durationSeconds: 60 });
    expect(await limiter.peek('k')).toEqual({ allowed: true, limit: 3, remaining: 3, retryAfterMs: 0 });
    expect((await limiter.consume('k')).remaining).toBe(2);
    expect((await limiter.consume('k')).remaining).toBe(1);
    expect((await limiter.consume('k')).remaining).toBe(0);
    expect((await limiter.peek('k')).allowed).toBe(false);
    const refused = await limiter.consume('k');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(55_000);
    expect((await limiter.consume('other')).allowed).toBe(true);
    await limiter.reset('k');
    expect((await limiter.consume('k')).allowed).toBe(true);
  });
});

describe('enforceRateLimit (per-tenant and global request limits for hosts)', () => {
  it('passes within the budget and throws rate_limited with retryAfterMs beyond it', async () => {
    const perTenant = memoryRateLimiter({ name: 'tenant', points: 2, durationSeconds: 60 });
    expect((await enforceRateLimit(perTenant, 't1')).remaining).toBe(1);
    await enforceRateLimit(perTenant, 't1');
    const error = await enforceRateLimit(perTenant, 't1').catch((e) => e);
    expect(isAuthError(error) && error.code).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(0);
    await expect(enforceRateLimit(perTenant, 't2')).resolves.toMatchObject({ allowed: true });
    expect(() => memoryRateLimiter({ name: '', points: 0, durationSeconds: 1 })).toThrow(TypeError);
  });
});

/** A client of a Redis that is not there (port 1), failing at once instead of retrying. */
const deadRedis = () =>
  new Redis({
    port: 1,
    enableOfflineQueue: false,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });

describe.skipIf(!needs('redis', 'redis rate limiter'))('Redis rate limiter and revoked sessions', () => {
  let a: Redis;
  let b: Redis;
  beforeAll(() => {
    a = new Redis(redisInfo.url, { enableOfflineQueue: false, lazyConnect: false });
    b = new Redis(redisInfo.url, { enableOfflineQueue: false });
    return Promise.all([new Promise((r) => a.once('ready', r)), new Promise((r) => b.once('ready', r))]);
  });
  afterAll(() => {
    a?.disconnect();
    b?.disconnect();
  });

  it('two limiter instances on two connections share one budget, atomically under concurrency', async () => {
    const policy = { name: 'shared', points: 10, durationSeconds: 60 };
    const one = redisRateLimiter(a, policy, { keyPrefix: redisInfo.prefix });
    const two = redisRateLimiter(b, policy, { keyPrefix: redisInfo.prefix });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).consume('ip-1')));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    const refused = results.find((r) => !r.allowed);
    expect(refused?.retryAfterMs).toBeGreaterThan(50_000);
    expect((await one.peek('ip-1')).allowed).toBe(false);
    expect((await two.peek('ip-1')).allowed).toBe(false);
    await one.reset('ip-1');
    expect((await two.consume('ip-1')).allowed).toBe(true);
    expect(await a.exists(`${redisInfo.prefix}shared:ip-1`)).toBe(1);
  });

  it('login failures counted on one instance block the same account+IP on another', async () => {
    const t1 = await setup({ rateLimiter: (p) => redisRateLimiter(a, p, { keyPrefix: `${redisInfo.prefix}svc:` }) });
    const t2 = await setup({
      store: t1.store,
      rateLimiter: (p) => redisRateLimiter(b, p, { keyPrefix: `${redisInfo.prefix}svc:` }),
    });
    await t1.verifiedUser('rl@example.com');
    const ip = { ip: '203.0.113.50' };
    for (let i = 0; i < 5; i++) {
      await codeOf((i % 2 ? t1 : t2).auth.login({ email: 'rl@example.com', password: 'wrong-wrong-wrong' }, ip));
    }
    const limited = await t2.auth.login({ email: 'rl@example.com', password: PASSWORD }, ip).catch((e) => e);
    expect(isAuthError(limited) && limited.code).toBe('rate_limited');
    expect(limited.retryAfterMs).toBeGreaterThan(0);
  });

  it('Redis down: fails open or closed as configured, logs, never throws', async () => {
    const dead = deadRedis();
    const logs: string[] = [];
    const policy = { name: 'down', points: 1, durationSeconds: 60 };
    const open = redisRateLimiter(dead, policy, { failMode: 'open', logger: (m) => logs.push(m) });
    const closed = redisRateLimiter(dead, policy, { failMode: 'closed', logger: (m) => logs.push(m) });
    expect((await open.consume('k')).allowed).toBe(true);
    expect((await open.consume('k')).allowed).toBe(true);
    expect(await closed.consume('k')).toMatchObject({ allowed: false, retryAfterMs: 60_000 });
    expect((await closed.peek('k')).allowed).toBe(false);
    await expect(open.reset('k')).resolves.toBeUndefined();
    expect(logs.length).toBeGreaterThanOrEqual(4);
    expect(logs[0]).toContain('failing open');
    const revokedOpen = redisRevokedSessions(dead, { logger: (m) => logs.push(m) });
    const revokedClosed = redisRevokedSessions(dead, { failMode: 'closed', logger: (m) => logs.push(m) });
    await expect(revokedOpen.add('s', 1000)).resolves.toBeUndefined();
    expect(await revokedOpen.has('s')).toBe(false);
    expect(await revokedClosed.has('s')).toBe(true);
    dead.disconnect();
  });

  it('Redis down: memoryFallback keeps counting in memory, and revoked sessions ask their fallback', async () => {
    const dead = deadRedis();
    const logs: string[] = [];
    const policy = { name: 'insured', points: 3, durationSeconds: 60 };
    // failMode 'open' would let everything through; the memory fallback still enforces the budget.
    const insured = redisRateLimiter(dead, policy, {
      failMode: 'open',
      memoryFallback: true,
      logger: (m) => logs.push(m),
    });
    const results = await Promise.all(Array.from({ length: 10 }, () => insured.consume('k')));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    expect((await insured.peek('k')).allowed).toBe(false);
    expect((await insured.peek('other')).allowed).toBe(true);
    await insured.reset('k');
    expect((await insured.consume('k')).allowed).toBe(true);

    const revokedInStore = new Set(['revoked-1']);
    const asked: string[] = [];
    const revoked = redisRevokedSessions(dead, {
      logger: (m) => logs.push(m),
      fallback: async (id) => {
        asked.push(id);
        return revokedInStore.has(id);
      },
    });
    expect(await revoked.has('revoked-1')).toBe(true);
    expect(await revoked.has('live-1')).toBe(false);
    expect(asked).toEqual(['revoked-1', 'live-1']);
    expect(logs.some((m) => m.includes('asking the fallback'))).toBe(true);
    // When the fallback fails too, failMode decides.
    const broken = redisRevokedSessions(dead, {
      failMode: 'closed',
      logger: (m) => logs.push(m),
      fallback: () => Promise.reject(new Error('database down too')),
    });
    expect(await broken.has('live-1')).toBe(true);
    dead.disconnect();
  });

  it('a session revoked through one instance stops its access tokens on another at once', async () => {
    const keys = createKeySet({ signingKey: await generateSigningKey() });
    const opts = { keys, issuer: 'i', audience: 'a' };
    const one = createAccessTokens({
      ...opts,
      revokedSessions: redisRevokedSessions(a, { keyPrefix: `${redisInfo.prefix}rev:` }),
    });
    const two = createAccessTokens({
      ...opts,
      revokedSessions: redisRevokedSessions(b, { keyPrefix: `${redisInfo.prefix}rev:` }),
    });
    const { token } = await one.sign({ sub: 'u', sid: 'sess-1' });
    expect(await codeOf(two.verify(token))).toBe('ok');
    await one.revokedSessions?.add('sess-1', 60_000);
    expect(await codeOf(two.verify(token))).toBe('token_invalid');
    const ttl = await a.pttl(`${redisInfo.prefix}rev:sess-1`);
    expect(ttl).toBeGreaterThan(50_000);
  });
});
