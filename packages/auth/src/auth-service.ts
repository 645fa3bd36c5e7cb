import type { AccessTokenClaims, AccessTokens } from './access-tokens.js';
import { normalizeEmail } from './email.js';
import { AuthError, type AuthFieldError } from './errors.js';
import type { SecurityEvent, SecurityEventType } from './events.js';
import { rateLimitAddress } from './internal/client-address.js';
import { hashSecret, randomId, randomSecret } from './internal/crypto.js';
import { createPasswordHasher, type PasswordHasher } from './password-hasher.js';
import { createPasswordPolicy, type PasswordPolicy } from './password-policy.js';
import { type AuthLogger, memoryRateLimiter, type RateLimiter, type RateLimitPolicy } from './rate-limiter.js';
import type { AuthSession, AuthStore, AuthUser, OneTimeTokenKind, RevokedSession } from './store.js';

/**
 * Messages the host delivers (by e-mail). Tokens go into links as `?token=`. Each method may return
 * a promise (your mail transport's), which is awaited; what it resolves to is ignored.
 */
export interface AuthDelivery {
  /** A new account (or a resend) needs its e-mail verified. */
  sendVerificationEmail(message: { to: string; name: string; token: string; expiresAt: Date }): unknown;
  /** Someone tried to register with an e-mail that already has an account. */
  sendAccountExistsNotice(message: { to: string; name: string }): unknown;
  /** A password reset was requested for an existing account. */
  sendPasswordReset(message: { to: string; name: string; token: string; expiresAt: Date }): unknown;
}

/** A tenant membership, as the host's tenancy layer knows it. */
export interface Membership {
  /** Tenant id. */
  tenantId: string;
  /** Role in the tenant (e.g. `viewer`, `editor`, `admin`). */
  role: string;
  /** Tenant display name (shown by `me`). */
  tenantName?: string;
}

/** Host callback giving a user's memberships (auth does not depend on tenancy). */
export type MembershipResolver = (userId: string) => Promise<Membership[]> | Membership[];

/** Where a request comes from; stored on sessions and put into events. */
export interface RequestContext {
  /** Client IP. */
  ip?: string | undefined;
  /** Client user agent. */
  userAgent?: string | undefined;
}

/** The layered limits of the auth flows. Each is a {@link RateLimitPolicy} without its name. */
export interface AuthRateLimitPolicies {
  /** Failed logins per account + IP. @default 5 per 15 min */
  loginAccountIp: Omit<RateLimitPolicy, 'name'>;
  /** Failed logins per account across IPs (a botnet cannot grind one account; an owner is locked out of a fresh IP for at most the window). @default 30 per 15 min */
  loginAccount: Omit<RateLimitPolicy, 'name'>;
  /** Failed logins per IP across accounts (credential stuffing). @default 100 per 15 min */
  loginIp: Omit<RateLimitPolicy, 'name'>;
  /** Registrations per IP. @default 10 per hour */
  register: Omit<RateLimitPolicy, 'name'>;
  /** Password-reset requests per IP. @default 10 per hour */
  forgotPassword: Omit<RateLimitPolicy, 'name'>;
  /** Verification resends per IP. @default 10 per hour */
  resendVerification: Omit<RateLimitPolicy, 'name'>;
}

/** The default {@link AuthRateLimitPolicies}. */
const DEFAULT_POLICIES: AuthRateLimitPolicies = {
  loginAccountIp: { points: 5, durationSeconds: 15 * 60 },
  loginAccount: { points: 30, durationSeconds: 15 * 60 },
  loginIp: { points: 100, durationSeconds: 15 * 60 },
  register: { points: 10, durationSeconds: 3600 },
  forgotPassword: { points: 10, durationSeconds: 3600 },
  resendVerification: { points: 10, durationSeconds: 3600 },
};

const POLICY_NAMES: Record<keyof AuthRateLimitPolicies, string> = {
  loginAccountIp: 'login_account_ip',
  loginAccount: 'login_account',
  loginIp: 'login_ip',
  register: 'register_ip',
  forgotPassword: 'forgot_password_ip',
  resendVerification: 'resend_verification_ip',
};

/** Options of {@link createAuthService}. */
export interface AuthServiceOptions {
  /** Persistence. */
  store: AuthStore;
  /** Access-token signer/verifier (its revoked-session set, if any, is fed by logouts and revocations). */
  accessTokens: AccessTokens;
  /** Message delivery (e-mails). */
  delivery: AuthDelivery;
  /** The user's tenant memberships; without it tokens never carry a tenant. @default undefined */
  memberships?: MembershipResolver;
  /** Password hashing. @default createPasswordHasher() (argon2id, m=19 MiB, t=2, p=1) */
  passwordHasher?: PasswordHasher;
  /** Password policy. @default createPasswordPolicy() */
  passwordPolicy?: PasswordPolicy;
  /**
   * Makes the limiter of each auth policy; use `(p) => redisRateLimiter(redis, p)` behind a load
   * balancer. `false` disables auth rate limiting. @default (p) => memoryRateLimiter(p)
   */
  rateLimiter?: ((policy: RateLimitPolicy) => RateLimiter) | false;
  /** Overrides of the layered policies. @default see {@link AuthRateLimitPolicies} */
  rateLimits?: Partial<AuthRateLimitPolicies>;
  /** Refresh-token lifetime in seconds (each rotation starts a new one). @default 604800 (7 days) */
  refreshTokenTtlSeconds?: number;
  /** Absolute session lifetime in seconds, whatever the refreshes. @default 2592000 (30 days) */
  sessionTtlSeconds?: number;
  /** E-mail verification token lifetime in seconds. @default 86400 (24 h) */
  emailVerificationTtlSeconds?: number;
  /** Password reset token lifetime in seconds. @default 3600 (1 h) */
  passwordResetTtlSeconds?: number;
  /**
   * A spent refresh token presented less than this many ms after its rotation is answered
   * `token_invalid` without revoking the session (two tabs racing); 0 treats every reuse as theft.
   * @default 0
   */
  refreshReuseGraceMs?: number;
  /** Refuse login until the e-mail is verified (`email_not_verified`). @default true */
  requireVerifiedEmail?: boolean;
  /**
   * Await message delivery inside the flows, and in forgot-password and resend-verification the
   * account lookup and token issue too (which otherwise run after the answer). Off by default so
   * neither a slow mail server nor the store work of an existing account can reveal through timing
   * whether an account exists; failures are logged either way.
   * @default false
   */
  awaitDelivery?: boolean;
  /**
   * Receives security events (wire it to your audit trail). A returned promise is awaited, its value
   * ignored. Errors it throws are logged, not raised.
   */
  onSecurityEvent?: (event: SecurityEvent) => unknown;
  /** Receives operational problems (delivery or hook failures). @default console.warn */
  logger?: AuthLogger;
  /** Clock in epoch ms (tests). @default Date.now */
  now?: () => number;
}

/** A user as the service returns it. */
export interface AccountUser extends AuthUser {
  /** True once the e-mail is verified. */
  emailVerified: boolean;
}

/** Answer of login and refresh. */
export interface AuthTokens {
  /** JWT access token. */
  accessToken: string;
  /** Opaque refresh token (show once; only its hash is stored). */
  refreshToken: string;
  /** Always `Bearer`. */
  tokenType: 'Bearer';
  /** Access token lifetime in seconds. */
  expiresIn: number;
  /** The account. */
  user: AccountUser;
  /** Session id (`sid`). */
  sessionId: string;
  /** Active tenant, null when none. */
  tenantId: string | null;
  /** Role in the active tenant, null when none. */
  role: string | null;
}

/** One entry of {@link AuthService.listSessions}. */
export interface SessionInfo {
  /** Session id. */
  id: string;
  /** Sign-in time. */
  createdAt: Date;
  /** Last refresh. */
  lastUsedAt: Date;
  /** Client IP at last use. */
  ip: string | null;
  /** Client user agent at last use. */
  userAgent: string | null;
  /** True for the session of the calling token. */
  current: boolean;
}

/** Answer of register and resend-verification (identical whether or not the account exists). */
export interface VerificationSent {
  /** Always `verification_sent`. */
  status: 'verification_sent';
}

/** Answer of forgot-password (identical whether or not the account exists). */
export interface ResetSent {
  /** Always `reset_sent`. */
  status: 'reset_sent';
}

/** Answer of verify-email. */
export interface VerifiedEmail {
  /** The account, now with `emailVerified: true`. */
  user: AccountUser;
}

/** Answer of me. */
export interface Me {
  /** The caller's account. */
  user: AccountUser;
  /** The caller's memberships, from the host's {@link MembershipResolver}. */
  memberships: Membership[];
}

/** The flows of the reference API "Auth" routes. */
export interface AuthService {
  /** Registers, or notifies the owner of an existing account; same answer either way. */
  register(
    input: { email: string; password: string; name: string },
    context?: RequestContext,
  ): Promise<VerificationSent>;
  /** Consumes a verification token. */
  verifyEmail(input: { token: string }, context?: RequestContext): Promise<VerifiedEmail>;
  /** Sends a new verification e-mail when the account exists and is unverified; same answer always. */
  resendVerification(input: { email: string }, context?: RequestContext): Promise<VerificationSent>;
  /** Signs in; `tenantId` picks the active tenant (else the only membership, if exactly one). */
  login(
    input: { email: string; password: string; tenantId?: string | undefined },
    context?: RequestContext,
  ): Promise<AuthTokens>;
  /** Rotates a refresh token; `tenantId` switches the active tenant (membership re-checked). */
  refresh(
    input: { refreshToken: string; tenantId?: string | undefined },
    context?: RequestContext,
  ): Promise<AuthTokens>;
  /** Ends the session of a refresh token (any token of the family). Silent when unknown. */
  logout(input: { refreshToken: string }, context?: RequestContext): Promise<void>;
  /** Ends every session of the caller. */
  logoutAll(claims: AccessTokenClaims, context?: RequestContext): Promise<void>;
  /** Sends a reset e-mail when the account exists; same answer always. */
  forgotPassword(input: { email: string }, context?: RequestContext): Promise<ResetSent>;
  /** Sets a new password with a reset token; revokes every session; marks the e-mail verified. */
  resetPassword(input: { token: string; password: string }, context?: RequestContext): Promise<void>;
  /** Changes the caller's password; revokes the caller's other sessions. */
  changePassword(
    claims: AccessTokenClaims,
    input: { currentPassword: string; newPassword: string },
    context?: RequestContext,
  ): Promise<void>;
  /** The caller's account and memberships. */
  me(claims: AccessTokenClaims): Promise<Me>;
  /** The caller's live sessions, newest first, the calling one flagged `current`. */
  listSessions(claims: AccessTokenClaims): Promise<SessionInfo[]>;
  /** Revokes one of the caller's sessions (`not_found` when it is not theirs or not live). */
  revokeSession(claims: AccessTokenClaims, sessionId: string, context?: RequestContext): Promise<void>;
  /** Verifies a bearer access token (signature, claims, revoked sessions). */
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  /** The JWKS document to serve at `/.well-known/jwks.json`. */
  jwks(): ReturnType<AccessTokens['keys']['jwks']>;
}

function requireString(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new AuthError('validation_failed', `${field} is required`, {
      errors: [{ field, reason: 'required', message: `Enter ${field}.` }],
    });
  }
  if (value.length > max) {
    throw new AuthError('validation_failed', `${field} is too long`, {
      errors: [{ field, reason: 'too_long', message: `Use at most ${max} characters.` }],
    });
  }
  return value;
}

const toAccountUser = (user: AuthUser): AccountUser => ({ ...user, emailVerified: user.emailVerifiedAt !== null });

/**
 * Creates the auth service: every flow of the reference API "Auth" routes, with no-enumeration
 * answers, layered rate limits, refresh rotation with reuse detection, and security events.
 *
 * @example
 * ```ts
 * import { createAccessTokens, createAuthService, createKeySet, generateSigningKey, memoryAuthStore } from '@portalkit/auth';
 *
 * const keys = createKeySet({ signingKey: await generateSigningKey() });
 * const auth = createAuthService({
 *   store: memoryAuthStore(),
 *   accessTokens: createAccessTokens({ keys, issuer: 'https://api.example.com', audience: 'example' }),
 *   delivery: {
 *     sendVerificationEmail: ({ to, token }) => mailer.send(to, `https://app.example.com/verify?token=${token}`),
 *     sendAccountExistsNotice: ({ to }) => mailer.send(to, 'Someone tried to sign up with your address.'),
 *     sendPasswordReset: ({ to, token }) => mailer.send(to, `https://app.example.com/reset?token=${token}`),
 *   },
 *   onSecurityEvent: async (event) => {
 *     await audit.record({ action: `auth.${event.type}`, resource: { type: 'user', id: event.userId ?? null } });
 *   },
 * });
 * const tokens = await auth.login({ email, password }, { ip, userAgent });
 * ```
 */
export function createAuthService(options: AuthServiceOptions): AuthService {
  const { store, accessTokens, delivery } = options;
  const hasher = options.passwordHasher ?? createPasswordHasher();
  const policy = options.passwordPolicy ?? createPasswordPolicy();
  const now = options.now ?? Date.now;
  const logger: AuthLogger = options.logger ?? ((message, details) => console.warn(message, details));
  const refreshTtl = (options.refreshTokenTtlSeconds ?? 7 * 86_400) * 1000;
  const sessionTtl = (options.sessionTtlSeconds ?? 30 * 86_400) * 1000;
  const verifyTtl = (options.emailVerificationTtlSeconds ?? 86_400) * 1000;
  const resetTtl = (options.passwordResetTtlSeconds ?? 3600) * 1000;
  const reuseGraceMs = options.refreshReuseGraceMs ?? 0;
  const requireVerified = options.requireVerifiedEmail ?? true;
  const revoked = accessTokens.revokedSessions;
  const accessTtlMs = accessTokens.ttlSeconds * 1000 + 60_000;

  const makeLimiter =
    options.rateLimiter === false ? undefined : (options.rateLimiter ?? ((p) => memoryRateLimiter(p)));
  const limiters = {} as Record<keyof AuthRateLimitPolicies, RateLimiter | undefined>;
  for (const key of Object.keys(DEFAULT_POLICIES) as Array<keyof AuthRateLimitPolicies>) {
    limiters[key] = makeLimiter?.({ ...DEFAULT_POLICIES[key], ...options.rateLimits?.[key], name: POLICY_NAMES[key] });
  }

  const emit = async (
    type: SecurityEventType,
    fields: Omit<SecurityEvent, 'type' | 'occurredAt'>,
    ctx?: RequestContext,
  ) => {
    if (!options.onSecurityEvent) return;
    const event: SecurityEvent = { type, occurredAt: new Date(now()), ...fields };
    if (ctx?.ip !== undefined) event.ip = ctx.ip;
    if (ctx?.userAgent !== undefined) event.userAgent = ctx.userAgent;
    try {
      await options.onSecurityEvent(event);
    } catch (error) {
      logger('[portalkit/auth] onSecurityEvent hook failed', {
        type,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  /** One `session_revoked` per ended session, each in the trail of the tenant it was active in. */
  const emitRevoked = async (
    userId: string,
    revoked: RevokedSession[],
    reason: 'password_reset' | 'password_changed',
    ctx?: RequestContext,
  ) => {
    for (const { id, tenantId } of revoked)
      await emit('session_revoked', { userId, sessionId: id, reason, ...(tenantId ? { tenantId } : {}) }, ctx);
  };

  const deliver = async (what: string, send: () => unknown) => {
    const run = (async () => send())().catch((error: unknown) => {
      logger(`[portalkit/auth] delivery of ${what} failed`, {
        error: error instanceof Error ? error.message : String(error),
      });
    });
    if (options.awaitDelivery) await run;
  };

  /** The client address as rate limits see it (an IPv6 client by its /64). */
  const limitKeyOf = (ctx?: RequestContext) => rateLimitAddress(ctx?.ip ?? 'unknown');

  /**
   * Spends one point of each key on its limiter before any password is checked, so parallel
   * requests cannot all pass a check made before the first of them failed. When a limiter
   * refuses, every point the attempt spent is given back (a refused attempt verifies nothing and
   * costs nothing; the points kept by verified attempts still block) and the refusal is returned.
   */
  const spendAttempt = async (
    spends: Array<[RateLimiter | undefined, string]>,
  ): Promise<{ retryAfterMs: number } | undefined> => {
    const results = await Promise.all(spends.map(([limiter, key]) => limiter?.consume(key)));
    const blocked = results.filter((r) => r !== undefined && !r.allowed);
    if (blocked.length === 0) return undefined;
    await refund(spends);
    return { retryAfterMs: Math.max(...blocked.map((r) => r?.retryAfterMs ?? 0)) };
  };

  /** Gives back one point per key (rate-limiter-flexible's reward: a negative consume). */
  const refund = async (spends: Array<[RateLimiter | undefined, string]>) => {
    await Promise.all(spends.map(([limiter, key]) => limiter?.consume(key, -1)));
  };

  /**
   * Runs the account-dependent part of an anonymous flow after the caller has its answer, so the
   * answer takes the same time whether or not the account exists. Errors are logged, never thrown.
   * With `awaitDelivery` the flow waits for it (and its timing shows again, as documented).
   */
  const inBackground = async (what: string, work: () => Promise<void>) => {
    const run = (async () => {
      // a macrotask later: the caller's answer is on its way before the lookup starts
      await new Promise((resolve) => setImmediate(resolve));
      await work();
    })().catch((error: unknown) => {
      logger(`[portalkit/auth] ${what} failed`, {
        error: error instanceof Error ? error.message : String(error),
      });
    });
    if (options.awaitDelivery) await run;
  };

  const limitByIp = async (key: keyof AuthRateLimitPolicies, ctx?: RequestContext) => {
    const limiter = limiters[key];
    if (!limiter) return;
    const result = await limiter.consume(limitKeyOf(ctx));
    if (!result.allowed) {
      throw new AuthError(
        'rate_limited',
        `too many ${POLICY_NAMES[key].replace(/_ip$/u, '').replace(/_/gu, ' ')} requests from this address; retry later`,
        {
          retryAfterMs: result.retryAfterMs,
        },
      );
    }
  };

  const issueOneTime = async (kind: OneTimeTokenKind, userId: string, ttl: number, createdAt = new Date(now())) => {
    const token = randomSecret();
    const expiresAt = new Date(createdAt.getTime() + ttl);
    await store.createOneTimeToken({ hash: hashSecret(token), kind, userId, createdAt, expiresAt });
    return { token, expiresAt };
  };

  const revokeIds = async (ids: string[]) => {
    if (!revoked) return;
    await Promise.all(ids.map((id) => revoked.add(id, accessTtlMs)));
  };

  const listMemberships = async (userId: string): Promise<Membership[]> =>
    options.memberships ? [...(await options.memberships(userId))] : [];

  const membershipFor = async (userId: string, tenantId: string): Promise<Membership> => {
    const found = (await listMemberships(userId)).find((m) => m.tenantId === tenantId);
    if (!found) throw new AuthError('forbidden', 'not a member of the requested tenant');
    return found;
  };

  const issueTokens = async (
    session: AuthSession,
    refreshToken: string,
    user: AuthUser,
    role: string | null,
  ): Promise<AuthTokens> => {
    const tenantId = role === null ? null : session.tenantId;
    const signed = await accessTokens.sign({
      sub: user.id,
      sid: session.id,
      ...(tenantId !== null && role !== null ? { tid: tenantId, role } : {}),
    });
    return {
      accessToken: signed.token,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: signed.expiresIn,
      user: toAccountUser(user),
      sessionId: session.id,
      tenantId,
      role: tenantId === null ? null : role,
    };
  };

  const assertPassword = (password: unknown, field: string, context: { email: string; name?: string }) => {
    if (typeof password !== 'string') {
      throw new AuthError('validation_failed', `${field} is required`, {
        errors: [{ field, reason: 'required', message: 'Enter a password.' }],
      });
    }
    policy.assert(password, context, field);
  };

  const self: AuthService = {
    async register(input, ctx) {
      const problems: AuthFieldError[] = [];
      let email = '';
      try {
        email = normalizeEmail(input.email);
      } catch (error) {
        if (error instanceof AuthError) problems.push(...error.errors);
        else throw error;
      }
      const name = typeof input.name === 'string' ? input.name.trim() : '';
      if (name.length === 0 || name.length > 200) {
        problems.push({
          field: 'name',
          reason: name.length === 0 ? 'required' : 'too_long',
          message: 'Enter a name of 1 to 200 characters.',
        });
      }
      if (typeof input.password !== 'string') {
        problems.push({ field: 'password', reason: 'required', message: 'Enter a password.' });
      } else if (email) {
        problems.push(...policy.check(input.password, { email, name }));
      }
      if (problems.length > 0) {
        const weak = problems.every((p) => p.field === 'password');
        throw new AuthError(
          weak ? 'weak_password' : 'validation_failed',
          `registration refused (${problems.map((p) => `${p.field}: ${p.reason}`).join(', ')})`,
          {
            errors: problems,
          },
        );
      }
      await limitByIp('register', ctx);
      // Hash in both branches so an existing e-mail answers as slowly as a new one.
      const passwordHash = await hasher.hash(input.password);
      const existing = await store.findUserByEmail(email);
      if (existing) {
        await deliver('account-exists notice', () =>
          delivery.sendAccountExistsNotice({ to: existing.email, name: existing.name }),
        );
        await emit('registration_existing_email', { userId: existing.id }, ctx);
        return { status: 'verification_sent' };
      }
      let user: AuthUser;
      try {
        user = await store.createUser({ id: randomId(), email, name, passwordHash, createdAt: new Date(now()) });
      } catch (error) {
        if (error instanceof AuthError && error.code === 'conflict') {
          // lost a race with a concurrent registration of the same e-mail: same answer
          await emit('registration_existing_email', {}, ctx);
          return { status: 'verification_sent' };
        }
        throw error;
      }
      const { token, expiresAt } = await issueOneTime('email_verification', user.id, verifyTtl);
      await deliver('verification e-mail', () =>
        delivery.sendVerificationEmail({ to: user.email, name: user.name, token, expiresAt }),
      );
      await emit('registered', { userId: user.id }, ctx);
      return { status: 'verification_sent' };
    },

    async verifyEmail(input, ctx) {
      const token = requireString(input.token, 'token', 512);
      const consumed = await store.consumeOneTimeToken(hashSecret(token), 'email_verification', new Date(now()));
      if (!consumed)
        throw new AuthError(
          'token_invalid',
          'verification token is unknown, expired or already used (request a new one)',
        );
      const user = await store.markEmailVerified(consumed.userId, new Date(now()));
      if (!user) throw new AuthError('token_invalid', 'verification token belongs to no account');
      // the other verification links of this account have nothing left to do
      await store.invalidateOneTimeTokens(user.id, 'email_verification', new Date(now()));
      await emit('email_verified', { userId: user.id }, ctx);
      return { user: toAccountUser(user) };
    },

    async resendVerification(input, ctx) {
      const email = normalizeEmail(input.email);
      await limitByIp('resendVerification', ctx);
      const requestedAt = new Date(now());
      await inBackground('resend-verification', async () => {
        const user = await store.findUserByEmail(email);
        if (!user || user.emailVerifiedAt !== null) return;
        const { token, expiresAt } = await issueOneTime('email_verification', user.id, verifyTtl, requestedAt);
        await deliver('verification e-mail', () =>
          delivery.sendVerificationEmail({ to: user.email, name: user.name, token, expiresAt }),
        );
      });
      return { status: 'verification_sent' };
    },

    async login(input, ctx) {
      const email = normalizeEmail(input.email);
      const password = requireString(input.password, 'password', 1024);
      const ip = limitKeyOf(ctx);
      const accountIpKey = `${email}|${ip}`;
      // Every attempt spends its points before the password is checked (a failure keeps them,
      // a success gives them back), so N parallel guesses get at most the budget of verifications.
      const refused = await spendAttempt([
        [limiters.loginAccountIp, accountIpKey],
        [limiters.loginAccount, email],
        [limiters.loginIp, ip],
      ]);
      if (refused) {
        await emit('login_rate_limited', { email }, ctx);
        throw new AuthError('rate_limited', 'too many failed sign-ins; retry later', refused);
      }
      const fail = async (reason: string, userId?: string): Promise<never> => {
        await emit('login_failed', { email, reason, ...(userId ? { userId } : {}) }, ctx);
        throw new AuthError('invalid_credentials', 'e-mail or password is wrong');
      };
      const user = await store.findUserByEmail(email);
      // the same two store reads whether or not the user exists, then one argon2 verification
      const storedHash = await store.getPasswordHash(user ? user.id : '!no-such-user');
      if (!user || storedHash === null) {
        await hasher.dummyVerify(password);
        return fail('unknown_email');
      }
      const { valid, needsRehash } = await hasher.verify(storedHash, password);
      if (!valid) return fail('wrong_password', user.id);
      if (needsRehash) {
        try {
          await store.setPasswordHash(user.id, await hasher.hash(password));
        } catch (error) {
          logger('[portalkit/auth] password re-hash failed; keeping the old hash', {
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      // the right password: the account+IP failures are forgiven, the other two budgets get their point back
      await Promise.all([
        limiters.loginAccountIp?.reset(accountIpKey),
        refund([
          [limiters.loginAccount, email],
          [limiters.loginIp, ip],
        ]),
      ]);
      if (requireVerified && user.emailVerifiedAt === null) {
        await emit('login_failed', { userId: user.id, reason: 'email_not_verified' }, ctx);
        throw new AuthError(
          'email_not_verified',
          'verify your e-mail address before signing in (see resend-verification)',
        );
      }
      let membership: Membership | undefined;
      if (input.tenantId !== undefined) {
        membership = await membershipFor(user.id, requireString(input.tenantId, 'tenantId', 200));
      } else {
        const all = await listMemberships(user.id);
        if (all.length === 1) membership = all[0];
      }
      const refreshToken = randomSecret();
      const createdAt = new Date(now());
      const expiresAt = new Date(createdAt.getTime() + sessionTtl);
      const session = await store.createSession(
        {
          id: randomId(),
          userId: user.id,
          tenantId: membership?.tenantId ?? null,
          createdAt,
          expiresAt,
          ip: ctx?.ip ?? null,
          userAgent: ctx?.userAgent ?? null,
        },
        {
          hash: hashSecret(refreshToken),
          expiresAt: new Date(Math.min(createdAt.getTime() + refreshTtl, expiresAt.getTime())),
        },
      );
      await emit(
        'login_succeeded',
        { userId: user.id, sessionId: session.id, ...(membership ? { tenantId: membership.tenantId } : {}) },
        ctx,
      );
      return issueTokens(session, refreshToken, user, membership?.role ?? null);
    },

    async refresh(input, ctx) {
      const presented = requireString(input.refreshToken, 'refreshToken', 512);
      const hash = hashSecret(presented);
      const current = await store.findSessionByRefreshToken(hash);
      let switchTo: Membership | undefined;
      if (input.tenantId !== undefined) {
        const tenantId = requireString(input.tenantId, 'tenantId', 200);
        // checked before rotating, so a refused switch does not spend the token
        if (current && current.revokedAt === null) switchTo = await membershipFor(current.userId, tenantId);
      }
      const next = randomSecret();
      const at = new Date(now());
      const nextExpiry = new Date(
        Math.min(at.getTime() + refreshTtl, current ? current.expiresAt.getTime() : at.getTime() + refreshTtl),
      );
      const result = await store.rotateRefreshToken({
        hash,
        next: { hash: hashSecret(next), expiresAt: nextExpiry },
        now: at,
        reuseGraceMs,
        ...(switchTo ? { tenantId: switchTo.tenantId } : {}),
        ...(ctx?.ip !== undefined ? { ip: ctx.ip } : {}),
        ...(ctx?.userAgent !== undefined ? { userAgent: ctx.userAgent } : {}),
      });
      switch (result.status) {
        case 'reused':
          await revokeIds([result.session.id]);
          await emit(
            'refresh_reused',
            {
              userId: result.session.userId,
              sessionId: result.session.id,
              ...(result.session.tenantId ? { tenantId: result.session.tenantId } : {}),
            },
            ctx,
          );
          throw new AuthError('token_reused', 'refresh token was already used; the session is revoked (sign in again)');
        case 'concurrent':
          throw new AuthError(
            'token_invalid',
            'refresh token was just rotated by a concurrent request (use the newest token)',
          );
        case 'expired':
          throw new AuthError('token_expired', 'refresh token or session expired (sign in again)');
        case 'invalid':
          throw new AuthError('token_invalid', 'refresh token is unknown or its session is revoked (sign in again)');
        case 'rotated':
          break;
      }
      const session = result.session;
      const user = await store.findUserById(session.userId);
      if (!user) throw new AuthError('token_invalid', 'refresh token belongs to no account');
      let role: string | null = switchTo?.role ?? null;
      if (!switchTo && session.tenantId !== null && options.memberships) {
        // re-read the role: a demotion or removal takes effect at the next refresh
        role = (await listMemberships(user.id)).find((m) => m.tenantId === session.tenantId)?.role ?? null;
      }
      return issueTokens(session, next, user, role);
    },

    async logout(input, ctx) {
      const presented = requireString(input.refreshToken, 'refreshToken', 512);
      const session = await store.findSessionByRefreshToken(hashSecret(presented));
      if (!session) return;
      const ended = await store.revokeSession(session.id, new Date(now()));
      if (!ended) return;
      await revokeIds([ended.id]);
      await emit(
        'logout',
        {
          userId: ended.userId,
          sessionId: ended.id,
          reason: 'single',
          ...(ended.tenantId ? { tenantId: ended.tenantId } : {}),
        },
        ctx,
      );
    },

    async logoutAll(claims, ctx) {
      const revoked = await store.revokeUserSessions(claims.sub, new Date(now()));
      await revokeIds([...new Set([...revoked.map((s) => s.id), claims.sid])]);
      await emit(
        'logout',
        {
          userId: claims.sub,
          sessionId: claims.sid,
          reason: 'all_sessions',
          ...(claims.tid ? { tenantId: claims.tid } : {}),
        },
        ctx,
      );
    },

    async forgotPassword(input, ctx) {
      const email = normalizeEmail(input.email);
      await limitByIp('forgotPassword', ctx);
      const requestedAt = new Date(now());
      await inBackground('forgot-password', async () => {
        const user = await store.findUserByEmail(email);
        if (!user) return;
        const { token, expiresAt } = await issueOneTime('password_reset', user.id, resetTtl, requestedAt);
        await deliver('password reset e-mail', () =>
          delivery.sendPasswordReset({ to: user.email, name: user.name, token, expiresAt }),
        );
        await emit('password_reset_requested', { userId: user.id }, ctx);
      });
      return { status: 'reset_sent' };
    },

    async resetPassword(input, ctx) {
      const token = requireString(input.token, 'token', 512);
      const hash = hashSecret(token);
      const found = await store.findOneTimeToken(hash, 'password_reset', new Date(now()));
      const user = found ? await store.findUserById(found.userId) : null;
      if (!user)
        throw new AuthError('token_invalid', 'reset token is unknown, expired or already used (request a new one)');
      assertPassword(input.password, 'password', { email: user.email, name: user.name });
      const passwordHash = await hasher.hash(input.password);
      const consumed = await store.consumeOneTimeToken(hash, 'password_reset', new Date(now()));
      if (!consumed)
        throw new AuthError('token_invalid', 'reset token is unknown, expired or already used (request a new one)');
      // every other reset link dies with this one, before the password changes (fails safe)
      await store.invalidateOneTimeTokens(user.id, 'password_reset', new Date(now()));
      await store.setPasswordHash(user.id, passwordHash);
      if (user.emailVerifiedAt === null) {
        await store.markEmailVerified(user.id, new Date(now()));
        await store.invalidateOneTimeTokens(user.id, 'email_verification', new Date(now()));
      }
      const revoked = await store.revokeUserSessions(user.id, new Date(now()));
      await revokeIds(revoked.map((s) => s.id));
      await emit('password_reset', { userId: user.id }, ctx);
      await emitRevoked(user.id, revoked, 'password_reset', ctx);
    },

    async changePassword(claims, input, ctx) {
      const current = requireString(input.currentPassword, 'currentPassword', 1024);
      const user = await store.findUserById(claims.sub);
      const storedHash = user ? await store.getPasswordHash(user.id) : null;
      if (!user || storedHash === null)
        throw new AuthError('token_invalid', 'the account of this token no longer exists');
      // the point is spent before the check (parallel guesses cannot pass together), given back on success
      const spend: Array<[RateLimiter | undefined, string]> = [[limiters.loginAccount, user.email]];
      const refused = await spendAttempt(spend);
      if (refused) throw new AuthError('rate_limited', 'too many failed password checks; retry later', refused);
      if (!(await hasher.verify(storedHash, current)).valid) {
        throw new AuthError('invalid_credentials', 'current password is wrong');
      }
      await refund(spend);
      assertPassword(input.newPassword, 'newPassword', { email: user.email, name: user.name });
      const passwordHash = await hasher.hash(input.newPassword);
      // a reset link sent before the change must not undo it
      await store.invalidateOneTimeTokens(user.id, 'password_reset', new Date(now()));
      await store.setPasswordHash(user.id, passwordHash);
      const revoked = await store.revokeUserSessions(user.id, new Date(now()), claims.sid);
      await revokeIds(revoked.map((s) => s.id));
      await emit(
        'password_changed',
        { userId: user.id, sessionId: claims.sid, ...(claims.tid ? { tenantId: claims.tid } : {}) },
        ctx,
      );
      await emitRevoked(user.id, revoked, 'password_changed', ctx);
    },

    async me(claims) {
      const user = await store.findUserById(claims.sub);
      if (!user) throw new AuthError('token_invalid', 'the account of this token no longer exists');
      return { user: toAccountUser(user), memberships: await listMemberships(user.id) };
    },

    async listSessions(claims) {
      const sessions = await store.listSessions(claims.sub, new Date(now()));
      return sessions.map((s) => ({
        id: s.id,
        createdAt: s.createdAt,
        lastUsedAt: s.lastUsedAt,
        ip: s.ip,
        userAgent: s.userAgent,
        current: s.id === claims.sid,
      }));
    },

    async revokeSession(claims, sessionId, ctx) {
      const id = requireString(sessionId, 'sessionId', 200);
      const ended = await store.revokeSession(id, new Date(now()), claims.sub);
      if (!ended) throw new AuthError('not_found', 'no such live session of yours');
      await revokeIds([ended.id]);
      await emit(
        'session_revoked',
        {
          userId: claims.sub,
          sessionId: ended.id,
          reason: 'user',
          ...(ended.tenantId ? { tenantId: ended.tenantId } : {}),
        },
        ctx,
      );
    },

    verifyAccessToken: (token) => accessTokens.verify(token),
    jwks: () => accessTokens.keys.jwks(),
  };
  return self;
}
