import type { Kysely } from 'kysely';
import { AuthError } from '../errors.js';
import type { AuthSession, AuthStore, AuthUser, RotateRefreshTokenResult } from '../store.js';

/** Options of {@link kyselyAuthStore}. */
export interface KyselyAuthStoreOptions {
  /** Run {@link migrateAuth} on first use instead of requiring it at start-up. @default false */
  migrate?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: the auth tables live in the user's own database type; they are addressed by name
type Row = Record<string, any>;

const toDate = (v: unknown): Date => (v instanceof Date ? v : new Date(v as string));
const toDateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : toDate(v));

const toUser = (r: Row): AuthUser => ({
  id: r.id,
  email: r.email,
  name: r.name,
  emailVerifiedAt: toDateOrNull(r.email_verified_at),
  createdAt: toDate(r.created_at),
});

const toSession = (r: Row): AuthSession => ({
  id: r.id,
  userId: r.user_id,
  tenantId: r.tenant_id ?? null,
  createdAt: toDate(r.created_at),
  lastUsedAt: toDate(r.last_used_at),
  expiresAt: toDate(r.expires_at),
  ip: r.ip ?? null,
  userAgent: r.user_agent ?? null,
  revokedAt: toDateOrNull(r.revoked_at),
});

const USER_COLUMNS = ['id', 'email', 'name', 'email_verified_at', 'created_at'] as const;

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

function unavailable(error: unknown): never {
  if (error instanceof AuthError) throw error;
  throw new AuthError('unavailable', 'auth store query failed (check the database; run migrateAuth(db))', {
    cause: error,
  });
}

/**
 * An {@link AuthStore} on PostgreSQL (or PGlite) through a Kysely instance you create. Run
 * {@link migrateAuth} first. Uniqueness of e-mails is a unique index; refresh rotation and
 * single-use tokens are conditional `UPDATE ... WHERE used_at IS NULL ... RETURNING` statements
 * (rotation inside a transaction), so concurrent calls cannot both win.
 *
 * @example
 * ```ts
 * import { kyselyAuthStore, migrateAuth } from '@portalkit/auth/kysely';
 * await migrateAuth(db);
 * const store = kyselyAuthStore(db);
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the auth tables live in the user's own database type; they are addressed by name
export function kyselyAuthStore(db: Kysely<any>, options: KyselyAuthStoreOptions = {}): AuthStore {
  let ready: Promise<unknown> | undefined;
  const q = async <T>(run: () => Promise<T>): Promise<T> => {
    if (options.migrate) {
      const { migrateAuth } = await import('./migrations.js');
      ready ??= migrateAuth(db).catch((e) => {
        ready = undefined;
        throw e;
      });
      await ready;
    }
    try {
      return await run();
    } catch (error) {
      return unavailable(error);
    }
  };

  return {
    createUser: (user) =>
      q(async () => {
        try {
          const row = await db
            .insertInto('auth_users')
            .values({
              id: user.id,
              email: user.email,
              name: user.name,
              password_hash: user.passwordHash,
              created_at: user.createdAt,
              email_verified_at: null,
            })
            .returning(USER_COLUMNS)
            .executeTakeFirstOrThrow();
          return toUser(row);
        } catch (error) {
          if (isUniqueViolation(error)) {
            throw new AuthError('conflict', 'a user with this e-mail already exists', { cause: error });
          }
          throw error;
        }
      }),
    findUserById: (id) =>
      q(async () => {
        const row = await db.selectFrom('auth_users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
        return row ? toUser(row) : null;
      }),
    findUserByEmail: (email) =>
      q(async () => {
        const row = await db
          .selectFrom('auth_users')
          .select(USER_COLUMNS)
          .where('email', '=', email)
          .executeTakeFirst();
        return row ? toUser(row) : null;
      }),
    getPasswordHash: (userId) =>
      q(async () => {
        const row = await db
          .selectFrom('auth_users')
          .select('password_hash')
          .where('id', '=', userId)
          .executeTakeFirst();
        return (row?.password_hash as string | undefined) ?? null;
      }),
    setPasswordHash: (userId, passwordHash) =>
      q(async () => {
        const result = await db
          .updateTable('auth_users')
          .set({ password_hash: passwordHash })
          .where('id', '=', userId)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      }),
    markEmailVerified: (userId, at) =>
      q(async () => {
        const row = await db
          .updateTable('auth_users')
          .set((eb) => ({ email_verified_at: eb.fn.coalesce('email_verified_at', eb.val(at)) }))
          .where('id', '=', userId)
          .returning(USER_COLUMNS)
          .executeTakeFirst();
        return row ? toUser(row) : null;
      }),

    createSession: (session, token) =>
      q(() =>
        db.transaction().execute(async (trx) => {
          const row = await trx
            .insertInto('auth_sessions')
            .values({
              id: session.id,
              user_id: session.userId,
              tenant_id: session.tenantId,
              created_at: session.createdAt,
              last_used_at: session.createdAt,
              expires_at: session.expiresAt,
              ip: session.ip,
              user_agent: session.userAgent,
              revoked_at: null,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('auth_refresh_tokens')
            .values({
              hash: token.hash,
              session_id: session.id,
              created_at: session.createdAt,
              expires_at: token.expiresAt,
              used_at: null,
            })
            .execute();
          return toSession(row);
        }),
      ),
    findSessionByRefreshToken: (hash) =>
      q(async () => {
        const row = await db
          .selectFrom('auth_refresh_tokens as t')
          .innerJoin('auth_sessions as s', 's.id', 't.session_id')
          .selectAll('s')
          .where('t.hash', '=', hash)
          .executeTakeFirst();
        return row ? toSession(row) : null;
      }),
    findSession: (id) =>
      q(async () => {
        const row = await db.selectFrom('auth_sessions').selectAll().where('id', '=', id).executeTakeFirst();
        return row ? toSession(row) : null;
      }),
    rotateRefreshToken: (input) =>
      q(() =>
        db.transaction().execute(async (trx): Promise<RotateRefreshTokenResult> => {
          const { now } = input;
          const spent = await trx
            .updateTable('auth_refresh_tokens')
            .set({ used_at: now })
            .where('hash', '=', input.hash)
            .where('used_at', 'is', null)
            .where('expires_at', '>', now)
            .returning('session_id')
            .executeTakeFirst();
          if (spent) {
            const patch: Row = { last_used_at: now };
            if (input.tenantId !== undefined) patch.tenant_id = input.tenantId;
            if (input.ip !== undefined) patch.ip = input.ip;
            if (input.userAgent !== undefined) patch.user_agent = input.userAgent;
            const session = await trx
              .updateTable('auth_sessions')
              .set(patch)
              .where('id', '=', spent.session_id)
              .where('revoked_at', 'is', null)
              .where('expires_at', '>', now)
              .returningAll()
              .executeTakeFirst();
            if (!session) {
              const current = await trx
                .selectFrom('auth_sessions')
                .select('revoked_at')
                .where('id', '=', spent.session_id)
                .executeTakeFirst();
              return { status: !current || current.revoked_at !== null ? 'invalid' : 'expired' };
            }
            await trx
              .insertInto('auth_refresh_tokens')
              .values({
                hash: input.next.hash,
                session_id: spent.session_id,
                created_at: now,
                expires_at: input.next.expiresAt,
                used_at: null,
              })
              .execute();
            return { status: 'rotated', session: toSession(session) };
          }
          const token = await trx
            .selectFrom('auth_refresh_tokens as t')
            .innerJoin('auth_sessions as s', 's.id', 't.session_id')
            .select(['t.used_at', 't.session_id', 's.revoked_at'])
            .where('t.hash', '=', input.hash)
            .executeTakeFirst();
          if (!token) return { status: 'invalid' };
          if (token.used_at === null) return { status: token.revoked_at !== null ? 'invalid' : 'expired' };
          const usedAt = toDate(token.used_at);
          if (
            input.reuseGraceMs > 0 &&
            now.getTime() - usedAt.getTime() < input.reuseGraceMs &&
            token.revoked_at === null
          ) {
            return { status: 'concurrent' };
          }
          const revoked = await trx
            .updateTable('auth_sessions')
            .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
            .where('id', '=', token.session_id)
            .returningAll()
            .executeTakeFirstOrThrow();
          return { status: 'reused', session: toSession(revoked) };
        }),
      ),
    listSessions: (userId, now) =>
      q(async () => {
        const rows = await db
          .selectFrom('auth_sessions')
          .selectAll()
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', now)
          .orderBy('created_at', 'desc')
          .orderBy('id')
          .execute();
        return rows.map(toSession);
      }),
    revokeSession: (sessionId, at, userId) =>
      q(async () => {
        let query = db
          .updateTable('auth_sessions')
          .set({ revoked_at: at })
          .where('id', '=', sessionId)
          .where('revoked_at', 'is', null);
        if (userId !== undefined) query = query.where('user_id', '=', userId);
        const row = await query.returningAll().executeTakeFirst();
        return row ? toSession(row) : null;
      }),
    revokeUserSessions: (userId, at, exceptSessionId) =>
      q(async () => {
        let query = db
          .updateTable('auth_sessions')
          .set({ revoked_at: at })
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null);
        if (exceptSessionId !== undefined) query = query.where('id', '!=', exceptSessionId);
        const rows = await query.returning(['id', 'tenant_id']).execute();
        return rows.map((r) => ({ id: r.id as string, tenantId: (r.tenant_id as string | null) ?? null }));
      }),

    createOneTimeToken: (token) =>
      q(async () => {
        try {
          await db
            .insertInto('auth_one_time_tokens')
            .values({
              hash: token.hash,
              kind: token.kind,
              user_id: token.userId,
              created_at: token.createdAt,
              expires_at: token.expiresAt,
              used_at: null,
            })
            .execute();
        } catch (error) {
          if (isUniqueViolation(error))
            throw new AuthError('conflict', 'one-time token hash already exists', { cause: error });
          throw error;
        }
      }),
    purgeExpired: (now) =>
      q(() =>
        db.transaction().execute(async (trx) => {
          const expiredSessions = trx.selectFrom('auth_sessions').select('id').where('expires_at', '<=', now);
          const tokens = await trx
            .deleteFrom('auth_refresh_tokens')
            .where((eb) => eb.or([eb('expires_at', '<=', now), eb('session_id', 'in', expiredSessions)]))
            .executeTakeFirst();
          const gone = await trx.deleteFrom('auth_sessions').where('expires_at', '<=', now).executeTakeFirst();
          const oneTime = await trx
            .deleteFrom('auth_one_time_tokens')
            .where((eb) => eb.or([eb('expires_at', '<=', now), eb('used_at', 'is not', null)]))
            .executeTakeFirst();
          return {
            sessions: Number(gone.numDeletedRows),
            refreshTokens: Number(tokens.numDeletedRows),
            oneTimeTokens: Number(oneTime.numDeletedRows),
          };
        }),
      ),
    findOneTimeToken: (hash, kind, now) =>
      q(async () => {
        const row = await db
          .selectFrom('auth_one_time_tokens')
          .select('user_id')
          .where('hash', '=', hash)
          .where('kind', '=', kind)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .executeTakeFirst();
        return row ? { userId: row.user_id as string } : null;
      }),
    consumeOneTimeToken: (hash, kind, now) =>
      q(async () => {
        const row = await db
          .updateTable('auth_one_time_tokens')
          .set({ used_at: now })
          .where('hash', '=', hash)
          .where('kind', '=', kind)
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .returning('user_id')
          .executeTakeFirst();
        return row ? { userId: row.user_id as string } : null;
      }),
    invalidateOneTimeTokens: (userId, kind, at) =>
      q(async () => {
        const result = await db
          .updateTable('auth_one_time_tokens')
          .set({ used_at: at })
          .where('user_id', '=', userId)
          .where('kind', '=', kind)
          .where('used_at', 'is', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      }),
  };
}
