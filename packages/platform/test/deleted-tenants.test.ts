import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { type AuditEvent, GENESIS_HASH, generateCheckpointKeys } from '@portalkit/audit';
import { createPlatform, loadConfig, type Platform } from '@portalkit/platform';
import { needs, useRedis, useTestDatabase } from '@portalkit/test-utils';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The purge of deleted tenants' audit trails (AUDIT_DELETED_TENANT_DAYS), on PostgreSQL + Redis,
// in a database of its own: every chain in it is one of these tests'.
const database = useTestDatabase();
const redis = useRedis();
const up = needs('postgres', 'deleted tenants audit purge') && needs('redis', 'deleted tenants audit purge');
const { privateKey: checkpointKey } = generateCheckpointKeys();
const DAY = 86_400_000;

let dataDir: string;
let clock = Date.now();
const opened: Platform[] = [];

async function open(extra: Record<string, string> = {}, options: { background?: boolean } = {}): Promise<Platform> {
  const platform = await createPlatform({
    config: loadConfig(
      {
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        AUDIT_CHECKPOINT_KEY: checkpointKey,
        ...extra,
      },
      { name: 'deleted-tenants-test' },
    ),
    background: options.background ?? false,
    now: () => new Date(clock),
  });
  opened.push(platform);
  return platform;
}

/** A tenant with `events` audit events in its trail, recorded at the current clock. */
async function tenantWithTrail(platform: Platform, events: number) {
  const tenant = await platform.tenancy.createTenant(
    { name: 'Trail Co', slug: `trail-${randomUUID().slice(0, 8)}` },
    { userId: 'user-admin' },
  );
  for (let i = 0; i < events; i++) {
    await platform.audit.record({
      action: 'file.uploaded',
      tenantId: tenant.id,
      actor: { type: 'user', id: 'user-admin' },
      resource: { type: 'file', id: `f${i}` },
      after: { name: `report-${i}.pdf` },
    });
  }
  await platform.audit.flush();
  return tenant;
}

/** Rows left of a chain in the three audit tables. */
async function rowsOf(tenantId: string) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const count = async (table: string) =>
      Number((await client.query(`select count(*) as n from ${table} where chain_key = $1`, [tenantId])).rows[0].n);
    return {
      events: await count('audit_events'),
      checkpoints: await count('audit_checkpoints'),
      heads: await count('audit_chain_heads'),
    };
  } finally {
    await client.end();
  }
}

const purgedIds = (tick: { purged: Array<{ tenantId: string | null }> }) => tick.purged.map((p) => p.tenantId);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pk-platform-deleted-'));
});
afterAll(async () => {
  for (const platform of opened) await platform.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe.skipIf(!up)('deleted tenants audit trails on PostgreSQL + Redis', () => {
  it('keeps a deleted tenant trail for AUDIT_DELETED_TENANT_DAYS, exportable, then purges all of it', async () => {
    const platform = await open();
    expect(platform.config.auditDeletedTenantDays).toBe(30);
    clock = Date.now();
    const doomed = await tenantWithTrail(platform, 3);
    const kept = await tenantWithTrail(platform, 2);
    await platform.audit.record({
      action: 'auth.login_succeeded',
      tenantId: null,
      actor: { type: 'user', id: 'user-admin' },
      resource: { type: 'user', id: 'user-admin' },
    });
    const platformTrail = await platform.audit.verify({ tenantId: null });
    expect(platformTrail).toMatchObject({ valid: true, count: 1 });

    // Deleted directly (not through the API route): the cascade records the deletion, which
    // starts the export window.
    await platform.tenancy.deleteTenant(doomed.id);
    clock += 29 * DAY;
    const inside = await platform.purgeDeletedTenantTrails();
    expect(inside).toMatchObject({ ran: true, failed: [] });
    expect(purgedIds(inside)).not.toContain(doomed.id);
    const exported = (await text(platform.audit.exportReadable({ tenantId: doomed.id, format: 'ndjson' })))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
    expect(exported.map((e) => e.action)).toEqual([
      'tenant.deleted',
      'file.uploaded',
      'file.uploaded',
      'file.uploaded',
    ]);
    expect(exported[0]).toMatchObject({ actor: { type: 'system', id: null }, resource: { id: doomed.id } });

    clock += 2 * DAY;
    const after = await platform.purgeDeletedTenantTrails();
    expect(after).toMatchObject({ ran: true, failed: [] });
    expect(after.purged).toEqual([{ tenantId: doomed.id, deleted: 4, seq: 4, headHash: exported[0]!.hash }]);
    expect((await platform.audit.query({ tenantId: doomed.id })).items).toEqual([]);
    expect(await rowsOf(doomed.id)).toEqual({ events: 0, checkpoints: 0, heads: 0 });
    // Nothing left that verify could call broken.
    expect(await platform.audit.verify({ tenantId: doomed.id })).toEqual({
      valid: true,
      count: 0,
      headHash: GENESIS_HASH,
      checkpoints: 0,
    });
    // The other tenant (as old, but it exists) and the platform trail are untouched.
    expect(await platform.audit.verify({ tenantId: kept.id })).toMatchObject({ valid: true, count: 2 });
    expect(await platform.audit.verify({ tenantId: null })).toEqual(platformTrail);
    expect(purgedIds(await platform.purgeDeletedTenantTrails())).toEqual([]);
  });

  it('never purges the trail of a tenant that exists, however old (suspended too)', async () => {
    const platform = await open({ AUDIT_DELETED_TENANT_DAYS: '0' });
    clock = Date.now() - 3000 * DAY;
    const ancient = await tenantWithTrail(platform, 3);
    const dormant = await tenantWithTrail(platform, 1);
    await platform.tenancy.suspendTenant(dormant.id);
    clock = Date.now() + 3000 * DAY;
    const tick = await platform.purgeDeletedTenantTrails();
    expect(tick.ran).toBe(true);
    expect(purgedIds(tick)).not.toContain(ancient.id);
    expect(purgedIds(tick)).not.toContain(dormant.id);
    expect(await platform.audit.verify({ tenantId: ancient.id })).toMatchObject({ valid: true, count: 3 });
    expect(await platform.audit.verify({ tenantId: dormant.id })).toMatchObject({ valid: true, count: 1 });
  });

  it('finds tenants deleted before this job existed, and trails that retention already emptied', async () => {
    const platform = await open({ AUDIT_RETENTION_DAYS: '7' });
    // Retention already purged this one's events, leaving a signed anchor and the head.
    clock = Date.now() - 400 * DAY;
    const emptied = await tenantWithTrail(platform, 3);
    await platform.tenancy.store.deleteTenant(emptied.id);
    clock = Date.now();
    expect(await platform.purgeAuditTrail()).toMatchObject({ ran: true });
    expect(await rowsOf(emptied.id)).toEqual({ events: 0, checkpoints: 1, heads: 1 });
    // Deleted by an older version: the tenant row is gone, no deletion event, the trail is old.
    clock = Date.now() - 400 * DAY;
    const before = await tenantWithTrail(platform, 2);
    await platform.tenancy.store.deleteTenant(before.id);
    // Not yet idle for 30 days: a chain with an event recorded just now for a tenant that is gone.
    clock = Date.now();
    const recent = await tenantWithTrail(platform, 1);
    await platform.tenancy.store.deleteTenant(recent.id);

    // Retention is off again; the configured key still checks the anchor it left.
    const purger = await open();
    const tick = await purger.purgeDeletedTenantTrails();
    expect(tick.failed).toEqual([]);
    expect(tick.purged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tenantId: before.id, deleted: 2, seq: 2 }),
        expect.objectContaining({ tenantId: emptied.id, deleted: 0, seq: 3 }),
      ]),
    );
    expect(purgedIds(tick)).not.toContain(recent.id);
    for (const id of [before.id, emptied.id]) {
      expect(await rowsOf(id)).toEqual({ events: 0, checkpoints: 0, heads: 0 });
      expect(await platform.audit.verify({ tenantId: id })).toMatchObject({ valid: true, count: 0, checkpoints: 0 });
    }
    expect(await platform.audit.verify({ tenantId: recent.id })).toMatchObject({ valid: true, count: 1 });
  });

  it('runs on one instance at a time: two ticks at once purge once; a held lock makes a tick stand aside', async () => {
    const [first, second] = [await open(), await open()];
    clock = Date.now() - 60 * DAY;
    const gone = await tenantWithTrail(first, 2);
    await first.tenancy.store.deleteTenant(gone.id);
    clock = Date.now();
    const ticks = await Promise.all([first.purgeDeletedTenantTrails(), second.purgeDeletedTenantTrails()]);
    expect(ticks.flatMap(purgedIds).filter((id) => id === gone.id)).toHaveLength(1);
    expect(ticks.flatMap((t) => t.failed)).toEqual([]);

    // Another instance holds the audit jobs' Redis lease (the retention job's): this one skips.
    const held = await tenantWithTrail(first, 1);
    await first.tenancy.store.deleteTenant(held.id);
    clock += 31 * DAY;
    const client = new Redis(redis.url);
    try {
      await client.set(`${redis.prefix}lock:audit-retention`, 'another-instance', 'PX', 60_000);
      expect(await second.purgeDeletedTenantTrails()).toEqual({ ran: false, purged: [], failed: [] });
      expect(await client.get(`${redis.prefix}lock:audit-retention`)).toBe('another-instance');
      expect(await rowsOf(held.id)).toMatchObject({ events: 1, heads: 1 });
      await client.del(`${redis.prefix}lock:audit-retention`);
    } finally {
      client.disconnect();
    }

    // Without Redis, the PostgreSQL advisory lock does the same.
    const noRedis = await open({ REDIS_URL: '' });
    expect(noRedis.cache.kind).toBe('memory');
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query(`select pg_advisory_lock(hashtext('portalkit:audit-retention'))`);
      expect(await noRedis.purgeDeletedTenantTrails()).toEqual({ ran: false, purged: [], failed: [] });
      expect(await rowsOf(held.id)).toMatchObject({ events: 1, heads: 1 });
      await holder.query(`select pg_advisory_unlock(hashtext('portalkit:audit-retention'))`);
    } finally {
      await holder.end();
    }
    expect(purgedIds(await noRedis.purgeDeletedTenantTrails())).toContain(held.id);
  });

  it('runs on the AUDIT_RETENTION_INTERVAL_MS timer (retention off); background: false starts no timer', async () => {
    clock = Date.now() - 60 * DAY;
    const setup = await open();
    const gone = await tenantWithTrail(setup, 2);
    await setup.tenancy.store.deleteTenant(gone.id);
    clock = Date.now();

    const env = { AUDIT_RETENTION_INTERVAL_MS: '1000', SWEEP_INTERVAL_MS: '86400000' };
    /** Opens a platform and returns it with the periods of the timers it started. */
    const withTimers = async (background: boolean) => {
      const setInterval = vi.spyOn(globalThis, 'setInterval');
      try {
        const platform = await open(env, { background });
        return { platform, periods: setInterval.mock.calls.map(([, ms]) => ms) };
      } finally {
        setInterval.mockRestore();
      }
    };
    const quiet = await withTimers(false);
    expect(quiet.periods).toEqual([]);
    await quiet.platform.close();
    const { platform: background, periods } = await withTimers(true);
    expect(periods.sort()).toEqual([1000, 86_400_000]);
    await vi.waitFor(async () => expect(await rowsOf(gone.id)).toEqual({ events: 0, checkpoints: 0, heads: 0 }), {
      timeout: 10_000,
      interval: 100,
    });
    await background.close();
  });
});
