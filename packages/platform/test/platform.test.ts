import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { generateCheckpointKeys, runWithAuditContext } from '@portalkit/audit';
import { createPlatform, loadConfig, type Platform } from '@portalkit/platform';
import { needs, s3StorageEnv, useRedis, useS3Bucket, useTestDatabase } from '@portalkit/test-utils';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const database = useTestDatabase();
const redis = useRedis();
const bucket = useS3Bucket();
const up = needs('postgres', 'createPlatform on services') && needs('redis', 'createPlatform on services');
const { privateKey: checkpointKey } = generateCheckpointKeys();
const PASSWORD = 'violet-otter-harbour-93';
const DAY = 86_400_000;

let dataDir: string;
const opened: Platform[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    ...s3StorageEnv(bucket),
    AUDIT_RETENTION_DAYS: '30',
    AUDIT_CHECKPOINT_KEY: checkpointKey,
    ...extra,
  };
}

async function open(extra: Record<string, string> = {}, options: { now?: () => Date; sweepGraceMs?: number } = {}) {
  const platform = await createPlatform({
    config: loadConfig(env(extra), { name: 'platform-test' }),
    background: false,
    ...options,
  });
  opened.push(platform);
  return platform;
}

/** The token of the newest mail to `to` (mails are sent in the background: wait for it). */
function tokenFromMail(to: string): Promise<string> {
  const mailDir = join(dataDir, 'mail');
  return vi.waitFor(
    async () => {
      for (const name of (await readdir(mailDir).catch(() => [])).sort().reverse()) {
        const text = await readFile(join(mailDir, name), 'utf8');
        if (!text.includes(`To: ${to}`)) continue;
        // The body may be quoted-printable: undo soft line breaks and =XX escapes first.
        const body = text
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
        const match = /[?&]token=([^\s&]+)/.exec(body);
        if (match) return decodeURIComponent(match[1]!);
      }
      throw new Error(`no mail to ${to} yet`);
    },
    { timeout: 10_000, interval: 50 },
  );
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pk-platform-'));
});
afterAll(async () => {
  for (const platform of opened) await platform.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe.skipIf(!up)('createPlatform on PostgreSQL + Redis + S3 (s3rver)', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await open();
  });

  it('is ready: database, storage and cache answer', async () => {
    expect(platform.database.kind).toBe('postgres');
    expect(platform.cache.kind).toBe('redis');
    expect(platform.signedUrls).toBeNull();
    expect(await platform.ready()).toEqual({ ready: true, checks: { database: 'ok', storage: 'ok', cache: 'ok' } });
  });

  it('a second instance on the same database migrates idempotently and shares the state', async () => {
    const second = await open();
    const tenant = await platform.tenancy.createTenant(
      { name: 'Shared Co', slug: 'shared-co' },
      { userId: 'user-shared' },
    );
    expect((await second.tenancy.getTenant(tenant.id)).name).toBe('Shared Co');
  });

  it('a member removed on one instance loses access on the other at once (cached grants, Redis invalidation)', async () => {
    const second = await open();
    const tenant = await platform.tenancy.createTenant({ name: 'Cache Co', slug: 'cache-co' }, { userId: 'owner-1' });
    await platform.tenancy.addMember(tenant.id, 'member-1', 'editor');
    // The second instance caches the grant (ttl 2 s; a load overlapping the addMember message is not kept) ...
    await vi.waitFor(
      async () => {
        expect((await second.tenancy.requireAccess(tenant.id, 'member-1', 'editor')).member.role).toBe('editor');
        expect(second.tenancy.accessCache?.size).toBeGreaterThan(0);
      },
      { timeout: 1000, interval: 20 },
    );
    // ... and a removal through the first clears it there as soon as the message arrives: well within the TTL.
    await platform.tenancy.removeMember(tenant.id, 'member-1');
    await vi.waitFor(() => expect(second.tenancy.requireAccess(tenant.id, 'member-1')).rejects.toThrow(), {
      timeout: 1000,
      interval: 20,
    });
  });

  it('records auth security events in the audit trail and takes memberships from tenancy', async () => {
    // On PostgreSQL the trail appends with COPY on the database's pool.
    expect(platform.database.kind === 'postgres' && platform.database.pool).toBeTruthy();
    const ctx = { ip: '203.0.113.7', userAgent: 'platform-test' };
    await runWithAuditContext({ requestId: 'req-register-1' }, () =>
      platform.auth.register({ email: 'ada@example.com', password: PASSWORD, name: 'Ada' }, ctx),
    );
    await platform.auth.verifyEmail({ token: await tokenFromMail('ada@example.com') }, ctx);
    await expect(
      platform.auth.login({ email: 'ada@example.com', password: 'wrong-password-1234' }, ctx),
    ).rejects.toThrow();
    const { accessToken, user } = await platform.auth.login({ email: 'ada@example.com', password: PASSWORD }, ctx);
    const tenant = await platform.tenancy.createTenant({ name: 'Ada Labs', slug: 'ada-labs' }, { userId: user.id });
    const me = await platform.auth.me(await platform.accessTokens.verify(accessToken));
    expect(me.memberships).toEqual([{ tenantId: tenant.id, tenantName: 'Ada Labs', role: 'admin' }]);

    await platform.audit.flush();
    const { items } = await platform.audit.query({ tenantId: null, limit: 50 });
    const actions = items.map((e) => e.action);
    for (const action of ['auth.registered', 'auth.email_verified', 'auth.login_failed', 'auth.login_succeeded']) {
      expect(actions).toContain(action);
    }
    const registered = items.find((e) => e.action === 'auth.registered')!;
    expect(registered).toMatchObject({ requestId: 'req-register-1', ip: '203.0.113.7', userAgent: 'platform-test' });
    expect(JSON.stringify(items)).not.toContain(PASSWORD);
  });

  it("lists every one of a user's tenants in /auth/me, past one page of 100", async () => {
    const email = 'many@example.com';
    await platform.auth.register({ email, password: PASSWORD, name: 'Many' }, {});
    await platform.auth.verifyEmail({ token: await tokenFromMail(email) }, {});
    const { accessToken, user } = await platform.auth.login({ email, password: PASSWORD }, {});
    for (let i = 0; i < 101; i++) {
      await platform.tenancy.createTenant({ name: `Many ${i}`, slug: `many-${i}` }, { userId: user.id });
    }
    const me = await platform.auth.me(await platform.accessTokens.verify(accessToken));
    expect(me.memberships).toHaveLength(101);
    expect(new Set(me.memberships.map((m) => m.tenantName)).size).toBe(101);
  });

  it('deleting a tenant soft-deletes its files; a sweep tick purges their objects from the bucket', async () => {
    const sweeping = await open({}, { sweepGraceMs: 0 });
    const tenant = await sweeping.tenancy.createTenant(
      { name: 'Doomed Inc', slug: 'doomed-inc' },
      { userId: 'user-doomed' },
    );
    const keep = await sweeping.tenancy.createTenant({ name: 'Kept Inc', slug: 'kept-inc' }, { userId: 'user-kept' });
    const upload = (tenantId: string, name: string) =>
      sweeping.files.upload(tenantId, Readable.from([Buffer.from(`hello ${name}\n`)]), {
        name,
        declaredType: 'text/plain',
        createdBy: 'user-doomed',
      });
    await upload(tenant.id, 'a.txt');
    await upload(tenant.id, 'b.txt');
    const kept = await upload(keep.id, 'kept.txt');
    const objects = async (tenantId: string) =>
      (await sweeping.storage.list(`tenants/${tenantId}/`, { limit: 100 })).items.length;
    expect(await objects(tenant.id)).toBe(2);

    await sweeping.tenancy.deleteTenant(tenant.id);
    expect((await sweeping.files.list(tenant.id, { limit: 10 })).items).toEqual([]);
    expect(await objects(tenant.id)).toBe(2); // soft: the bytes stay until the sweeper runs

    const result = await sweeping.sweepStorage();
    expect(result.deleted).toBe(2);
    expect(await objects(tenant.id)).toBe(0);
    expect((await sweeping.files.get(keep.id, kept.id)).status).toBe('ready');
    expect(await objects(keep.id)).toBe(1);
  });

  it('a retention tick purges events older than AUDIT_RETENTION_DAYS per tenant and keeps the chains valid', async () => {
    let clock = Date.now() - 45 * DAY;
    const retaining = await open({}, { now: () => new Date(clock) });
    const record = (tenantId: string, action: string) =>
      retaining.audit.record({
        action,
        tenantId,
        actor: { type: 'user', id: 'u-ret' },
        resource: { type: 'tenant', id: tenantId },
      });
    for (const n of [1, 2, 3]) await record('tenant-old', `old.${n}`);
    await record('tenant-mixed', 'old.1');
    await retaining.audit.flush();
    clock = Date.now();
    await record('tenant-mixed', 'new.1');
    await retaining.audit.flush();

    const tick = await retaining.purgeAuditTrail();
    expect(tick.ran).toBe(true);
    const deleted = Object.fromEntries(tick.purged.map((p) => [p.tenantId, p.deleted]));
    expect(deleted).toMatchObject({ 'tenant-old': 3, 'tenant-mixed': 1 });
    expect((await retaining.audit.query({ tenantId: 'tenant-mixed', limit: 10 })).items.map((e) => e.action)).toEqual([
      'new.1',
    ]);
    expect(await retaining.audit.verify({ tenantId: 'tenant-mixed' })).toMatchObject({ valid: true });
    expect(await retaining.audit.verify({ tenantId: 'tenant-old' })).toMatchObject({ valid: true });
    // Nothing left to purge on the next tick.
    expect((await retaining.purgeAuditTrail()).purged).toEqual([]);
  });

  it('retention runs on one instance at a time: a held Redis lease makes the tick stand aside', async () => {
    const client = new Redis(redis.url);
    try {
      await client.set(`${redis.prefix}lock:audit-retention`, 'another-instance', 'PX', 60_000);
      expect(await platform.purgeAuditTrail()).toEqual({ ran: false, purged: [] });
      // The lease is someone else's: the tick did not release it.
      expect(await client.get(`${redis.prefix}lock:audit-retention`)).toBe('another-instance');
      await client.del(`${redis.prefix}lock:audit-retention`);
      expect((await platform.purgeAuditTrail()).ran).toBe(true);
      expect(await client.exists(`${redis.prefix}lock:audit-retention`)).toBe(0);
    } finally {
      client.disconnect();
    }
  });

  it('without Redis, a PostgreSQL advisory lock keeps two instances from purging at once', async () => {
    const noRedis = await open({ REDIS_URL: '' });
    expect(noRedis.cache.kind).toBe('memory');
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query(`select pg_advisory_lock(hashtext('portalkit:audit-retention'))`);
      expect(await noRedis.purgeAuditTrail()).toEqual({ ran: false, purged: [] });
      await holder.query(`select pg_advisory_unlock(hashtext('portalkit:audit-retention'))`);
      expect((await noRedis.purgeAuditTrail()).ran).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it('retention is off unless AUDIT_RETENTION_DAYS is set', async () => {
    const off = await open({ AUDIT_RETENTION_DAYS: '' });
    expect(await off.purgeAuditTrail()).toEqual({ ran: false, purged: [] });
  });

  it('close() flushes the audit buffer and closes the pools (idempotent)', async () => {
    const closing = await open();
    await closing.audit.record({
      action: 'closing.test',
      tenantId: 'tenant-close',
      actor: { type: 'system', id: null },
      resource: { type: 'x', id: null },
    });
    await closing.close();
    await closing.close();
    await expect(closing.database.ping()).rejects.toThrow();
    const check = await open();
    expect((await check.audit.query({ tenantId: 'tenant-close', limit: 5 })).items.map((e) => e.action)).toEqual([
      'closing.test',
    ]);
  });
});
