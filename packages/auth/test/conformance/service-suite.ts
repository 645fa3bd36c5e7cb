import { type AuthStore, createPasswordHasher, isAuthError } from '@portalkit/auth';
import { describe, expect, it, vi } from 'vitest';
import { setup as baseSetup, CHEAP_ARGON2, codeOf, NEW_PASSWORD, PASSWORD } from '../helpers.js';

/**
 * Every flow of the auth service, run against one store factory (memory, PostgreSQL, ...). Each
 * test uses its own e-mail addresses, so a store shared by the file is fine.
 */
export function runAuthServiceSuite(
  name: string,
  makeStore: () => AuthStore,
  options: {
    /** False when the backend cannot take tens of parallel operations. */ concurrency?: boolean;
    skipReason?: string;
  } = {},
): void {
  const parallel = options.concurrency ?? true;
  const setup: typeof baseSetup = (overrides = {}) => baseSetup({ store: makeStore(), ...overrides });
  const ctx = { ip: '203.0.113.9', userAgent: 'vitest/1' };

  describe(`auth service on ${name}`, () => {
    describe('register', () => {
      it('answers the same for a new and a taken e-mail; the owner gets a notice and nothing changes', async () => {
        const t = await setup();
        const fresh = await t.auth.register({ email: 'Ada@Example.com', password: PASSWORD, name: 'Ada' }, ctx);
        const hashesAfterFirst = t.counts.hash;
        const taken = await t.auth.register(
          { email: ' ada@example.COM ', password: NEW_PASSWORD, name: 'Mallory' },
          ctx,
        );
        expect(taken).toEqual(fresh);
        expect(fresh).toEqual({ status: 'verification_sent' });
        // the taken branch hashes too (same cost), but stores nothing
        expect(t.counts.hash).toBe(hashesAfterFirst * 2);
        expect(t.mails.map((m) => [m.kind, m.to])).toEqual([
          ['verification', 'ada@example.com'],
          ['exists', 'ada@example.com'],
        ]);
        const user = await t.store.findUserByEmail('ada@example.com');
        expect(user?.name).toBe('Ada');
        expect(
          await createPasswordHasher(CHEAP_ARGON2).verify(
            (await t.store.getPasswordHash(user?.id ?? '')) ?? '',
            PASSWORD,
          ),
        ).toMatchObject({ valid: true });
        expect(t.events.map((e) => e.type)).toEqual(['registered', 'registration_existing_email']);
      });

      it('refuses weak passwords and bad input with per-field errors, storing nothing', async () => {
        const t = await setup();
        const weak = await t.auth
          .register({ email: 'bob@example.com', password: 'password123', name: 'Bob' })
          .catch((e) => e);
        expect(isAuthError(weak) && weak.code).toBe('weak_password');
        expect(weak.errors[0]).toMatchObject({ field: 'password', reason: 'too_common' });
        const local = await t.auth
          .register({ email: 'zebracorn@example.com', password: 'zebracorn-flies-at-noon', name: 'Z' })
          .catch((e) => e);
        expect(local.errors.map((e: { reason: string }) => e.reason)).toContain('contains_email');
        const bad = await t.auth.register({ email: 'nope', password: PASSWORD, name: '' }).catch((e) => e);
        expect(isAuthError(bad) && bad.code).toBe('validation_failed');
        expect(bad.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'name']);
        expect(await t.store.findUserByEmail('bob@example.com')).toBeNull();
        expect(t.mails).toEqual([]);
      });
    });

    describe('per-IP limits of the anonymous flows', () => {
      it('register, forgot-password and resend-verification are limited per IP, the same for known and unknown e-mails', async () => {
        const t = await setup({
          rateLimits: {
            register: { points: 2, durationSeconds: 3600 },
            forgotPassword: { points: 2, durationSeconds: 3600 },
            resendVerification: { points: 2, durationSeconds: 3600 },
          },
        });
        await t.auth.register({ email: 'r1@example.com', password: PASSWORD, name: 'R' }, ctx);
        await t.auth.register({ email: 'r1@example.com', password: PASSWORD, name: 'R' }, ctx);
        const limited = await t.auth
          .register({ email: 'r2@example.com', password: PASSWORD, name: 'R' }, ctx)
          .catch((e) => e);
        expect(limited.code).toBe('rate_limited');
        expect(limited.retryAfterMs).toBeGreaterThan(3500_000);
        expect(await t.store.findUserByEmail('r2@example.com')).toBeNull();
        expect(
          await codeOf(
            t.auth.register({ email: 'r2@example.com', password: PASSWORD, name: 'R' }, { ip: '198.51.100.77' }),
          ),
        ).toBe('ok');
        for (const flow of ['forgotPassword', 'resendVerification'] as const) {
          await t.auth[flow]({ email: 'r1@example.com' }, ctx);
          await t.auth[flow]({ email: 'nobody@example.com' }, ctx);
          expect(await codeOf(t.auth[flow]({ email: 'r1@example.com' }, ctx))).toBe('rate_limited');
          expect(await codeOf(t.auth[flow]({ email: 'nobody@example.com' }, ctx))).toBe('rate_limited');
        }
      });
    });

    describe('verify-email and resend-verification', () => {
      it('a verification token works once, and two concurrent uses have one winner', async () => {
        const t = await setup();
        await t.auth.register({ email: 'cy@example.com', password: PASSWORD, name: 'Cy' });
        const token = t.lastMail('verification')?.token ?? '';
        expect(token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
        const results = await Promise.allSettled([t.auth.verifyEmail({ token }), t.auth.verifyEmail({ token })]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const ok = results.find((r) => r.status === 'fulfilled');
        expect(ok?.status === 'fulfilled' && ok.value.user).toMatchObject({
          email: 'cy@example.com',
          emailVerified: true,
        });
        expect(await codeOf(t.auth.verifyEmail({ token }))).toBe('token_invalid');
      });

      it('expires after 24 h', async () => {
        let now = Date.now();
        const t = await setup({ now: () => now });
        await t.auth.register({ email: 'dee@example.com', password: PASSWORD, name: 'Dee' });
        now += 24 * 3600_000 + 1;
        expect(await codeOf(t.auth.verifyEmail({ token: t.lastMail('verification')?.token ?? '' }))).toBe(
          'token_invalid',
        );
      });

      it('resend answers the same for unknown, unverified and verified accounts; only the unverified gets mail', async () => {
        const t = await setup();
        await t.auth.register({ email: 'eve@example.com', password: PASSWORD, name: 'Eve' });
        await t.verifiedUser('fay@example.com');
        const before = t.mails.length;
        const answers = await Promise.all(
          ['eve@example.com', 'nobody@example.com', 'fay@example.com'].map((email) =>
            t.auth.resendVerification({ email }, ctx),
          ),
        );
        expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
        const resent = await t.awaitMail('verification', 'eve@example.com', 2);
        expect(t.mails.slice(before).map((m) => m.to)).toEqual(['eve@example.com']);
        // the resent token verifies, and then the first link is dead too
        expect((await t.auth.verifyEmail({ token: resent.token ?? '' })).user.emailVerified).toBe(true);
        const first = t.mails.find((m) => m.kind === 'verification' && m.to === 'eve@example.com');
        expect(await codeOf(t.auth.verifyEmail({ token: first?.token ?? '' }))).toBe('token_invalid');
      });
    });

    describe('login', () => {
      it('returns the token pair; the access token carries the documented claims', async () => {
        const t = await setup();
        const user = await t.verifiedUser('gus@example.com');
        const tokens = await t.auth.login({ email: 'GUS@example.com', password: PASSWORD }, ctx);
        expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, tenantId: null, role: null });
        expect(tokens.user).toMatchObject({ id: user.id, email: 'gus@example.com', emailVerified: true });
        expect(tokens.refreshToken.length).toBeGreaterThanOrEqual(43);
        const claims = await t.auth.verifyAccessToken(tokens.accessToken);
        expect(claims).toMatchObject({ sub: user.id, sid: tokens.sessionId, iss: 'https://auth.test', aud: 'test' });
        expect(JSON.stringify(tokens)).not.toContain('$argon2');
        expect(t.events.at(-1)).toMatchObject({
          type: 'login_succeeded',
          userId: user.id,
          sessionId: tokens.sessionId,
          ip: ctx.ip,
        });
      });

      it('unknown e-mail and wrong password: same error, and both spend one argon2 verification', async () => {
        const t = await setup();
        await t.verifiedUser('hal@example.com');
        const v0 = t.counts.verify + t.counts.dummy;
        const wrong = await t.auth
          .login({ email: 'hal@example.com', password: 'not the password at all' }, ctx)
          .catch((e) => e);
        const v1 = t.counts.verify + t.counts.dummy;
        const unknown = await t.auth
          .login({ email: 'ghost@example.com', password: 'not the password at all' }, ctx)
          .catch((e) => e);
        const v2 = t.counts.verify + t.counts.dummy;
        expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message]);
        expect(wrong.code).toBe('invalid_credentials');
        expect(v1 - v0).toBe(1);
        expect(v2 - v1).toBe(1);
        expect(t.events.filter((e) => e.type === 'login_failed').map((e) => e.reason)).toEqual([
          'wrong_password',
          'unknown_email',
        ]);
      });

      it('right password but unverified e-mail: email_not_verified', async () => {
        const t = await setup();
        await t.auth.register({ email: 'ida@example.com', password: PASSWORD, name: 'Ida' });
        expect(await codeOf(t.auth.login({ email: 'ida@example.com', password: PASSWORD }))).toBe('email_not_verified');
        expect(await codeOf(t.auth.login({ email: 'ida@example.com', password: 'wrong wrong wrong' }))).toBe(
          'invalid_credentials',
        );
      });

      it('re-hashes a hash made with older parameters on a successful login', async () => {
        const t = await setup({ passwordHasher: createPasswordHasher({ memoryCost: 2048, timeCost: 1 }) });
        const legacy = createPasswordHasher({ memoryCost: 512, timeCost: 1 });
        const user = await t.verifiedUser('jo@example.com');
        await t.store.setPasswordHash(user.id, await legacy.hash(PASSWORD));
        await t.auth.login({ email: 'jo@example.com', password: PASSWORD });
        const stored = (await t.store.getPasswordHash(user.id)) ?? '';
        expect(stored).toContain('m=2048,t=1,p=1');
        await t.auth.login({ email: 'jo@example.com', password: PASSWORD });
        expect(await t.store.getPasswordHash(user.id)).toBe(stored);
      });

      it('after 5 failures per account+IP: rate_limited with retry-after, even with the right password; another IP still works', async () => {
        const t = await setup();
        await t.verifiedUser('kim@example.com');
        for (let i = 0; i < 5; i++) {
          expect(
            await codeOf(t.auth.login({ email: 'kim@example.com', password: 'wrong password number x' }, ctx)),
          ).toBe('invalid_credentials');
        }
        const limited = await t.auth.login({ email: 'kim@example.com', password: PASSWORD }, ctx).catch((e) => e);
        expect(limited.code).toBe('rate_limited');
        expect(limited.retryAfterMs).toBeGreaterThan(14 * 60_000);
        expect(limited.retryAfterMs).toBeLessThanOrEqual(15 * 60_000);
        expect(
          await codeOf(t.auth.login({ email: 'kim@example.com', password: PASSWORD }, { ip: '198.51.100.2' })),
        ).toBe('ok');
        // an unknown account is limited the same way (no enumeration through the limiter)
        for (let i = 0; i < 5; i++) await codeOf(t.auth.login({ email: 'ghost@example.com', password: 'x' }, ctx));
        expect(await codeOf(t.auth.login({ email: 'ghost@example.com', password: 'x' }, ctx))).toBe('rate_limited');
      });

      it('the per-account limit across IPs stops a distributed attack', async () => {
        const t = await setup({ rateLimits: { loginAccount: { points: 8, durationSeconds: 600 } } });
        await t.verifiedUser('lee@example.com');
        for (let i = 0; i < 8; i++) {
          await codeOf(t.auth.login({ email: 'lee@example.com', password: 'wrong' }, { ip: `192.0.2.${i}` }));
        }
        expect(
          await codeOf(t.auth.login({ email: 'lee@example.com', password: PASSWORD }, { ip: '192.0.2.200' })),
        ).toBe('rate_limited');
        expect(await codeOf(t.auth.login({ email: 'other@example.com', password: 'x' }, { ip: '192.0.2.200' }))).toBe(
          'invalid_credentials',
        );
      });

      it('a successful login clears the account+IP failures', async () => {
        const t = await setup();
        await t.verifiedUser('max@example.com');
        for (let i = 0; i < 4; i++) await codeOf(t.auth.login({ email: 'max@example.com', password: 'nope' }, ctx));
        await t.auth.login({ email: 'max@example.com', password: PASSWORD }, ctx);
        for (let i = 0; i < 4; i++) await codeOf(t.auth.login({ email: 'max@example.com', password: 'nope' }, ctx));
        expect(await codeOf(t.auth.login({ email: 'max@example.com', password: PASSWORD }, ctx))).toBe('ok');
      });
    });

    describe('anonymous flows answer before the account-dependent work', () => {
      it('forgot-password and resend-verification answer while a slow store is still working; the mail arrives after', async () => {
        const inner = makeStore();
        let release = () => {};
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        let slow = false;
        const store: AuthStore = Object.assign(Object.create(inner) as AuthStore, {
          createOneTimeToken: async (token: Parameters<AuthStore['createOneTimeToken']>[0]) => {
            if (slow) await gate;
            return inner.createOneTimeToken(token);
          },
        });
        const t = await baseSetup({ store });
        await t.auth.register({ email: 'kai@example.com', password: PASSWORD, name: 'Kai' });
        await t.verifiedUser('lia@example.com');
        slow = true;
        const timeout = (ms: number) => new Promise((resolve) => setTimeout(() => resolve('blocked'), ms));
        expect(await Promise.race([t.auth.forgotPassword({ email: 'lia@example.com' }), timeout(500)])).toEqual({
          status: 'reset_sent',
        });
        expect(await Promise.race([t.auth.resendVerification({ email: 'kai@example.com' }), timeout(500)])).toEqual({
          status: 'verification_sent',
        });
        expect(t.lastMail('reset', 'lia@example.com')).toBeUndefined();
        release();
        const reset = await t.awaitMail('reset', 'lia@example.com');
        await t.awaitMail('verification', 'kai@example.com', 2);
        await t.auth.resetPassword({ token: reset.token ?? '', password: NEW_PASSWORD });
      });

      it('a failing store in the background is logged, never thrown to the caller', async () => {
        const inner = makeStore();
        const store: AuthStore = Object.assign(Object.create(inner) as AuthStore, {
          findUserByEmail: () => Promise.reject(new Error('store down')),
        });
        const logged: string[] = [];
        const t = await baseSetup({ store, logger: (message) => logged.push(message) });
        expect(await t.auth.forgotPassword({ email: 'moe@example.com' })).toEqual({ status: 'reset_sent' });
        expect(await t.auth.resendVerification({ email: 'moe@example.com' })).toEqual({
          status: 'verification_sent',
        });
        await vi.waitFor(() => expect(logged).toHaveLength(2));
        expect(logged.every((m) => m.startsWith('[portalkit/auth]'))).toBe(true);
      });
    });

    describe('tenants on login and refresh', () => {
      it('the only membership becomes active; tenantId picks one; a non-member tenant is forbidden', async () => {
        const t = await setup();
        const user = await t.verifiedUser('ned@example.com');
        t.membershipTable[user.id] = [{ tenantId: 't1', role: 'editor', tenantName: 'One' }];
        const one = await t.auth.login({ email: 'ned@example.com', password: PASSWORD });
        expect(await t.auth.verifyAccessToken(one.accessToken)).toMatchObject({ tid: 't1', role: 'editor' });
        t.membershipTable[user.id]?.push({ tenantId: 't2', role: 'admin' });
        const none = await t.auth.login({ email: 'ned@example.com', password: PASSWORD });
        expect(none.tenantId).toBeNull();
        const two = await t.auth.login({ email: 'ned@example.com', password: PASSWORD, tenantId: 't2' });
        expect(await t.auth.verifyAccessToken(two.accessToken)).toMatchObject({ tid: 't2', role: 'admin' });
        expect(await codeOf(t.auth.login({ email: 'ned@example.com', password: PASSWORD, tenantId: 't3' }))).toBe(
          'forbidden',
        );
      });

      it('refresh switches tenant after re-checking membership; a refused switch does not spend the token', async () => {
        const t = await setup();
        const user = await t.verifiedUser('ola@example.com');
        t.membershipTable[user.id] = [{ tenantId: 't1', role: 'viewer' }];
        const first = await t.auth.login({ email: 'ola@example.com', password: PASSWORD });
        expect(await codeOf(t.auth.refresh({ refreshToken: first.refreshToken, tenantId: 't9' }))).toBe('forbidden');
        t.membershipTable[user.id]?.push({ tenantId: 't2', role: 'admin' });
        const switched = await t.auth.refresh({ refreshToken: first.refreshToken, tenantId: 't2' });
        expect(switched).toMatchObject({ tenantId: 't2', role: 'admin', sessionId: first.sessionId });
        // the switch sticks to the session; a demotion shows at the next refresh
        t.membershipTable[user.id] = [{ tenantId: 't2', role: 'viewer' }];
        const again = await t.auth.refresh({ refreshToken: switched.refreshToken });
        expect(await t.auth.verifyAccessToken(again.accessToken)).toMatchObject({ tid: 't2', role: 'viewer' });
        // removed from the tenant: the token no longer carries it
        t.membershipTable[user.id] = [];
        const removed = await t.auth.refresh({ refreshToken: again.refreshToken });
        expect(removed.tenantId).toBeNull();
        expect('tid' in (await t.auth.verifyAccessToken(removed.accessToken))).toBe(false);
      });
    });

    describe('refresh, logout and sessions', () => {
      it('rotates on every use; reusing a spent token revokes the family, its access tokens and emits refresh_reused', async () => {
        const t = await setup();
        const user = await t.verifiedUser('pia@example.com');
        const a = await t.auth.login({ email: 'pia@example.com', password: PASSWORD }, ctx);
        const b = await t.auth.refresh({ refreshToken: a.refreshToken }, ctx);
        expect(b.refreshToken).not.toBe(a.refreshToken);
        expect(b.sessionId).toBe(a.sessionId);
        const c = await t.auth.refresh({ refreshToken: b.refreshToken }, ctx);
        expect(await codeOf(t.auth.verifyAccessToken(c.accessToken))).toBe('ok');
        expect(await codeOf(t.auth.refresh({ refreshToken: a.refreshToken }, ctx))).toBe('token_reused');
        expect(await codeOf(t.auth.refresh({ refreshToken: c.refreshToken }, ctx))).toBe('token_invalid');
        expect(await codeOf(t.auth.verifyAccessToken(c.accessToken))).toBe('token_invalid');
        expect(t.events.find((e) => e.type === 'refresh_reused')).toMatchObject({
          userId: user.id,
          sessionId: a.sessionId,
          ip: ctx.ip,
        });
        expect(await codeOf(t.auth.refresh({ refreshToken: 'made-up' }))).toBe('token_invalid');
      });

      it.skipIf(!parallel)(
        `50 parallel refreshes of one token through the service: one pair is issued, never two${parallel ? '' : ` (skipped: ${options.skipReason})`}`,
        async () => {
          const t = await setup({ refreshReuseGraceMs: 5000 });
          await t.verifiedUser('quinn@example.com');
          const a = await t.auth.login({ email: 'quinn@example.com', password: PASSWORD });
          const results = await Promise.allSettled(
            Array.from({ length: 50 }, () => t.auth.refresh({ refreshToken: a.refreshToken })),
          );
          const won = results.filter((r) => r.status === 'fulfilled');
          expect(won).toHaveLength(1);
          for (const r of results) if (r.status === 'rejected') expect(r.reason.code).toBe('token_invalid');
          // within the grace window the session survives and the winner's token keeps working
          const winner = won[0]?.status === 'fulfilled' ? won[0].value : undefined;
          expect(await codeOf(t.auth.refresh({ refreshToken: winner?.refreshToken ?? '' }))).toBe('ok');
        },
      );

      it('refresh tokens expire after 7 days, sessions after their absolute lifetime', async () => {
        let now = Date.now();
        const t = await setup({ now: () => now, sessionTtlSeconds: 10 * 86_400 });
        await t.verifiedUser('ray@example.com');
        const a = await t.auth.login({ email: 'ray@example.com', password: PASSWORD });
        now += 7 * 86_400_000 + 1000;
        expect(await codeOf(t.auth.refresh({ refreshToken: a.refreshToken }))).toBe('token_expired');
        const b = await t.auth.login({ email: 'ray@example.com', password: PASSWORD });
        now += 6 * 86_400_000;
        const c = await t.auth.refresh({ refreshToken: b.refreshToken });
        now += 5 * 86_400_000; // past the 10-day session although the token is 5 days old
        expect(await codeOf(t.auth.refresh({ refreshToken: c.refreshToken }))).toBe('token_expired');
      });

      it('logout kills the session at once (refresh and access token); unknown tokens are silent', async () => {
        const t = await setup();
        await t.verifiedUser('sam@example.com');
        const a = await t.auth.login({ email: 'sam@example.com', password: PASSWORD });
        const other = await t.auth.login({ email: 'sam@example.com', password: PASSWORD });
        await t.auth.logout({ refreshToken: a.refreshToken });
        expect(await codeOf(t.auth.refresh({ refreshToken: a.refreshToken }))).toBe('token_invalid');
        expect(await codeOf(t.auth.verifyAccessToken(a.accessToken))).toBe('token_invalid');
        expect(await codeOf(t.auth.verifyAccessToken(other.accessToken))).toBe('ok');
        await expect(t.auth.logout({ refreshToken: 'unknown' })).resolves.toBeUndefined();
      });

      it('lists sessions with the current flag, revokes one of mine, refuses someone else’s, logs out everywhere', async () => {
        const t = await setup();
        await t.verifiedUser('tia@example.com');
        await t.verifiedUser('uma@example.com');
        const s1 = await t.auth.login(
          { email: 'tia@example.com', password: PASSWORD },
          { ip: '192.0.2.1', userAgent: 'phone' },
        );
        await new Promise((r) => setTimeout(r, 5));
        const s2 = await t.auth.login(
          { email: 'tia@example.com', password: PASSWORD },
          { ip: '192.0.2.2', userAgent: 'laptop' },
        );
        const u = await t.auth.login({ email: 'uma@example.com', password: PASSWORD });
        const claims = await t.auth.verifyAccessToken(s2.accessToken);
        const list = await t.auth.listSessions(claims);
        expect(list.map((s) => [s.id, s.ip, s.userAgent, s.current])).toEqual([
          [s2.sessionId, '192.0.2.2', 'laptop', true],
          [s1.sessionId, '192.0.2.1', 'phone', false],
        ]);
        expect(list[0]).toEqual(expect.objectContaining({ createdAt: expect.any(Date), lastUsedAt: expect.any(Date) }));
        expect(await codeOf(t.auth.revokeSession(claims, u.sessionId))).toBe('not_found');
        await t.auth.revokeSession(claims, s1.sessionId);
        expect(await codeOf(t.auth.verifyAccessToken(s1.accessToken))).toBe('token_invalid');
        expect((await t.auth.listSessions(claims)).map((s) => s.id)).toEqual([s2.sessionId]);
        await t.auth.logoutAll(claims);
        expect(await codeOf(t.auth.verifyAccessToken(s2.accessToken))).toBe('token_invalid');
        expect(await codeOf(t.auth.refresh({ refreshToken: s2.refreshToken }))).toBe('token_invalid');
        expect(await codeOf(t.auth.verifyAccessToken(u.accessToken))).toBe('ok');
      });

      it('me returns the user and the memberships from the host', async () => {
        const t = await setup();
        const user = await t.verifiedUser('vic@example.com');
        t.membershipTable[user.id] = [{ tenantId: 't1', role: 'admin', tenantName: 'Acme' }];
        const tokens = await t.auth.login({ email: 'vic@example.com', password: PASSWORD });
        const me = await t.auth.me(await t.auth.verifyAccessToken(tokens.accessToken));
        expect(me).toEqual({
          user: expect.objectContaining({ id: user.id, emailVerified: true }),
          memberships: [{ tenantId: 't1', role: 'admin', tenantName: 'Acme' }],
        });
        expect(JSON.stringify(me)).not.toContain('argon2');
      });
    });

    describe('forgot, reset and change password', () => {
      it('forgot-password answers the same for existing and unknown e-mails; only the owner gets mail', async () => {
        const t = await setup();
        await t.verifiedUser('wes@example.com');
        const before = t.mails.length;
        const known = await t.auth.forgotPassword({ email: 'wes@example.com' }, ctx);
        const unknown = await t.auth.forgotPassword({ email: 'nobody@example.com' }, ctx);
        expect(known).toEqual(unknown);
        await t.awaitMail('reset', 'wes@example.com');
        expect(t.mails.slice(before).map((m) => [m.kind, m.to])).toEqual([['reset', 'wes@example.com']]);
      });

      it('reset: weak password keeps the token; success revokes every session, token is single-use, 1 h', async () => {
        let now = Date.now();
        const t = await setup({ now: () => now });
        const user = await t.verifiedUser('xia@example.com');
        t.membershipTable[user.id] = [{ tenantId: 't1', role: 'viewer' }];
        const session = await t.auth.login({ email: 'xia@example.com', password: PASSWORD });
        await t.auth.forgotPassword({ email: 'xia@example.com' });
        const token = (await t.awaitMail('reset', 'xia@example.com')).token ?? '';
        const weak = await t.auth.resetPassword({ token, password: 'xia-password-1' }).catch((e) => e);
        expect(weak.code).toBe('weak_password');
        const results = await Promise.allSettled([
          t.auth.resetPassword({ token, password: NEW_PASSWORD }),
          t.auth.resetPassword({ token, password: NEW_PASSWORD }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(await codeOf(t.auth.resetPassword({ token, password: NEW_PASSWORD }))).toBe('token_invalid');
        expect(await codeOf(t.auth.refresh({ refreshToken: session.refreshToken }))).toBe('token_invalid');
        expect(await codeOf(t.auth.verifyAccessToken(session.accessToken))).toBe('token_invalid');
        expect(await codeOf(t.auth.login({ email: 'xia@example.com', password: PASSWORD }))).toBe(
          'invalid_credentials',
        );
        expect(await codeOf(t.auth.login({ email: 'xia@example.com', password: NEW_PASSWORD }))).toBe('ok');
        expect(t.events.filter((e) => e.type === 'password_reset').map((e) => e.userId)).toEqual([user.id]);
        expect(t.events.filter((e) => e.type === 'session_revoked')).toEqual([
          expect.objectContaining({ sessionId: session.sessionId, tenantId: 't1', reason: 'password_reset' }),
        ]);
        await t.auth.forgotPassword({ email: 'xia@example.com' });
        now += 3600_000 + 1; // the token's hour runs from the request, even when it is issued later
        const late = await t.awaitMail('reset', 'xia@example.com', 2);
        expect(await codeOf(t.auth.resetPassword({ token: late.token ?? '', password: NEW_PASSWORD }))).toBe(
          'token_invalid',
        );
      });

      it('a reset kills every other outstanding reset link; so does a change of password', async () => {
        const t = await setup();
        const user = await t.verifiedUser('ira@example.com');
        await t.auth.forgotPassword({ email: 'ira@example.com' });
        const a = (await t.awaitMail('reset', 'ira@example.com', 1)).token ?? '';
        await t.auth.forgotPassword({ email: 'ira@example.com' });
        const b = (await t.awaitMail('reset', 'ira@example.com', 2)).token ?? '';
        await t.auth.resetPassword({ token: b, password: NEW_PASSWORD });
        expect(await codeOf(t.auth.resetPassword({ token: a, password: 'attacker owns this now 999' }))).toBe(
          'token_invalid',
        );
        expect(await codeOf(t.auth.login({ email: 'ira@example.com', password: NEW_PASSWORD }))).toBe('ok');

        await t.auth.forgotPassword({ email: 'ira@example.com' });
        const c = (await t.awaitMail('reset', 'ira@example.com', 3)).token ?? '';
        const session = await t.auth.login({ email: 'ira@example.com', password: NEW_PASSWORD });
        const claims = await t.auth.verifyAccessToken(session.accessToken);
        await t.auth.changePassword(claims, { currentPassword: NEW_PASSWORD, newPassword: PASSWORD });
        expect(await codeOf(t.auth.resetPassword({ token: c, password: 'attacker owns this now 999' }))).toBe(
          'token_invalid',
        );
        expect(await codeOf(t.auth.login({ email: 'ira@example.com', password: PASSWORD }))).toBe('ok');
        expect(t.events.filter((e) => e.type === 'password_reset').map((e) => e.userId)).toEqual([user.id]);
      });

      it('change-password spends its check before verifying: parallel wrong guesses get at most the budget', async () => {
        const t = await setup({ rateLimits: { loginAccount: { points: 3, durationSeconds: 600 } } });
        const user = await t.verifiedUser('jay@example.com');
        const session = await t.auth.login({ email: 'jay@example.com', password: PASSWORD });
        const claims = await t.auth.verifyAccessToken(session.accessToken);
        const before = t.counts.verify;
        // Only wrong guesses race: a right one among the first three would get its point refunded
        // (a success costs nothing) and let a fourth guess through, depending on the store's timing.
        const guesses = Array.from({ length: 20 }, (_, i) => `wrong current ${i}`);
        const codes = await Promise.all(
          guesses.map((currentPassword) =>
            codeOf(t.auth.changePassword(claims, { currentPassword, newPassword: NEW_PASSWORD })),
          ),
        );
        expect(t.counts.verify - before).toBe(3);
        expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(3);
        expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(17);
        // the right current password comes after the budget was spent: refused unverified, unchanged
        expect(
          await codeOf(t.auth.changePassword(claims, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })),
        ).toBe('rate_limited');
        expect(t.counts.verify - before).toBe(3);
        const stored = (await t.store.getPasswordHash(user.id)) ?? '';
        expect(await createPasswordHasher(CHEAP_ARGON2).verify(stored, PASSWORD)).toMatchObject({ valid: true });
      });

      it('change-password checks the current password and revokes the other sessions only', async () => {
        const t = await setup();
        const user = await t.verifiedUser('yan@example.com');
        t.membershipTable[user.id] = [{ tenantId: 't1', role: 'editor' }];
        const here = await t.auth.login({ email: 'yan@example.com', password: PASSWORD });
        const there = await t.auth.login({ email: 'yan@example.com', password: PASSWORD });
        const claims = await t.auth.verifyAccessToken(here.accessToken);
        expect(
          await codeOf(t.auth.changePassword(claims, { currentPassword: 'wrong', newPassword: NEW_PASSWORD })),
        ).toBe('invalid_credentials');
        expect(await codeOf(t.auth.changePassword(claims, { currentPassword: PASSWORD, newPassword: 'short' }))).toBe(
          'weak_password',
        );
        await t.auth.changePassword(claims, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
        expect(await codeOf(t.auth.verifyAccessToken(here.accessToken))).toBe('ok');
        expect(await codeOf(t.auth.refresh({ refreshToken: here.refreshToken }))).toBe('ok');
        expect(await codeOf(t.auth.verifyAccessToken(there.accessToken))).toBe('token_invalid');
        expect(await codeOf(t.auth.refresh({ refreshToken: there.refreshToken }))).toBe('token_invalid');
        expect(await codeOf(t.auth.login({ email: 'yan@example.com', password: NEW_PASSWORD }))).toBe('ok');
        // The revoked session's event belongs to the tenant it was active in (its audit trail).
        expect(t.events.filter((e) => e.type === 'session_revoked')).toEqual([
          expect.objectContaining({
            userId: user.id,
            sessionId: there.sessionId,
            tenantId: 't1',
            reason: 'password_changed',
          }),
        ]);
      });
    });

    describe('events and secrets', () => {
      it('no event and no answer carries a password, a token or a hash; delivery and hook failures never break a flow', async () => {
        const t = await setup({
          delivery: {
            sendVerificationEmail: () => Promise.reject(new Error('smtp down')),
            sendAccountExistsNotice: () => {
              throw new Error('smtp down');
            },
            sendPasswordReset: () => Promise.reject(new Error('smtp down')),
          },
          onSecurityEvent: () => {
            throw new Error('audit down');
          },
        });
        expect(await t.auth.register({ email: 'zoe@example.com', password: PASSWORD, name: 'Zoe' })).toEqual({
          status: 'verification_sent',
        });
        expect(await t.auth.register({ email: 'zoe@example.com', password: PASSWORD, name: 'Zoe' })).toEqual({
          status: 'verification_sent',
        });
        expect(await t.auth.forgotPassword({ email: 'zoe@example.com' })).toEqual({ status: 'reset_sent' });
      });

      it('events are free of secrets', async () => {
        const t = await setup();
        await t.verifiedUser('amy@example.com');
        const a = await t.auth.login({ email: 'amy@example.com', password: PASSWORD }, ctx);
        await codeOf(t.auth.login({ email: 'amy@example.com', password: 'wrong-password-here' }, ctx));
        await t.auth.refresh({ refreshToken: a.refreshToken });
        await codeOf(t.auth.refresh({ refreshToken: a.refreshToken }));
        const dump = JSON.stringify(t.events);
        for (const secret of [PASSWORD, 'wrong-password-here', a.refreshToken, a.accessToken, 'argon2'])
          expect(dump).not.toContain(secret);
        expect(t.events.map((e) => e.type)).toEqual([
          'registered',
          'email_verified',
          'login_succeeded',
          'login_failed',
          'refresh_reused',
        ]);
      });
    });
  });
}
