import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GENESIS_HASH, generateCheckpointKeys } from '@portalkit/audit';
import { createPlatform, loadConfig, type Platform } from '@portalkit/platform';
import { useMongoDatabase } from '@portalkit/test-utils';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const mongo = useMongoDatabase();
const { privateKey } = generateCheckpointKeys();
const DAY = 86_400_000;

let dataDir: string;
let clock = Date.now();
let platform: Platform;

/** The test file's database in the MongoDB URL (CongoDB, or a real server through MONGODB_URL). */
function databaseUrl(): string {
  const url = new URL(mongo.url);
  url.pathname = `/${mongo.dbName}`;
  return url.toString();
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pk-platform-mongo-'));
  platform = await createPlatform({
    config: loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl(),
      AUDIT_RETENTION_DAYS: '30',
      AUDIT_CHECKPOINT_KEY: privateKey,
    }),
    background: false,
    sweepGraceMs: 0,
    now: () => new Date(clock),
  });
});
afterAll(async () => {
  await platform?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('createPlatform with DATABASE_URL=mongodb://', () => {
  it('wires the packages mongodb stores (indexes ensured) and is ready', async () => {
    expect(platform.database.kind).toBe('mongodb');
    expect(await platform.ready()).toMatchObject({
      ready: true,
      checks: { database: 'ok', storage: 'ok', cache: 'ok' },
    });
    const tenant = await platform.tenancy.createTenant({ name: 'Mongo Co', slug: 'mongo-co' }, { userId: 'user-m' });
    expect((await platform.tenancy.getTenant(tenant.id)).name).toBe('Mongo Co');
    const member = await platform.tenancy.getMember(tenant.id, 'user-m');
    expect(member?.role).toBe('admin');
  });

  it('stores files, soft-deletes them with their tenant and sweeps them', async () => {
    const tenant = await platform.tenancy.createTenant({ name: 'Mongo Files', slug: 'mongo-files' }, { userId: 'u-f' });
    await platform.files.upload(tenant.id, Readable.from([Buffer.from('hello mongo\n')]), {
      name: 'a.txt',
      declaredType: 'text/plain',
      createdBy: 'u-f',
    });
    await platform.tenancy.deleteTenant(tenant.id);
    expect((await platform.files.list(tenant.id, { limit: 10 })).items).toEqual([]);
    clock = Date.now(); // the sweeper's clock: everything deleted until now is past the (zero) grace
    expect((await platform.sweepStorage()).deleted).toBe(1);
  });

  it('purges old audit events with the retention tick; the lease document keeps a second tick out', async () => {
    const record = async (action: string) => {
      await platform.audit.record({
        action,
        tenantId: 'tenant-mongo-ret',
        actor: { type: 'user', id: 'u1' },
        resource: { type: 'tenant', id: 'tenant-mongo-ret' },
      });
      await platform.audit.flush();
    };
    clock = Date.now() - 40 * DAY;
    await record('old.event');
    clock = Date.now();
    await record('new.event');

    // Another instance holds the lease: this tick stands aside.
    const client = new MongoClient(mongo.url);
    await client.connect();
    try {
      const locks = client.db(mongo.dbName).collection('platform_locks');
      await locks.updateOne(
        { name: 'audit-retention' },
        { $set: { name: 'audit-retention', holder: 'other', expiresAt: new Date(Date.now() + 60_000) } },
        { upsert: true },
      );
      expect(await platform.purgeAuditTrail()).toEqual({ ran: false, purged: [] });
      await locks.updateOne({ name: 'audit-retention' }, { $set: { expiresAt: new Date(0) } });
    } finally {
      await client.close();
    }

    const tick = await platform.purgeAuditTrail();
    expect(tick.ran).toBe(true);
    expect(tick.purged.find((p) => p.tenantId === 'tenant-mongo-ret')?.deleted).toBe(1);
    const left = await platform.audit.query({ tenantId: 'tenant-mongo-ret', limit: 10 });
    expect(left.items.map((e) => e.action)).toEqual(['new.event']);
    expect(await platform.audit.verify({ tenantId: 'tenant-mongo-ret' })).toMatchObject({ valid: true });
  });

  it('purges a deleted tenant trail after AUDIT_DELETED_TENANT_DAYS; the lease document keeps a second tick out', async () => {
    clock = Date.now();
    const gone = await platform.tenancy.createTenant({ name: 'Mongo Gone', slug: 'mongo-gone' }, { userId: 'u-g' });
    const kept = await platform.tenancy.createTenant({ name: 'Mongo Kept', slug: 'mongo-kept' }, { userId: 'u-k' });
    for (const tenantId of [gone.id, kept.id]) {
      await platform.audit.record({
        action: 'file.uploaded',
        tenantId,
        actor: { type: 'user', id: 'u-g' },
        resource: { type: 'file', id: 'f1' },
      });
    }
    await platform.tenancy.deleteTenant(gone.id);
    const ids = (tick: { purged: Array<{ tenantId: string | null }> }) => tick.purged.map((p) => p.tenantId);

    clock = Date.now() + 29 * DAY;
    expect(ids(await platform.purgeDeletedTenantTrails())).not.toContain(gone.id);
    const trail = (await platform.audit.query({ tenantId: gone.id, limit: 10 })).items;
    expect(trail.map((e) => e.action)).toEqual(['tenant.deleted', 'file.uploaded']);

    clock = Date.now() + 31 * DAY;
    const client = new MongoClient(mongo.url);
    await client.connect();
    try {
      const db = client.db(mongo.dbName);
      const locks = db.collection('platform_locks');
      await locks.updateOne(
        { name: 'audit-retention' },
        { $set: { name: 'audit-retention', holder: 'other', expiresAt: new Date(Date.now() + 60_000) } },
        { upsert: true },
      );
      expect(await platform.purgeDeletedTenantTrails()).toEqual({ ran: false, purged: [], failed: [] });
      await locks.updateOne({ name: 'audit-retention' }, { $set: { expiresAt: new Date(0) } });

      const tick = await platform.purgeDeletedTenantTrails();
      expect(tick).toMatchObject({ ran: true, failed: [] });
      expect(tick.purged).toContainEqual({ tenantId: gone.id, deleted: 2, seq: 2, headHash: trail[0]!.hash });
      for (const name of ['audit_events', 'audit_checkpoints', 'audit_chain_heads']) {
        expect(await db.collection(name).countDocuments({ chainKey: gone.id }), name).toBe(0);
      }
    } finally {
      await client.close();
    }
    expect(await platform.audit.verify({ tenantId: gone.id })).toEqual({
      valid: true,
      count: 0,
      headHash: GENESIS_HASH,
      checkpoints: 0,
    });
    expect(ids(await platform.purgeDeletedTenantTrails())).toEqual([]);
    expect(await platform.audit.verify({ tenantId: kept.id })).toMatchObject({ valid: true, count: 1 });
  });
});
