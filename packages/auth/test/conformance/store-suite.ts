import { randomBytes } from 'node:crypto';
import { type AuthStore, isAuthError, type NewRefreshToken } from '@portalkit/auth';
import { describe, expect, it } from 'vitest';

/** What an adapter's backend can prove (CongoDB enforces no unique index). */
export interface AuthStoreSuiteOptions {
  /** False when the backend does not enforce unique indexes. @default true */
  uniqueIndexes?: boolean;
  /** Reason printed for tests skipped because of the above. */
  skipReason?: string;
  /** False when the test server cannot take tens of parallel operations. @default true */
  concurrency?: boolean;
  /** Reason printed for the parallel tests skipped because of the above. */
  concurrencySkipReason?: string;
}

const id = () => randomBytes(9).toString('base64url');
const HOUR = 3_600_000;

/** The one behaviour every AuthStore adapter must show. */
export function runAuthStoreSuite(
  name: string,
  factory: () => AuthStore | Promise<AuthStore>,
  options: AuthStoreSuiteOptions = {},
): void {
  const unique = options.uniqueIndexes ?? true;
  const parallel = options.concurrency ?? true;
  const parallelNote = parallel ? '' : ` (skipped: ${options.concurrencySkipReason})`;

  describe(`AuthStore conformance: ${name}`, () => {
    const newUser = (email = `${id()}@example.com`) => ({
      id: id(),
      email,
      name: 'Ada',
      passwordHash: '$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA',
      createdAt: new Date(),
    });
    const token = (ttl = HOUR): NewRefreshToken => ({ hash: id(), expiresAt: new Date(Date.now() + ttl) });
    const newSession = async (store: AuthStore, userId: string, first = token(), tenantId: string | null = null) => {
      const now = new Date();
      const session = await store.createSession(
        {
          id: id(),
          userId,
          tenantId,
          createdAt: now,
          expiresAt: new Date(now.getTime() + 24 * HOUR),
          ip: '203.0.113.7',
          userAgent: 'vitest',
        },
        first,
      );
      return { session, first };
    };

    it('creates users and finds them by id and e-mail, never returning the password hash', async () => {
      const store = await factory();
      const input = newUser();
      const created = await store.createUser(input);
      expect(created).toEqual({
        id: input.id,
        email: input.email,
        name: 'Ada',
        emailVerifiedAt: null,
        createdAt: input.createdAt,
      });
      expect(await store.findUserById(input.id)).toEqual(created);
      expect(await store.findUserByEmail(input.email)).toEqual(created);
      expect(await store.findUserByEmail('nobody@example.com')).toBeNull();
      expect(await store.findUserById('missing')).toBeNull();
      expect(JSON.stringify(await store.findUserById(input.id))).not.toContain('argon2');
      expect(await store.getPasswordHash(input.id)).toBe(input.passwordHash);
      expect(await store.setPasswordHash(input.id, '$argon2id$new')).toBe(true);
      expect(await store.getPasswordHash(input.id)).toBe('$argon2id$new');
      expect(await store.setPasswordHash('missing', 'x')).toBe(false);
      expect(await store.getPasswordHash('missing')).toBeNull();
    });

    it.skipIf(!unique)(
      `refuses a second user with the same e-mail, also under concurrency${unique ? '' : ` (${options.skipReason})`}`,
      async () => {
        const store = await factory();
        const email = `${id()}@example.com`;
        await store.createUser(newUser(email));
        await expect(store.createUser(newUser(email))).rejects.toSatisfy(
          (e) => isAuthError(e) && e.code === 'conflict',
        );
        const raced = `${id()}@example.com`;
        const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.createUser(newUser(raced))));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') expect(isAuthError(r.reason) && r.reason.code).toBe('conflict');
        }
      },
    );

    it('marks the e-mail verified once', async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      const first = new Date(Date.now() - 1000);
      expect((await store.markEmailVerified(user.id, first))?.emailVerifiedAt).toEqual(first);
      expect((await store.markEmailVerified(user.id, new Date()))?.emailVerifiedAt).toEqual(first);
      expect(await store.markEmailVerified('missing', new Date())).toBeNull();
    });

    it('creates, lists (live only, newest first) and revokes sessions', async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      const a = (await newSession(store, user.id)).session;
      await new Promise((r) => setTimeout(r, 5));
      const b = (await newSession(store, user.id)).session;
      expect(a).toMatchObject({
        userId: user.id,
        tenantId: null,
        ip: '203.0.113.7',
        userAgent: 'vitest',
        revokedAt: null,
      });
      expect(a.lastUsedAt).toEqual(a.createdAt);
      expect((await store.listSessions(user.id, new Date())).map((s) => s.id)).toEqual([b.id, a.id]);
      expect(await store.findSession(a.id)).toEqual(a);
      expect(await store.revokeSession(a.id, new Date(), 'someone-else')).toBeNull();
      expect((await store.revokeSession(a.id, new Date(), user.id))?.revokedAt).toBeInstanceOf(Date);
      expect(await store.revokeSession(a.id, new Date())).toBeNull();
      expect((await store.listSessions(user.id, new Date())).map((s) => s.id)).toEqual([b.id]);
      expect(await store.listSessions(user.id, new Date(Date.now() + 48 * HOUR))).toEqual([]);
    });

    it('revokes all sessions of a user except one, reporting the active tenant of each', async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      const other = await store.createUser(newUser());
      const keep = (await newSession(store, user.id)).session;
      const s2 = (await newSession(store, user.id, token(), 'tenant-a')).session;
      const s3 = (await newSession(store, user.id)).session;
      const foreign = (await newSession(store, other.id)).session;
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect((await store.revokeUserSessions(user.id, new Date(), keep.id)).sort(byId)).toEqual(
        [
          { id: s2.id, tenantId: 'tenant-a' },
          { id: s3.id, tenantId: null },
        ].sort(byId),
      );
      expect((await store.listSessions(user.id, new Date())).map((s) => s.id)).toEqual([keep.id]);
      expect(await store.revokeUserSessions(user.id, new Date())).toEqual([{ id: keep.id, tenantId: null }]);
      expect(await store.listSessions(user.id, new Date())).toEqual([]);
      expect((await store.listSessions(other.id, new Date())).map((s) => s.id)).toEqual([foreign.id]);
    });

    it('rotates a refresh token: the old one is spent, the successor works, the session is updated', async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      const { session, first } = await newSession(store, user.id);
      const second = token();
      const now = new Date(Date.now() + 1000);
      const r1 = await store.rotateRefreshToken({
        hash: first.hash,
        next: second,
        now,
        reuseGraceMs: 0,
        tenantId: 'tenant-1',
        ip: '198.51.100.1',
        userAgent: 'other',
      });
      expect(r1.status).toBe('rotated');
      if (r1.status !== 'rotated') return;
      expect(r1.session).toMatchObject({
        id: session.id,
        tenantId: 'tenant-1',
        ip: '198.51.100.1',
        userAgent: 'other',
      });
      expect(r1.session.lastUsedAt).toEqual(now);
      expect((await store.findSessionByRefreshToken(second.hash))?.id).toBe(session.id);
      expect((await store.findSessionByRefreshToken(first.hash))?.id).toBe(session.id);
      const r2 = await store.rotateRefreshToken({ hash: second.hash, next: token(), now: new Date(), reuseGraceMs: 0 });
      expect(r2.status === 'rotated' && r2.session.tenantId).toBe('tenant-1');
    });

    it('reuse of a spent token revokes the whole family, including the live successor', async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      const { session, first } = await newSession(store, user.id);
      const second = token();
      expect(
        (await store.rotateRefreshToken({ hash: first.hash, next: second, now: new Date(), reuseGraceMs: 0 })).status,
      ).toBe('rotated');
      const reuse = await store.rotateRefreshToken({
        hash: first.hash,
        next: token(),
        now: new Date(),
        reuseGraceMs: 0,
      });
      expect(reuse.status).toBe('reused');
      expect(reuse.status === 'reused' && reuse.session.id).toBe(session.id);
      expect((await store.findSession(session.id))?.revokedAt).toBeInstanceOf(Date);
      expect(
        (await store.rotateRefreshToken({ hash: second.hash, next: token(), now: new Date(), reuseGraceMs: 0 })).status,
      ).not.toBe('rotated');
      expect(await store.listSessions(user.id, new Date())).toEqual([]);
    });

    it('inside the grace window a spent token is "concurrent" and revokes nothing', async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      const { session, first } = await newSession(store, user.id);
      const second = token();
      const t0 = new Date();
      await store.rotateRefreshToken({ hash: first.hash, next: second, now: t0, reuseGraceMs: 5000 });
      const again = await store.rotateRefreshToken({
        hash: first.hash,
        next: token(),
        now: new Date(t0.getTime() + 1000),
        reuseGraceMs: 5000,
      });
      expect(again.status).toBe('concurrent');
      expect((await store.findSession(session.id))?.revokedAt).toBeNull();
      const late = await store.rotateRefreshToken({
        hash: first.hash,
        next: token(),
        now: new Date(t0.getTime() + 6000),
        reuseGraceMs: 5000,
      });
      expect(late.status).toBe('reused');
    });

    it('without a grace window a spent token is reuse even when the caller clock reads earlier than the spend', async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      const { session, first } = await newSession(store, user.id);
      const t0 = Date.now();
      await store.rotateRefreshToken({ hash: first.hash, next: token(), now: new Date(t0), reuseGraceMs: 0 });
      // a request that took its timestamp before the winner did, but reached the store after it
      const late = await store.rotateRefreshToken({
        hash: first.hash,
        next: token(),
        now: new Date(t0 - 50),
        reuseGraceMs: 0,
      });
      expect(late.status).toBe('reused');
      expect((await store.findSession(session.id))?.revokedAt).toBeInstanceOf(Date);
    });

    it('unknown, expired and revoked-session tokens do not rotate', async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      expect(
        (await store.rotateRefreshToken({ hash: 'unknown', next: token(), now: new Date(), reuseGraceMs: 0 })).status,
      ).toBe('invalid');
      const { first } = await newSession(store, user.id, token(1000));
      expect(
        (
          await store.rotateRefreshToken({
            hash: first.hash,
            next: token(),
            now: new Date(Date.now() + 2000),
            reuseGraceMs: 0,
          })
        ).status,
      ).toBe('expired');
      const { session, first: live } = await newSession(store, user.id);
      // absolute session expiry wins over a live token
      expect(
        (
          await store.rotateRefreshToken({
            hash: live.hash,
            next: token(),
            now: new Date(Date.now() + 25 * HOUR),
            reuseGraceMs: 0,
          })
        ).status,
      ).toBe('expired');
      await store.revokeSession(session.id, new Date());
      expect(
        (await store.rotateRefreshToken({ hash: live.hash, next: token(), now: new Date(), reuseGraceMs: 0 })).status,
      ).toBe('invalid');
    });

    it.skipIf(!parallel)(
      `50 parallel rotations of one token: exactly one wins, never two live successors${parallelNote}`,
      async () => {
        const store = await factory();
        const user = await store.createUser(newUser());
        const { session, first } = await newSession(store, user.id);
        const successors = Array.from({ length: 50 }, () => token());
        const results = await Promise.all(
          successors.map((next) =>
            store.rotateRefreshToken({ hash: first.hash, next, now: new Date(), reuseGraceMs: 10_000 }),
          ),
        );
        expect(results.filter((r) => r.status === 'rotated')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'concurrent')).toHaveLength(49);
        // exactly one successor is live: it rotates, every other one is unknown
        const outcomes = await Promise.all(
          successors.map((s) =>
            store.rotateRefreshToken({ hash: s.hash, next: token(), now: new Date(), reuseGraceMs: 0 }),
          ),
        );
        expect(outcomes.filter((r) => r.status === 'rotated')).toHaveLength(1);
        expect(outcomes.filter((r) => r.status === 'invalid')).toHaveLength(49);
        expect((await store.findSession(session.id))?.revokedAt).toBeNull();
      },
    );

    it.skipIf(!parallel)(
      `50 parallel rotations without grace: one wins, the rest is reuse and the family dies${parallelNote}`,
      async () => {
        const store = await factory();
        const user = await store.createUser(newUser());
        const { session, first } = await newSession(store, user.id);
        const successors = Array.from({ length: 50 }, () => token());
        const results = await Promise.all(
          successors.map((next) =>
            store.rotateRefreshToken({ hash: first.hash, next, now: new Date(), reuseGraceMs: 0 }),
          ),
        );
        expect(results.filter((r) => r.status === 'rotated')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'reused')).toHaveLength(49);
        expect((await store.findSession(session.id))?.revokedAt).toBeInstanceOf(Date);
        const outcomes = await Promise.all(
          successors.map((s) =>
            store.rotateRefreshToken({ hash: s.hash, next: token(), now: new Date(), reuseGraceMs: 0 }),
          ),
        );
        expect(outcomes.filter((r) => r.status === 'rotated')).toHaveLength(0);
      },
    );

    it('one-time tokens: consumed once, by kind, not after expiry', async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      const now = new Date();
      const make = async (kind: 'email_verification' | 'password_reset', ttl = HOUR) => {
        const hash = id();
        await store.createOneTimeToken({
          hash,
          kind,
          userId: user.id,
          createdAt: now,
          expiresAt: new Date(now.getTime() + ttl),
        });
        return hash;
      };
      const a = await make('email_verification');
      expect(await store.findOneTimeToken(a, 'email_verification', new Date())).toEqual({ userId: user.id });
      expect(await store.findOneTimeToken(a, 'password_reset', new Date())).toBeNull();
      expect(await store.consumeOneTimeToken(a, 'password_reset', new Date())).toBeNull();
      expect(await store.consumeOneTimeToken(a, 'email_verification', new Date())).toEqual({ userId: user.id });
      expect(await store.consumeOneTimeToken(a, 'email_verification', new Date())).toBeNull();
      expect(await store.findOneTimeToken(a, 'email_verification', new Date())).toBeNull();
      const b = await make('password_reset', 1000);
      expect(await store.consumeOneTimeToken(b, 'password_reset', new Date(now.getTime() + 2000))).toBeNull();
      expect(await store.consumeOneTimeToken('unknown', 'password_reset', new Date())).toBeNull();
    });

    it('invalidateOneTimeTokens marks every unused token of one user and kind as used, nothing else', async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      const other = await store.createUser(newUser());
      const now = new Date();
      const make = async (userId: string, kind: 'email_verification' | 'password_reset') => {
        const hash = id();
        await store.createOneTimeToken({
          hash,
          kind,
          userId,
          createdAt: now,
          expiresAt: new Date(now.getTime() + HOUR),
        });
        return hash;
      };
      const spent = await make(user.id, 'password_reset');
      expect(await store.consumeOneTimeToken(spent, 'password_reset', new Date())).toEqual({ userId: user.id });
      const resets = [await make(user.id, 'password_reset'), await make(user.id, 'password_reset')];
      const verification = await make(user.id, 'email_verification');
      const othersReset = await make(other.id, 'password_reset');
      expect(await store.invalidateOneTimeTokens(user.id, 'password_reset', new Date())).toBe(2);
      for (const hash of resets) {
        expect(await store.findOneTimeToken(hash, 'password_reset', new Date())).toBeNull();
        expect(await store.consumeOneTimeToken(hash, 'password_reset', new Date())).toBeNull();
      }
      expect(await store.invalidateOneTimeTokens(user.id, 'password_reset', new Date())).toBe(0);
      expect(await store.consumeOneTimeToken(verification, 'email_verification', new Date())).toEqual({
        userId: user.id,
      });
      expect(await store.consumeOneTimeToken(othersReset, 'password_reset', new Date())).toEqual({ userId: other.id });
      // invalidated tokens count as spent for the purge
      expect((await store.purgeExpired(new Date())).oneTimeTokens).toBeGreaterThanOrEqual(5);
    });

    it('purgeExpired removes expired sessions and tokens, keeps live ones and spent-but-unexpired refresh tokens', async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      const now = Date.now();
      // a live session whose first token is spent (must stay for reuse detection)
      const { session: live, first } = await newSession(store, user.id);
      const second = token();
      await store.rotateRefreshToken({ hash: first.hash, next: second, now: new Date(now), reuseGraceMs: 0 });
      // a session with an expired token
      const { first: stale } = await newSession(store, user.id, token(1000));
      const spentOnce = id();
      const pending = id();
      const expiredOnce = id();
      const make = (hash: string, ttl: number) =>
        store.createOneTimeToken({
          hash,
          kind: 'password_reset',
          userId: user.id,
          createdAt: new Date(now),
          expiresAt: new Date(now + ttl),
        });
      await make(spentOnce, HOUR);
      await make(pending, HOUR);
      await make(expiredOnce, 1000);
      await store.consumeOneTimeToken(spentOnce, 'password_reset', new Date(now));
      const result = await store.purgeExpired(new Date(now + 2000));
      // counts include rows of other tests when the backend is shared by the file
      expect(result.refreshTokens).toBeGreaterThanOrEqual(1);
      expect(result.oneTimeTokens).toBeGreaterThanOrEqual(2);
      expect(await store.findOneTimeToken(expiredOnce, 'password_reset', new Date(now))).toBeNull();
      expect(await store.findSessionByRefreshToken(stale.hash)).toBeNull();
      expect(
        (
          await store.rotateRefreshToken({
            hash: first.hash,
            next: token(),
            now: new Date(now + 3000),
            reuseGraceMs: 0,
          })
        ).status,
      ).toBe('reused');
      expect(await store.findOneTimeToken(pending, 'password_reset', new Date(now + 2000))).toEqual({
        userId: user.id,
      });
      // past the sessions' absolute expiry everything of them goes
      const later = await store.purgeExpired(new Date(now + 25 * HOUR));
      expect(later.sessions).toBeGreaterThanOrEqual(2);
      expect(await store.findSession(live.id)).toBeNull();
      expect(await store.findSessionByRefreshToken(second.hash)).toBeNull();
    });

    it.skipIf(!parallel)(`one-time tokens: 20 concurrent uses, exactly one winner${parallelNote}`, async () => {
      const store = await factory();
      const user = await store.createUser(newUser());
      const c = id();
      const now = new Date();
      await store.createOneTimeToken({
        hash: c,
        kind: 'password_reset',
        userId: user.id,
        createdAt: now,
        expiresAt: new Date(now.getTime() + HOUR),
      });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.consumeOneTimeToken(c, 'password_reset', new Date())),
      );
      expect(results.filter((r) => r !== null)).toEqual([{ userId: user.id }]);
    });
  });
}
