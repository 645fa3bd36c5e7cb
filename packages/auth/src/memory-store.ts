import { AuthError } from './errors.js';
import type {
  AuthSession,
  AuthStore,
  AuthUser,
  NewOneTimeToken,
  OneTimeTokenKind,
  RevokedSession,
  RotateRefreshTokenResult,
} from './store.js';

interface UserRow extends AuthUser {
  passwordHash: string;
}
interface RefreshRow {
  sessionId: string;
  expiresAt: Date;
  usedAt: Date | null;
}
interface OneTimeRow extends NewOneTimeToken {
  usedAt: Date | null;
}

const copyUser = ({ passwordHash: _hash, ...user }: UserRow): AuthUser => ({ ...user });
const copySession = (s: AuthSession): AuthSession => ({ ...s });

/**
 * An {@link AuthStore} in process memory, for tests and quick starts. Same semantics as the
 * database adapters (each operation runs without interleaving, so rotations and single-use
 * tokens are atomic); the data dies with the process.
 *
 * @example
 * ```ts
 * import { createAuthService, memoryAuthStore } from '@portalkit/auth';
 * const store = memoryAuthStore();
 * ```
 */
export function memoryAuthStore(): AuthStore {
  const users = new Map<string, UserRow>();
  const byEmail = new Map<string, string>();
  const sessions = new Map<string, AuthSession>();
  const refresh = new Map<string, RefreshRow>();
  const oneTime = new Map<string, OneTimeRow>();

  const live = (s: AuthSession, now: Date) => s.revokedAt === null && s.expiresAt > now;

  return {
    async createUser(user) {
      if (byEmail.has(user.email) || users.has(user.id)) {
        throw new AuthError('conflict', 'a user with this e-mail already exists');
      }
      const row: UserRow = { ...user, emailVerifiedAt: null };
      users.set(user.id, row);
      byEmail.set(user.email, user.id);
      return copyUser(row);
    },
    async findUserById(id) {
      const row = users.get(id);
      return row ? copyUser(row) : null;
    },
    async findUserByEmail(email) {
      const id = byEmail.get(email);
      const row = id === undefined ? undefined : users.get(id);
      return row ? copyUser(row) : null;
    },
    async getPasswordHash(userId) {
      return users.get(userId)?.passwordHash ?? null;
    },
    async setPasswordHash(userId, passwordHash) {
      const row = users.get(userId);
      if (!row) return false;
      row.passwordHash = passwordHash;
      return true;
    },
    async markEmailVerified(userId, at) {
      const row = users.get(userId);
      if (!row) return null;
      row.emailVerifiedAt ??= at;
      return copyUser(row);
    },

    async createSession(session, token) {
      const row: AuthSession = { ...session, lastUsedAt: session.createdAt, revokedAt: null };
      sessions.set(row.id, row);
      refresh.set(token.hash, { sessionId: row.id, expiresAt: token.expiresAt, usedAt: null });
      return copySession(row);
    },
    async findSessionByRefreshToken(hash) {
      const token = refresh.get(hash);
      const session = token ? sessions.get(token.sessionId) : undefined;
      return session ? copySession(session) : null;
    },
    async findSession(id) {
      const session = sessions.get(id);
      return session ? copySession(session) : null;
    },
    async rotateRefreshToken(input): Promise<RotateRefreshTokenResult> {
      const token = refresh.get(input.hash);
      const session = token ? sessions.get(token.sessionId) : undefined;
      if (!token || !session) return { status: 'invalid' };
      if (token.usedAt !== null) {
        if (
          input.reuseGraceMs > 0 &&
          input.now.getTime() - token.usedAt.getTime() < input.reuseGraceMs &&
          session.revokedAt === null
        ) {
          return { status: 'concurrent' };
        }
        session.revokedAt ??= input.now;
        return { status: 'reused', session: copySession(session) };
      }
      if (session.revokedAt !== null) return { status: 'invalid' };
      if (token.expiresAt <= input.now || session.expiresAt <= input.now) return { status: 'expired' };
      token.usedAt = input.now;
      refresh.set(input.next.hash, { sessionId: session.id, expiresAt: input.next.expiresAt, usedAt: null });
      session.lastUsedAt = input.now;
      if (input.tenantId !== undefined) session.tenantId = input.tenantId;
      if (input.ip !== undefined) session.ip = input.ip;
      if (input.userAgent !== undefined) session.userAgent = input.userAgent;
      return { status: 'rotated', session: copySession(session) };
    },
    async listSessions(userId, now) {
      return [...sessions.values()]
        .filter((s) => s.userId === userId && live(s, now))
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map(copySession);
    },
    async revokeSession(sessionId, at, userId) {
      const session = sessions.get(sessionId);
      if (!session || session.revokedAt !== null || (userId !== undefined && session.userId !== userId)) return null;
      session.revokedAt = at;
      return copySession(session);
    },
    async revokeUserSessions(userId, at, exceptSessionId) {
      const revoked: RevokedSession[] = [];
      for (const session of sessions.values()) {
        if (session.userId === userId && session.revokedAt === null && session.id !== exceptSessionId) {
          session.revokedAt = at;
          revoked.push({ id: session.id, tenantId: session.tenantId });
        }
      }
      return revoked;
    },

    async createOneTimeToken(token) {
      if (oneTime.has(token.hash)) throw new AuthError('conflict', 'one-time token hash already exists');
      oneTime.set(token.hash, { ...token, usedAt: null });
    },
    async purgeExpired(now) {
      const result = { sessions: 0, refreshTokens: 0, oneTimeTokens: 0 };
      for (const [id, session] of sessions) {
        if (session.expiresAt <= now) {
          sessions.delete(id);
          result.sessions++;
        }
      }
      for (const [hash, token] of refresh) {
        if (token.expiresAt <= now || !sessions.has(token.sessionId)) {
          refresh.delete(hash);
          result.refreshTokens++;
        }
      }
      for (const [hash, token] of oneTime) {
        if (token.expiresAt <= now || token.usedAt !== null) {
          oneTime.delete(hash);
          result.oneTimeTokens++;
        }
      }
      return result;
    },
    async findOneTimeToken(hash, kind, now) {
      const row = oneTime.get(hash);
      if (!row || row.kind !== kind || row.usedAt !== null || row.expiresAt <= now) return null;
      return { userId: row.userId };
    },
    async consumeOneTimeToken(hash, kind: OneTimeTokenKind, now) {
      const row = oneTime.get(hash);
      if (!row || row.kind !== kind || row.usedAt !== null || row.expiresAt <= now) return null;
      row.usedAt = now;
      return { userId: row.userId };
    },
    async invalidateOneTimeTokens(userId, kind, at) {
      let marked = 0;
      for (const row of oneTime.values()) {
        if (row.userId === userId && row.kind === kind && row.usedAt === null) {
          row.usedAt = at;
          marked++;
        }
      }
      return marked;
    },
  };
}
