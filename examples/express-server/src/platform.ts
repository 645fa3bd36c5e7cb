import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
import {
  createFileService,
  createSignedUrlHandler,
  createStorage,
  type FileService,
  type SignedUrlHandler,
  type StorageConfig,
  type StorageProvider,
} from '@portalkit/storage';
import { kyselyFileStore, migrateStorage } from '@portalkit/storage/kysely';
import { createTenancy, type TenancyService } from '@portalkit/tenancy';
import { kyselyTenantStore, migrateTenancy } from '@portalkit/tenancy/kysely';
import type { Logger } from 'pino';
import type { Cache } from './cache.js';
import type { Config } from './config.js';
import type { Database } from './database.js';
import type { Mailer } from './mailer.js';

/** The packages, composed over one database, one cache and one mailer. */
export interface Platform {
  auth: AuthService;
  authStore: AuthStore;
  accessTokens: AccessTokens;
  tenancy: TenancyService;
  // biome-ignore lint/suspicious/noExplicitAny: the audit log's transaction type depends on the database.
  audit: AuditLog<any>;
  storage: StorageProvider;
  files: FileService;
  /** Serves the local provider's signed URLs (direct uploads and downloads) under `/storage`. */
  signedUrls: SignedUrlHandler | null;
}

/** The HMAC secret of local signed URLs: STORAGE_SIGNING_SECRET, else one generated once in DATA_DIR. */
async function signingSecret(dataDir: string): Promise<string> {
  if (process.env.STORAGE_SIGNING_SECRET) return process.env.STORAGE_SIGNING_SECRET;
  const file = join(dataDir, 'storage-signing-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    try {
      await writeFile(file, secret, { mode: 0o600, flag: 'wx' });
      return secret;
    } catch {
      return (await readFile(file, 'utf8')).trim();
    }
  }
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
    throw new Error('[portalkit/express-server] DATABASE_URL=mongodb:// is not wired in this build: use postgres://');
  }
  const db = database.db;
  await migrateAuth(db);
  await migrateTenancy(db);
  await migrateAudit(db);
  await migrateStorage(db);

  // Local disk signs the URLs this server serves under /storage; the others are S3-compatible stores.
  const sc = config.storage;
  const storageConfig = (
    sc.provider === 'local'
      ? {
          provider: 'local',
          root: sc.root,
          signing: { secret: await signingSecret(config.dataDir), baseUrl: `${config.publicUrl}/storage` },
        }
      : {
          provider: sc.provider,
          bucket: sc.bucket,
          ...(sc.region ? { region: sc.region } : {}),
          ...(sc.endpoint ? { endpoint: sc.endpoint } : {}),
          ...(sc.forcePathStyle !== undefined ? { forcePathStyle: sc.forcePathStyle } : {}),
          ...(sc.accessKeyId && sc.secretAccessKey
            ? { credentials: { accessKeyId: sc.accessKeyId, secretAccessKey: sc.secretAccessKey } }
            : {}),
        }
  ) as StorageConfig;
  const storage = createStorage(storageConfig);
  const files = createFileService({
    storage,
    store: kyselyFileStore(db),
    maxSize: config.maxFileSize,
    allowedTypes: config.allowedTypes,
  });
  const signedUrls =
    config.storage.provider === 'local'
      ? createSignedUrlHandler(storage, { maxUploadBytes: config.maxFileSize })
      : null;

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
  // Deleting a tenant soft-deletes its files; the sweeper purges their objects after the grace period.
  tenancy.onTenantDeleted(async (tenant) => {
    const seen = new Set<string>();
    for (;;) {
      const page = await files.list(tenant.id, { limit: 100 });
      const fresh = page.items.filter((f) => !seen.has(f.id));
      if (fresh.length === 0) break;
      for (const file of fresh) {
        seen.add(file.id);
        await files.softDelete(tenant.id, file.id);
      }
    }
  });
  return { auth, authStore, accessTokens, tenancy, audit, storage, files, signedUrls };
}
