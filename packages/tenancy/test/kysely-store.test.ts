import { kyselyTenantStore, migrateTenancy } from '@portalkit/tenancy/kysely';
import { needs, useTestDatabase } from '@portalkit/test-utils';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTenantStoreSuite } from './conformance/store-suite.js';

const database = useTestDatabase();
// biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
let db: Kysely<any>;

describe.skipIf(!needs('postgres', 'tenancy kysely TenantStore'))('kysely TenantStore on PostgreSQL', () => {
  beforeAll(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
    db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 10 }) }),
    });
    await migrateTenancy(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('migrations are idempotent and use the package migration table', async () => {
    const again = await migrateTenancy(db);
    expect(again.results).toEqual([]);
    const tables = await db
      .selectFrom('information_schema.tables')
      .select('table_name')
      .where('table_schema', '=', 'public')
      .orderBy('table_name')
      .execute();
    expect(tables.map((t) => t.table_name)).toEqual([
      'portalkit_tenancy_migrations',
      'portalkit_tenancy_migrations_lock',
      'tenancy_custom_domains',
      'tenancy_invitations',
      'tenancy_members',
      'tenancy_tenants',
    ]);
  });

  it('stores only the hash of invitation tokens', async () => {
    const { createTenancy } = await import('@portalkit/tenancy');
    const tenancy = createTenancy({ store: kyselyTenantStore(db) });
    const tenant = await tenancy.createTenant({ name: 'H', slug: `hash-${Date.now()}` }, { userId: 'u' });
    const { token } = await tenancy.inviteMember(tenant.id, { email: 'h@example.com', role: 'viewer', invitedBy: 'u' });
    const rows = await db.selectFrom('tenancy_invitations').selectAll().where('tenant_id', '=', tenant.id).execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lets only one of two concurrent claims of a custom domain win', async () => {
    const { createTenancy } = await import('@portalkit/tenancy');
    const tenancy = createTenancy({ store: kyselyTenantStore(db), accessCache: false });
    const stamp = `${Date.now().toString(36)}`;
    for (let i = 0; i < 5; i++) {
      const a = await tenancy.createTenant({ name: 'A', slug: `race-a-${stamp}-${i}` }, { userId: 'u' });
      const b = await tenancy.createTenant({ name: 'B', slug: `race-b-${stamp}-${i}` }, { userId: 'u' });
      const domain = `race-${stamp}-${i}.example.com`;
      const results = await Promise.allSettled([
        tenancy.updateTenant(a.id, { settings: { customDomains: [domain] } }),
        tenancy.updateTenant(b.id, { settings: { customDomains: [domain] } }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const owners = await db
        .selectFrom('tenancy_tenants')
        .select('id')
        .where(sql<boolean>`settings -> 'customDomains' @> ${JSON.stringify([domain])}::jsonb`)
        .execute();
      expect(owners).toHaveLength(1);
    }
  });

  runTenantStoreSuite('kysely (PostgreSQL)', () => kyselyTenantStore(db));
});
