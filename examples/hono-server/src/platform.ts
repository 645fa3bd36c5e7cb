import { type AuditLog, createAuditLog, getAuditContext } from '@portalkit/audit';
import { kyselyAuditStore, migrateAudit } from '@portalkit/audit/kysely';
import {
  type AccessTokens,
  type AuthService,
  type AuthStore,
  createAccessTokens,
  createAuthService,
  createVerifiedTokenCache,
  type KeySet,
  memoryRevokedSessions,
  type SecurityEvent,
} from '@portalkit/auth';
import { kyselyAuthStore, migrateAuth } from '@portalkit/auth/kysely';
import { redisRateLimiter, redisRevokedSessions } from '@portalkit/auth/redis';
import { createTenancy, type TenancyService } from '@portalkit/tenancy';
import { kyselyTenantStore, migrateTenancy } from '@portalkit/tenancy/kysely';
import type { Logger } from 'pino';
import type { Cache } from './cache.js';
import type { Database } from './database.js';
import type { Config } from './env.js';
import type { Mailer } from './mailer.js';

/** The packages, composed over one database, one cache and one mailer. */
export interface Platform {
  auth: AuthService;
  authStore: AuthStore;
  accessTokens: AccessTokens;
  tenancy: TenancyService;
  // biome-ignore lint/suspicious/noExplicitAny: the audit log's transaction type depends on the database.
  audit: AuditLog<any>;
}

/** Security events of @portalkit/auth that API.md lists as audit actions. */
const AUDITED: Partial<Record<SecurityEvent['type'], string>> = {
  registered: 'auth.registered',
  email_verified: 'auth.email_verified',
  login_succeeded: 'auth.login_succeeded',
  login_failed: 'auth.login_failed',
  login_rate_limited: 'auth.login_failed',
  logout: 'auth.logout',
  refresh_reused: 'auth.refresh_reused',
  password_reset: 'auth.password_reset',
  password_changed: 'auth.password_changed',
  session_revoked: 'auth.session_revoked',
};

export async function createPlatform(deps: {
  config: Config;
  log: Logger;
  database: Database;
  cache: Cache;
  mailer: Mailer;
  keySet: KeySet;
}): Promise<Platform> {
  const { config, log, database, cache, mailer } = deps;
  if (database.kind === 'mongodb') {
    throw new Error('[portalkit/hono-server] DATABASE_URL=mongodb:// is not wired in this build: use postgres://');
  }
  const db = database.db;
  await migrateAuth(db);
  await migrateTenancy(db);
  await migrateAudit(db);

  const redis = cache.kind === 'redis' ? cache.redis : undefined;
  const authLogger = (message: string, details?: unknown) => log.warn({ details }, message);
  const accessTokens = createAccessTokens({
    keys: deps.keySet,
    issuer: config.publicUrl,
    audience: 'portalkit',
    cache: createVerifiedTokenCache(),
    revokedSessions: redis
      ? redisRevokedSessions(redis, { keyPrefix: `${config.redisPrefix}revoked:`, logger: authLogger })
      : memoryRevokedSessions(),
  });

  const audit = createAuditLog({
    store: kyselyAuditStore(db),
    buffer: { flushIntervalMs: 200 },
    logger: log,
  });

  const link = (path: string, token: string) => `${config.publicUrl}${path}?token=${encodeURIComponent(token)}`;
  const tenancy = createTenancy({
    store: kyselyTenantStore(db),
    deliverInvitation: async ({ invitation, token, tenant }) => {
      await mailer.send({
        to: invitation.email,
        subject: `You are invited to ${tenant.name}`,
        text: `You were invited to join ${tenant.name} as ${invitation.role}.\n\nAccept: ${link('/accept-invitation', token)}\n\nThe invitation expires at ${invitation.expiresAt.toISOString()}.`,
      });
    },
  });

  const authStore = kyselyAuthStore(db);
  const auth = createAuthService({
    store: authStore,
    accessTokens,
    logger: authLogger,
    ...(redis
      ? {
          rateLimiter: (policy) =>
            redisRateLimiter(redis, policy, { keyPrefix: `${config.redisPrefix}rl:`, logger: authLogger }),
        }
      : {}),
    memberships: async (userId) => {
      const page = await tenancy.listTenantsForUser(userId, { limit: 100 });
      return page.items.map((m) => ({ tenantId: m.tenant.id, tenantName: m.tenant.name, role: m.role }));
    },
    delivery: {
      sendVerificationEmail: ({ to, name, token }) =>
        mailer.send({
          to,
          subject: 'Verify your e-mail address',
          text: `Hello ${name},\n\nconfirm your e-mail address: ${link('/verify-email', token)}\n\nThe link is valid for 24 hours.`,
        }),
      sendAccountExistsNotice: ({ to, name }) =>
        mailer.send({
          to,
          subject: 'Someone tried to sign up with your e-mail address',
          text: `Hello ${name},\n\nsomeone tried to create an account with this address, which already has one. Nothing changed. If it was you, sign in or reset your password.`,
        }),
      sendPasswordReset: ({ to, name, token }) =>
        mailer.send({
          to,
          subject: 'Reset your password',
          text: `Hello ${name},\n\nreset your password: ${link('/reset-password', token)}\n\nThe link is valid for 1 hour. If you did not ask for it, ignore this e-mail.`,
        }),
    },
    onSecurityEvent: async (event) => {
      const action = AUDITED[event.type];
      if (!action) return;
      const ctx = getAuditContext();
      await audit.record({
        action,
        tenantId: event.tenantId ?? null,
        actor: event.userId ? { type: 'user', id: event.userId } : { type: 'system', id: null },
        resource: event.sessionId
          ? { type: 'session', id: event.sessionId }
          : { type: 'user', id: event.userId ?? null },
        ...(event.reason ? { after: { reason: event.reason } } : {}),
        ip: event.ip ?? ctx?.ip ?? null,
        userAgent: event.userAgent ?? ctx?.userAgent ?? null,
        requestId: ctx?.requestId ?? null,
      });
    },
  });
  return { auth, authStore, accessTokens, tenancy, audit };
}
