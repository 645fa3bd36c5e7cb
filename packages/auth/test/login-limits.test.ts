import { memoryRateLimiter, type RateLimiter, type RateLimitPolicy } from '@portalkit/auth';
import { redisRateLimiter } from '@portalkit/auth/redis';
import { needs, useRedis } from '@portalkit/test-utils';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, PASSWORD, setup } from './helpers.js';

const redisInfo = useRedis();
let redis: Redis | undefined;
let run = 0;

const backends: Array<[string, () => (policy: RateLimitPolicy) => RateLimiter, boolean]> = [
  ['memory limiter', () => (p) => memoryRateLimiter(p), true],
  [
    'Redis limiter',
    () => {
      const prefix = `${redisInfo.prefix}burst${run++}:`;
      return (p) => redisRateLimiter(redis as Redis, p, { keyPrefix: prefix });
    },
    needs('redis', 'login burst on the Redis limiter'),
  ],
];

beforeAll(async () => {
  if (!redisInfo.url) return;
  redis = new Redis(redisInfo.url, { enableOfflineQueue: false });
  await new Promise((resolve) => redis?.once('ready', resolve));
});
afterAll(() => {
  redis?.disconnect();
});

const ctx = { ip: '203.0.113.7' };

for (const [name, limiterFactory, enabled] of backends) {
  describe.skipIf(!enabled)(`login limits on the ${name}`, () => {
    it('60 parallel guesses from one IP: at most 5 are verified, the right password in the burst is refused too', async () => {
      const t = await setup({ rateLimiter: limiterFactory() });
      await t.verifiedUser('burst@example.com');
      const verified = t.counts.verify + t.counts.dummy;
      const guesses = Array.from({ length: 60 }, (_, i) => `wrong guess number ${i}`);
      guesses[59] = PASSWORD; // the right one comes last, after the budget is spent
      const codes = await Promise.all(
        guesses.map((password) => codeOf(t.auth.login({ email: 'burst@example.com', password }, ctx))),
      );
      expect(t.counts.verify + t.counts.dummy - verified).toBe(5);
      expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(5);
      expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(55);
      expect(codes[59]).toBe('rate_limited');
      expect(await codeOf(t.auth.login({ email: 'burst@example.com', password: PASSWORD }, ctx))).toBe('rate_limited');
      expect(t.events.filter((e) => e.type === 'login_rate_limited')).toHaveLength(56);
      // refused attempts cost the per-account and per-IP budgets nothing: the owner signs in elsewhere
      expect(
        await codeOf(t.auth.login({ email: 'burst@example.com', password: PASSWORD }, { ip: '198.51.100.4' })),
      ).toBe('ok');
    });

    it('an unknown account is limited the same way under a burst', async () => {
      const t = await setup({ rateLimiter: limiterFactory() });
      const verified = t.counts.verify + t.counts.dummy;
      const codes = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          codeOf(t.auth.login({ email: 'nobody-burst@example.com', password: `guess ${i}` }, ctx)),
        ),
      );
      expect(t.counts.verify + t.counts.dummy - verified).toBe(5);
      expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(35);
    });

    it('a burst spread over many IPs gets at most the per-account budget of verifications', async () => {
      const t = await setup({
        rateLimiter: limiterFactory(),
        rateLimits: { loginAccount: { points: 8, durationSeconds: 600 } },
      });
      await t.verifiedUser('spread@example.com');
      const verified = t.counts.verify;
      const codes = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          codeOf(t.auth.login({ email: 'spread@example.com', password: `guess ${i}` }, { ip: `192.0.2.${i}` })),
        ),
      );
      expect(t.counts.verify - verified).toBe(8);
      expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(32);
    });

    it('a successful login gives back its per-account and per-IP points', async () => {
      const t = await setup({
        rateLimiter: limiterFactory(),
        rateLimits: { loginAccount: { points: 3, durationSeconds: 600 } },
      });
      await t.verifiedUser('often@example.com');
      for (let i = 0; i < 6; i++) {
        expect(await codeOf(t.auth.login({ email: 'often@example.com', password: PASSWORD }, ctx))).toBe('ok');
      }
    });
  });
}

describe('IPv6 clients are limited by their /64', () => {
  it('login: addresses of one /64 share the account+IP budget; another /64 and IPv4 have their own', async () => {
    const t = await setup();
    await t.verifiedUser('six@example.com');
    for (let i = 1; i <= 5; i++) {
      expect(
        await codeOf(t.auth.login({ email: 'six@example.com', password: 'wrong' }, { ip: `2001:db8:5:6::${i}` })),
      ).toBe('invalid_credentials');
    }
    for (const ip of ['2001:db8:5:6:ffff:ffff:ffff:ffff', '2001:DB8:5:6:0:0:0:99', '2001:db8:5:6::7%eth0']) {
      expect(await codeOf(t.auth.login({ email: 'six@example.com', password: PASSWORD }, { ip }))).toBe('rate_limited');
    }
    expect(
      await codeOf(t.auth.login({ email: 'six@example.com', password: PASSWORD }, { ip: '2001:db8:5:7::1' })),
    ).toBe('ok');
    expect(await codeOf(t.auth.login({ email: 'six@example.com', password: PASSWORD }, { ip: '192.0.2.1' }))).toBe(
      'ok',
    );
  });

  it('per-IP flows: one /64 is one client; IPv4 and IPv4-mapped addresses stay per address', async () => {
    const t = await setup({ rateLimits: { forgotPassword: { points: 2, durationSeconds: 3600 } } });
    const forgot = (ip: string) => codeOf(t.auth.forgotPassword({ email: 'x@example.com' }, { ip }));
    expect(await forgot('2001:db8:a:b::1')).toBe('ok');
    expect(await forgot('2001:db8:a:b:1:2:3:4')).toBe('ok');
    expect(await forgot('2001:db8:a:b:dead:beef::1')).toBe('rate_limited');
    expect(await forgot('2001:db8:a:c::1')).toBe('ok');
    for (const ip of ['192.0.2.1', '192.0.2.1', '192.0.2.2', '::ffff:192.0.2.3', '::ffff:192.0.2.4'])
      expect(await forgot(ip)).toBe('ok');
    expect(await forgot('192.0.2.1')).toBe('rate_limited');
    expect(await forgot('::ffff:192.0.2.3')).toBe('ok');
    expect(await forgot('::ffff:192.0.2.3')).toBe('rate_limited');
    expect(await forgot('::ffff:192.0.2.5')).toBe('ok');
  });
});
