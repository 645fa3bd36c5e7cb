import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENESIS_HASH } from '@portalkit/audit';
import { createPlatform, loadConfig } from '@portalkit/platform';
import { describe, expect, it } from 'vitest';

describe('createPlatform on embedded defaults', () => {
  it('runs on PGlite, local disk and in-process limits, with signed URLs served by the host', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pk-platform-embedded-'));
    try {
      const platform = await createPlatform({ config: loadConfig({ DATA_DIR: dataDir }), background: false });
      try {
        expect(platform.database.kind).toBe('pglite');
        expect(platform.cache.kind).toBe('memory');
        expect(platform.signedUrls).not.toBeNull();
        expect(await platform.ready()).toMatchObject({ ready: true });
      } finally {
        await platform.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('purges a deleted tenant audit trail after AUDIT_DELETED_TENANT_DAYS on PGlite', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pk-platform-embedded-'));
    let clock = Date.now();
    try {
      const platform = await createPlatform({
        config: loadConfig({ DATA_DIR: dataDir, AUDIT_DELETED_TENANT_DAYS: '1' }),
        background: false,
        now: () => new Date(clock),
      });
      try {
        const tenant = await platform.tenancy.createTenant({ name: 'Embedded', slug: 'embedded' }, { userId: 'u1' });
        await platform.audit.record({
          action: 'file.uploaded',
          tenantId: tenant.id,
          actor: { type: 'user', id: 'u1' },
          resource: { type: 'file', id: 'f1' },
        });
        await platform.tenancy.deleteTenant(tenant.id);
        clock += 12 * 60 * 60 * 1000;
        expect(await platform.purgeDeletedTenantTrails()).toEqual({ ran: true, purged: [], failed: [] });
        expect(await platform.audit.verify({ tenantId: tenant.id })).toMatchObject({ valid: true, count: 2 });
        clock += 24 * 60 * 60 * 1000;
        const tick = await platform.purgeDeletedTenantTrails();
        expect(tick.purged).toEqual([expect.objectContaining({ tenantId: tenant.id, deleted: 2, seq: 2 })]);
        expect(await platform.audit.verify({ tenantId: tenant.id })).toEqual({
          valid: true,
          count: 0,
          headHash: GENESIS_HASH,
          checkpoints: 0,
        });
      } finally {
        await platform.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
