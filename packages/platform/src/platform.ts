import { createHash, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import {
  type AuditLog,
  type ChainPurgeResult,
  createAuditLog,
  getAuditContext,
  type PurgedChain,
} from '@portalkit/audit';
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
import { redisRateLimiter, redisRevokedSessions } from '@portalkit/auth/redis';
import {
  createFileService,
  createSignedUrlHandler,
  createStorage,
  type FileService,
  type SignedUrlHandler,
  type StorageConfig,
  type StorageProvider,
  type SweepResult,
} from '@portalkit/storage';
import { createTenancy, type TenancyService } from '@portalkit/tenancy';
import { redisAccessInvalidation } from '@portalkit/tenancy/redis';
import { sql } from 'kysely';
import { type Cache, openCache } from './cache.js';
import { type Config, objectStoreConfig } from './config.js';
import { type Database, openDatabase } from './database.js';
import { errorDetails, type PlatformLogger, silentLogger } from './logger.js';
import { createMailer, type Mailer } from './mailer.js';
import { maskUrlPasswords, scrub } from './redact.js';
import { loadCheckpointKey, loadKeySet, loadSigningSecret } from './secrets.js';
import { openStores } from './stores.js';

/** One check of {@link Platform.ready}. */
export type CheckStatus = 'ok' | 'failed';

/** The checks of {@link Platform.ready}. */
export interface ReadinessChecks {
  /** A trivial query. */
  database: CheckStatus;
  /** A listing of the bucket or root (a missing bucket fails). */
  storage: CheckStatus;
  /** Redis PING (always ok in-process). */
  cache: CheckStatus;
}

/** Result of {@link Platform.ready}. */
export interface Readiness {
  /** `true` when every check passed. */
  ready: boolean;
  /** Each dependency's status. */
  checks: ReadinessChecks;
}

/** Result of one {@link Platform.purgeAuditTrail} tick. */
export interface RetentionTick {
  /** `false` when retention is off or another instance holds the lock this tick. */
  ran: boolean;
  /** The chains (tenants; `null` = platform) where events were deleted. */
  purged: ChainPurgeResult[];
}

/** Result of one {@link Platform.purgeDeletedTenantTrails} tick. */
export interface DeletedTenantsTick {
  /** `false` when another instance holds the audit jobs' lock this tick. */
  ran: boolean;
  /**
   * The trails purged, each with what it was (events deleted, final seq and head hash): tenants
   * that no longer exist and whose newest event is older than `AUDIT_DELETED_TENANT_DAYS`.
   */
  purged: PurgedChain[];
  /** Tenants whose trail could not be purged this tick (logged; tried again on the next tick). */
  failed: string[];
}

/** The packages composed over one database, one cache and one mailer, with their background jobs. */
export interface Platform {
  /** The configuration it was built from. */
  config: Config;
  /** The database (PGlite, PostgreSQL or MongoDB). */
  database: Database;
  /** Redis or in-process. */
  cache: Cache;
  /** SMTP or `.eml` files. */
  mailer: Mailer;
  /** The JWT keys (the API's `/.well-known/jwks.json`). */
  keySet: KeySet;
  /** @portalkit/auth: accounts, sessions, tokens, rate limits. */
  auth: AuthService;
  /** The account store (user lookups for member lists and guards). */
  authStore: AuthStore;
  /** Access-token minting and verification. */
  accessTokens: AccessTokens;
  /** @portalkit/tenancy: tenants, members, invitations. */
  tenancy: TenancyService;
  /** @portalkit/audit: the hash-chained trail. */
  // biome-ignore lint/suspicious/noExplicitAny: the transaction type depends on the database.
  audit: AuditLog<any>;
  /** The object store (local disk or S3-compatible). */
  storage: StorageProvider;
  /** @portalkit/storage's file service. */
  files: FileService;
  /** Serves the local provider's signed URLs under `/storage` (`null` for S3-compatible stores). */
  signedUrls: SignedUrlHandler | null;
  /** One storage sweep (what the background loop runs every `SWEEP_INTERVAL_MS`). */
  sweepStorage(): Promise<SweepResult>;
  /** One audit retention tick (what the background loop runs every `AUDIT_RETENTION_INTERVAL_MS`). */
  purgeAuditTrail(): Promise<RetentionTick>;
  /**
   * One purge of deleted tenants' audit trails (what the background loop runs every
   * `AUDIT_RETENTION_INTERVAL_MS`, after retention): every chain whose tenant no longer exists and
   * whose newest event is older than `AUDIT_DELETED_TENANT_DAYS` is deleted whole (events,
   * checkpoints, head). Shares the retention job's lock: one instance at a time.
   */
  purgeDeletedTenantTrails(): Promise<DeletedTenantsTick>;
  /** Checks database, storage and cache (each bounded to 2 s). */
  ready(): Promise<Readiness>;
  /**
   * Stops the background jobs (waiting for a running tick), closes the audit trail (one final
   * write of its buffer), the mailer, Redis and every pool. Every step runs even when an earlier
   * one failed; each failure is logged (`closing the <step> failed`), and then `close()` rejects
   * with an `AggregateError` naming the failed steps (`errors` holds their errors, e.g. the audit
   * log's `store_failed` saying how many events were not written). Idempotent: a second call
   * returns the same promise.
   *
   * @example
   * ```ts
   * try {
   *   await platform.close();
   * } catch {
   *   process.exitCode = 1; // a step failed: buffered audit events may be lost (already logged)
   * }
   * ```
   */
  close(): Promise<void>;
}

/** Options of {@link createPlatform}. */
export interface PlatformOptions {
  /** From {@link loadConfig}. */
  config: Config;
  /** A pino-compatible logger. @default silentLogger */
  logger?: PlatformLogger;
  /** Run the storage sweeper and the audit jobs (retention, deleted tenants' trails) on timers. @default true */
  background?: boolean;
  /** Grace period before the sweeper purges soft-deleted files and expired pending uploads. @default 1 hour */
  sweepGraceMs?: number;
  /** Clock of the audit trail, the sweeper and the audit jobs. @default () => new Date() */
  now?: () => Date;
}

/** Security events performed by someone who is not (yet) authenticated as the account. */
const DAY_MS = 86_400_000;

const ANONYMOUS = new Set<SecurityEvent['type']>(['login_failed', 'login_rate_limited']);

/** Security events of @portalkit/auth that the API lists as audit actions. */
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

function storageConfigOf(config: Config, signingSecret: string | null): StorageConfig {
  const sc = config.storage;
  if (sc.provider === 'local') {
    return {
      provider: 'local',
      root: sc.root,
      signing: { secret: signingSecret ?? '', baseUrl: `${config.publicUrl}/storage` },
    } as StorageConfig;
  }
  return objectStoreConfig(sc);
}

async function check(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<CheckStatus> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch {
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A start-up failure naming the variable behind it: `[portalkit/platform] cannot open DATABASE_URL
 * (postgres://app:***@db/app): <driver message>`. The password of the URL is masked, also where
 * the driver's message repeats it.
 */
function unreachable(variable: string, target: string, err: unknown): Error {
  const { masked, passwords } = maskUrlPasswords(target);
  const reason = scrub(err instanceof Error ? err.message : String(err), passwords);
  return new Error(`[portalkit/platform] cannot open ${variable} (${masked}): ${reason}`, { cause: err });
}

/** A short id of an Ed25519 private key (its public key's SHA-256), written into each checkpoint. */
function keyIdOf(privateKeyPem: string): string {
  const spki = createPublicKey(createPrivateKey(privateKeyPem)).export({ format: 'der', type: 'spki' });
  return `k-${createHash('sha256').update(spki).digest('hex').slice(0, 16)}`;
}

/**
 * Runs `fn` unless another instance runs it right now: a Redis lease when Redis is configured, a
 * PostgreSQL transaction-scoped advisory lock on PostgreSQL, a lease document on MongoDB, else one
 * process (PGlite is never shared). Resolves with `undefined` when the lock was taken.
 */
async function exclusively<T>(
  name: string,
  deps: { cache: Cache; database: Database; redisPrefix: string; leaseMs: number },
  fn: () => Promise<T>,
): Promise<T | undefined> {
  if (deps.cache.kind === 'redis') {
    const redis = deps.cache.redis;
    const key = `${deps.redisPrefix}lock:${name}`;
    const token = randomUUID();
    if ((await redis.set(key, token, 'PX', deps.leaseMs, 'NX')) !== 'OK') return undefined;
    try {
      return await fn();
    } finally {
      // Release only our own lease (it may have expired and been taken by another instance).
      await redis
        .eval(
          "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0",
          1,
          key,
          token,
        )
        .catch(() => {});
    }
  }
  if (deps.database.kind === 'postgres') {
    return deps.database.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(hashtext(${`portalkit:${name}`})) as locked`.execute(trx);
      if (!rows[0]?.locked) return undefined;
      return fn();
    });
  }
  if (deps.database.kind === 'mongodb') {
    const locks = deps.database.db.collection<{ name: string; holder: string; expiresAt: Date }>('platform_locks');
    await locks.createIndex({ name: 1 }, { unique: true });
    // One document per lock, created once; taking the lock is one conditional update (atomic per document).
    await locks
      .updateOne({ name }, { $setOnInsert: { name, holder: '', expiresAt: new Date(0) } }, { upsert: true })
      .catch((err: { code?: number }) => {
        if (err?.code !== 11000) throw err; // another instance created it at the same moment
      });
    const token = randomUUID();
    const now = new Date();
    const taken = await locks.updateOne(
      { name, expiresAt: { $lte: now } },
      { $set: { holder: token, expiresAt: new Date(now.getTime() + deps.leaseMs) } },
    );
    if (taken.modifiedCount !== 1) return undefined;
    try {
      return await fn();
    } finally {
      await locks.updateOne({ name, holder: token }, { $set: { expiresAt: new Date(0) } }).catch(() => {});
    }
  }
  return fn();
}

/**
 * Builds the whole portalkit system from a {@link Config}: opens the database (PGlite, PostgreSQL
 * or MongoDB), the cache (Redis or in-process), the mailer and the keys; runs every package's
 * migrations; wires auth memberships from tenancy, auth security events into the audit trail and
 * tenant deletion into file soft-deletion; and starts the storage sweeper, the purge of deleted
 * tenants' audit trails after their export window and (when `AUDIT_RETENTION_DAYS` is set) the
 * audit retention job, all safe with several instances.
 *
 * @example
 * ```ts
 * import { createPlatform, loadConfig } from '@portalkit/platform';
 * import { pino } from 'pino';
 *
 * const platform = await createPlatform({ config: loadConfig(process.env, { name: 'api' }), logger: pino() });
 * const { ready } = await platform.ready();
 * process.once('SIGTERM', () => platform.close().catch(() => (process.exitCode = 1))); // rejects when a step failed
 * ```
 */
export async function createPlatform(options: PlatformOptions): Promise<Platform> {
  const { config } = options;
  const log = options.logger ?? silentLogger;
  await mkdir(config.dataDir, { recursive: true });
  const database = await openDatabase(config.databaseUrl, config.dataDir, log).catch((err) => {
    throw unreachable(config.databaseUrl ? 'DATABASE_URL' : 'DATA_DIR', config.databaseUrl ?? config.dataDir, err);
  });
  let cache: Cache | undefined;
  try {
    cache = await openCache(config.redisUrl, log).catch((err) => {
      throw unreachable('REDIS_URL', config.redisUrl ?? '', err);
    });
    return await compose(options, log, database, cache);
  } catch (err) {
    await cache?.close().catch(() => {});
    await database.close().catch(() => {});
    throw err;
  }
}

async function compose(
  options: PlatformOptions,
  log: PlatformLogger,
  database: Database,
  cache: Cache,
): Promise<Platform> {
  const { config } = options;
  const now = options.now ?? (() => new Date());
  const stores = await openStores(database);

  const keySet = await loadKeySet(config.jwtPrivateKeys, config.dataDir);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, mailDir: config.mailDir, from: config.mailFrom });

  const signingSecret =
    config.storage.provider === 'local' ? await loadSigningSecret(config.storageSigningSecret, config.dataDir) : null;
  const storage = createStorage(storageConfigOf(config, signingSecret));
  const files = createFileService({
    storage,
    store: stores.files,
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
    keys: keySet,
    issuer: config.publicUrl,
    audience: 'portalkit',
    cache: createVerifiedTokenCache(),
    revokedSessions: redis
      ? redisRevokedSessions(redis, {
          keyPrefix: `${config.redisPrefix}revoked:`,
          logger: authLogger,
          // While Redis is down the session table decides: a revoked session stays revoked.
          fallback: async (sessionId) => {
            const session = await stores.auth.findSession(sessionId);
            return session === null || session.revokedAt !== null;
          },
        })
      : memoryRevokedSessions(),
  });

  // Retention purges leave signed checkpoints: the key is needed (and loaded, or generated once)
  // when retention is on. A configured key is loaded in any case, so the checkpoints of an earlier
  // retention still verify, and the deleted tenants' purge (which verifies first) can go on.
  const checkpointKey =
    config.auditRetentionDays !== undefined || config.auditCheckpointKey !== undefined
      ? await loadCheckpointKey(config.auditCheckpointKey, config.dataDir)
      : null;
  const audit = createAuditLog({
    store: stores.audit,
    buffer: { flushIntervalMs: 200 },
    logger: log,
    now,
    ...(checkpointKey ? { checkpoints: { privateKey: checkpointKey, keyId: keyIdOf(checkpointKey) } } : {}),
  });

  const link = (path: string, token: string) => `${config.publicUrl}${path}?token=${encodeURIComponent(token)}`;
  // requireAccess answers from a 2 s in-process cache; with Redis, a change on one instance clears
  // the other instances' entries at once (pub/sub), so a removed member's power ends everywhere.
  const accessInvalidation = redis
    ? redisAccessInvalidation(redis, { channel: `${config.redisPrefix}tenancy:access`, logger: authLogger })
    : undefined;
  await accessInvalidation?.ready;
  const tenancy = createTenancy({
    store: stores.tenants,
    ...(accessInvalidation ? { accessCache: { invalidation: accessInvalidation } } : {}),
    deliverInvitation: async ({ invitation, token, tenant }) => {
      await mailer.send({
        to: invitation.email,
        subject: `You are invited to ${tenant.name}`,
        text: `You were invited to join ${tenant.name} as ${invitation.role}.\n\nAccept: ${link('/accept-invitation', token)}\n\nThe invitation expires at ${invitation.expiresAt.toISOString()}.`,
      });
    },
  });

  const authStore = stores.auth;
  const auth = createAuthService({
    store: authStore,
    accessTokens,
    logger: authLogger,
    ...(redis
      ? {
          rateLimiter: (policy) =>
            // While Redis is down each instance counts in memory: the limits still hold.
            redisRateLimiter(redis, policy, {
              keyPrefix: `${config.redisPrefix}rl:`,
              logger: authLogger,
              memoryFallback: true,
            }),
        }
      : {}),
    memberships: async (userId) => {
      const all = await tenancy.listAllTenantsForUser(userId);
      return all.map((m) => ({ tenantId: m.tenant.id, tenantName: m.tenant.name, role: m.role }));
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
        // A failed login is about the account, not by it: whoever tried is not authenticated.
        actor:
          event.userId && !ANONYMOUS.has(event.type)
            ? { type: 'user', id: event.userId }
            : { type: 'system', id: null },
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

  // Deleting a tenant soft-deletes its files; the sweeper purges their objects after the grace
  // period. Its audit trail stays for the export window, which runs from the trail's newest event:
  // make sure that is the deletion, also when deleteTenant is called directly (the API's route
  // records tenant.deleted itself just before).
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
    const [newest] = (await audit.query({ tenantId: tenant.id, limit: 1 })).items;
    if (newest?.action !== 'tenant.deleted') {
      await audit.record({
        action: 'tenant.deleted',
        tenantId: tenant.id,
        actor: getAuditContext()?.actor ?? { type: 'system', id: null },
        resource: { type: 'tenant', id: tenant.id },
      });
    }
  });

  const sweepGraceMs = options.sweepGraceMs ?? 60 * 60 * 1000;
  // The file service makes a sweep safe from several instances at once (it claims each record).
  const sweepStorage = () => files.sweep({ olderThan: new Date(now().getTime() - sweepGraceMs) });

  // Both audit jobs take this one lock: a chain deleted whole while retention purges it would
  // leave a stray retention checkpoint behind.
  const auditJobs = <T>(fn: () => Promise<T>) =>
    exclusively('audit-retention', { cache, database, redisPrefix: config.redisPrefix, leaseMs: 15 * 60 * 1000 }, fn);

  const retentionDays = config.auditRetentionDays;
  const purgeAuditTrail = async (): Promise<RetentionTick> => {
    if (retentionDays === undefined) return { ran: false, purged: [] };
    // purgeAll purges chain by chain (one per tenant, plus the platform's), verifying each first.
    const purged = await auditJobs(() => audit.purgeAll({ olderThanDays: retentionDays }));
    return purged === undefined ? { ran: false, purged: [] } : { ran: true, purged };
  };

  // Chains, not deletion events, decide: tenants deleted before this job existed, or while no
  // instance ran, are found the same way. A tenant that exists (even suspended) is never touched.
  const purgeDeletedTenantTrails = async (): Promise<DeletedTenantsTick> => {
    const done = await auditJobs(async () => {
      const idleBefore = new Date(now().getTime() - config.auditDeletedTenantDays * DAY_MS);
      const purged: PurgedChain[] = [];
      const failed: string[] = [];
      for await (const chain of audit.chains({ idleBefore })) {
        const tenantId = chain.tenantId;
        if (tenantId === null || (await tenancy.store.getTenant(tenantId))) continue;
        try {
          const result = await audit.purgeChain(tenantId);
          purged.push(result);
          // The record that the trail existed and was closed (no personal data in it).
          log.info({ auditTrail: result }, 'audit trail of a deleted tenant purged');
        } catch (err) {
          failed.push(tenantId);
          log.error(
            { ...errorDetails(err), tenantId },
            'purging the audit trail of a deleted tenant failed (a broken chain is kept: check it with platform.audit.verify)',
          );
        }
      }
      return { purged, failed };
    });
    return done === undefined ? { ran: false, purged: [], failed: [] } : { ran: true, ...done };
  };

  const jobs = new Set<Promise<unknown>>();
  const timers: NodeJS.Timeout[] = [];
  /** Runs the steps one after the other every `ms`; a failed step is logged and the next one still runs. */
  const every = (ms: number, steps: Array<{ name: string; run: () => Promise<void> }>) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return; // a slow tick is never overlapped by the next one
      busy = true;
      const job = (async () => {
        for (const { name, run } of steps) {
          await run().catch((err) => log.warn(errorDetails(err), `${name} failed`));
        }
      })().finally(() => {
        busy = false;
        jobs.delete(job);
      });
      jobs.add(job);
    }, ms);
    timer.unref();
    timers.push(timer);
  };
  if (options.background !== false) {
    const sweep = {
      name: 'storage sweep',
      run: async () => {
        const result = await sweepStorage();
        if (result.deleted + result.orphans + result.pending > 0) log.info({ sweep: result }, 'storage sweep');
      },
    };
    const retention = {
      name: 'audit retention',
      run: async () => {
        const result = await purgeAuditTrail();
        const deleted = result.purged.reduce((n, p) => n + p.deleted, 0);
        if (deleted > 0) log.info({ retention: { chains: result.purged.length, deleted } }, 'audit retention');
      },
    };
    // Each purged trail is logged by the tick itself.
    const deletedTenants = {
      name: 'deleted tenants audit purge',
      run: async () => {
        await purgeDeletedTenantTrails();
      },
    };
    every(config.sweepIntervalMs, [sweep]);
    // One timer, in sequence: both audit jobs take the same lock, so in parallel one would skip.
    every(
      config.auditRetentionIntervalMs,
      retentionDays === undefined ? [deletedTenants] : [retention, deletedTenants],
    );
  }

  let closing: Promise<void> | undefined;
  return {
    config,
    database,
    cache,
    mailer,
    keySet,
    auth,
    authStore,
    accessTokens,
    tenancy,
    audit,
    storage,
    files,
    signedUrls,
    sweepStorage,
    purgeAuditTrail,
    purgeDeletedTenantTrails,
    async ready() {
      // At once, so the answer comes within one check's bound (2 s) even when several hang.
      const [databaseCheck, storageCheck, cacheCheck] = await Promise.all([
        check(database.ping),
        // A listing fails when the bucket or root is missing or unreachable (exists() would say false).
        check(() => storage.list('portalkit-ready/', { limit: 1 })),
        check(cache.ping),
      ]);
      const checks = { database: databaseCheck, storage: storageCheck, cache: cacheCheck };
      return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
    },
    close() {
      closing ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        await Promise.allSettled([...jobs]);
        const steps: Array<[string, () => unknown]> = [
          ['audit', () => audit.close()],
          ['mailer', () => mailer.close()],
          ['access invalidation', () => accessInvalidation?.close()],
          ['cache', () => cache.close()],
          ['database', () => database.close()],
        ];
        const failed: Array<[string, unknown]> = [];
        for (const [name, step] of steps) {
          try {
            await step();
          } catch (err) {
            failed.push([name, err]);
            log.error(errorDetails(err), `closing the ${name} failed`);
          }
        }
        if (failed.length > 0) {
          throw new AggregateError(
            failed.map(([, err]) => err),
            `[portalkit/platform] closing failed: ${failed.map(([name]) => name).join(', ')}`,
          );
        }
      })();
      return closing;
    },
  };
}
