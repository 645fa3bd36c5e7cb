/** A user account as every store method returns it. The password hash is never part of it. */
export interface AuthUser {
  /** Opaque id. */
  id: string;
  /** Normalized e-mail (trimmed, NFC, lower-cased); unique. */
  email: string;
  /** Display name. */
  name: string;
  /** When the e-mail was verified; null until then. */
  emailVerifiedAt: Date | null;
  /** Creation time. */
  createdAt: Date;
}

/** Input of {@link AuthStore.createUser}. */
export interface NewAuthUser {
  /** Opaque id chosen by the caller. */
  id: string;
  /** Normalized e-mail. */
  email: string;
  /** Display name. */
  name: string;
  /** argon2id PHC string. */
  passwordHash: string;
  /** Creation time. */
  createdAt: Date;
}

/**
 * A session ended by `AuthStore.revokeUserSessions`.
 *
 * @example
 * ```ts
 * const revoked: RevokedSession[] = await store.revokeUserSessions(userId, new Date());
 * for (const { id, tenantId } of revoked) console.log(id, tenantId ?? 'no tenant');
 * ```
 */
export interface RevokedSession {
  /** The session id (`sid` claim). */
  id: string;
  /** The session's active tenant when it was revoked, null when none. */
  tenantId: string | null;
}

/** A session: one sign-in on one device, the family of its refresh tokens. */
export interface AuthSession {
  /** Opaque id (the `sid` claim of its access tokens). */
  id: string;
  /** Owner. */
  userId: string;
  /** Active tenant, null when none. */
  tenantId: string | null;
  /** Sign-in time. */
  createdAt: Date;
  /** Last refresh (or sign-in). */
  lastUsedAt: Date;
  /** Absolute end of the session, whatever the refreshes. */
  expiresAt: Date;
  /** Client IP at the last use, when known. */
  ip: string | null;
  /** Client user agent at the last use, when known. */
  userAgent: string | null;
  /** When it was revoked (logout, reuse, password change), null while live. */
  revokedAt: Date | null;
}

/** Input of {@link AuthStore.createSession}. */
export interface NewAuthSession {
  /** Opaque id. */
  id: string;
  /** Owner. */
  userId: string;
  /** Active tenant, null when none. */
  tenantId: string | null;
  /** Sign-in time (also the first `lastUsedAt`). */
  createdAt: Date;
  /** Absolute end of the session. */
  expiresAt: Date;
  /** Client IP. */
  ip: string | null;
  /** Client user agent. */
  userAgent: string | null;
}

/** A refresh token as stored: only its SHA-256. */
export interface NewRefreshToken {
  /** SHA-256 of the opaque token (base64url). */
  hash: string;
  /** Expiry of this token (never after the session's). */
  expiresAt: Date;
}

/** Input of {@link AuthStore.rotateRefreshToken}. */
export interface RotateRefreshTokenInput {
  /** Hash of the presented token. */
  hash: string;
  /** The successor to store when the presented token wins. */
  next: NewRefreshToken;
  /** Current time. */
  now: Date;
  /**
   * A spent token presented less than this many ms after it was spent is reported as `concurrent`
   * (a racing request of the same client) instead of `reused`, and nothing is revoked. 0 disables
   * the window entirely: every spent token is `reused`, even one spent by a request that started
   * later than this one.
   */
  reuseGraceMs: number;
  /** When given, the session's active tenant becomes this value (null clears it). */
  tenantId?: string | null;
  /** Client IP, stored on the session. */
  ip?: string | null;
  /** Client user agent, stored on the session. */
  userAgent?: string | null;
}

/** {@link RotateRefreshTokenResult}: the presented token was live and is now spent; `next` is the only live token. */
export interface RefreshRotated {
  /** Discriminant. */
  status: 'rotated';
  /** The session after the update. */
  session: AuthSession;
}

/** {@link RotateRefreshTokenResult}: the presented token was already spent, so the whole session is now revoked. */
export interface RefreshReused {
  /** Discriminant. */
  status: 'reused';
  /** The revoked session. */
  session: AuthSession;
}

/** {@link RotateRefreshTokenResult}: nothing rotated; see `status`. */
export interface RefreshNotRotated {
  /**
   * `concurrent`: spent within the grace window by a concurrent refresh, nothing changed;
   * `expired`: the token or its session is past its expiry; `invalid`: unknown token, or its
   * session is revoked.
   */
  status: 'concurrent' | 'expired' | 'invalid';
}

/** Outcome of {@link AuthStore.rotateRefreshToken}. */
export type RotateRefreshTokenResult = RefreshRotated | RefreshReused | RefreshNotRotated;

/** The result of consuming a single-use token. */
export interface ConsumedOneTimeToken {
  /** The account the token acts on. */
  userId: string;
}

/** Kinds of single-use tokens. */
export type OneTimeTokenKind = 'email_verification' | 'password_reset';

/** Input of {@link AuthStore.createOneTimeToken}. */
export interface NewOneTimeToken {
  /** SHA-256 of the token (base64url). */
  hash: string;
  /** What it is for. */
  kind: OneTimeTokenKind;
  /** The account it acts on. */
  userId: string;
  /** Creation time. */
  createdAt: Date;
  /** Expiry. */
  expiresAt: Date;
}

/** Counts of rows removed by {@link AuthStore.purgeExpired}. */
export interface PurgeResult {
  /** Sessions past their absolute expiry (revoked or not), with their refresh tokens. */
  sessions: number;
  /** Refresh tokens past their own expiry (spent or not). */
  refreshTokens: number;
  /** Single-use tokens that are spent or expired. */
  oneTimeTokens: number;
}

/**
 * Persistence of `@portalkit/auth`: users, sessions with their refresh tokens, and single-use
 * tokens. Adapters: `memoryAuthStore()` (this package), `kyselyAuthStore(db)`
 * (`@portalkit/auth/kysely`), `mongoAuthStore(db)` (`@portalkit/auth/mongodb`). All are proven by
 * one conformance suite. Every secret is stored as a SHA-256 hash only; uniqueness and single use
 * are enforced atomically by the backend.
 */
export interface AuthStore {
  /** Inserts a user; throws `AuthError('conflict')` when the e-mail is taken. */
  createUser(user: NewAuthUser): Promise<AuthUser>;
  /** A user by id, or null. */
  findUserById(id: string): Promise<AuthUser | null>;
  /** A user by normalized e-mail, or null. */
  findUserByEmail(email: string): Promise<AuthUser | null>;
  /** The stored password hash of a user, or null. The only method that returns it. */
  getPasswordHash(userId: string): Promise<string | null>;
  /** Replaces the password hash; false when the user does not exist. */
  setPasswordHash(userId: string, passwordHash: string): Promise<boolean>;
  /** Marks the e-mail verified (keeps the first time); null when the user does not exist. */
  markEmailVerified(userId: string, at: Date): Promise<AuthUser | null>;

  /** Creates a session with its first refresh token. */
  createSession(session: NewAuthSession, token: NewRefreshToken): Promise<AuthSession>;
  /** The session a refresh token (live or spent) belongs to, in any state, or null. */
  findSessionByRefreshToken(hash: string): Promise<AuthSession | null>;
  /** A session by id, in any state, or null. */
  findSession(id: string): Promise<AuthSession | null>;
  /**
   * Atomically spends a live refresh token and stores its successor. Of N concurrent calls with
   * the same token exactly one returns `rotated`; a spent token outside the grace window revokes
   * the session (`reused`).
   */
  rotateRefreshToken(input: RotateRefreshTokenInput): Promise<RotateRefreshTokenResult>;
  /** Live sessions (not revoked, not expired at `now`) of a user, newest first. */
  listSessions(userId: string, now: Date): Promise<AuthSession[]>;
  /** Revokes one live session (of `userId` when given); returns it, or null when none matched. */
  revokeSession(sessionId: string, at: Date, userId?: string): Promise<AuthSession | null>;
  /**
   * Revokes every live session of a user except `exceptSessionId`; returns each revoked session's id
   * and active tenant (so its events land in that tenant's trail).
   */
  revokeUserSessions(userId: string, at: Date, exceptSessionId?: string): Promise<RevokedSession[]>;

  /** Stores a single-use token. */
  createOneTimeToken(token: NewOneTimeToken): Promise<void>;
  /** Reads a live (unspent, unexpired) single-use token of that kind without consuming it, or null. */
  findOneTimeToken(hash: string, kind: OneTimeTokenKind, now: Date): Promise<ConsumedOneTimeToken | null>;
  /**
   * Atomically consumes a live single-use token of that kind: of N concurrent calls exactly one
   * gets the user id; unknown, spent and expired tokens give null.
   */
  consumeOneTimeToken(hash: string, kind: OneTimeTokenKind, now: Date): Promise<ConsumedOneTimeToken | null>;
  /**
   * Marks every unused single-use token of that kind of a user as used at `at` (in one statement),
   * so no outstanding link works any more; returns how many it marked. The service calls it when
   * a password is reset or changed (`password_reset`) and when an e-mail is verified
   * (`email_verification`).
   */
  invalidateOneTimeTokens(userId: string, kind: OneTimeTokenKind, at: Date): Promise<number>;

  /**
   * Deletes what can no longer be used: expired sessions (with their tokens), expired refresh
   * tokens, spent or expired single-use tokens. Spent refresh tokens stay until they expire, so
   * reuse is still detected. Run it periodically (e.g. hourly) from one instance.
   */
  purgeExpired(now: Date): Promise<PurgeResult>;
}
