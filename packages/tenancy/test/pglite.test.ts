// The example servers run on PGlite (embedded PostgreSQL) by default: the kysely store, its
// migrations and the scope plugin must work there too.
import { PGlite } from '@electric-sql/pglite';
import { createTenancy, isTenancyError, runWithTenant } from '@portalkit/tenancy';
import { kyselyTenantStore, migrateTenancy, tenantScopePlugin } from '@portalkit/tenancy/kysely';
import { Kysely, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTenantStoreSuite } from './conformance/store-suite.js';

interface DB {
  notes: { id: string; tenant_id: string; body: string };
}

let db: Kysely<DB>;

describe('kysely adapter on PGlite', () => {
  beforeAll(async () => {
    db = new Kysely<DB>({ dialect: new PGliteDialect(new PGlite()) });
    await migrateTenancy(db);
    await sql`create table notes (id text primary key, tenant_id text not null, body text not null)`.execute(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('runs the scope plugin', async () => {
    const scoped = db.withPlugin(tenantScopePlugin({ tables: ['notes'] }));
    await runWithTenant('A', () =>
      scoped
        .insertInto('notes')
        .values({ id: 'a1', body: 'a' } as DB['notes'])
        .execute(),
    );
    await runWithTenant('B', () =>
      scoped
        .insertInto('notes')
        .values({ id: 'b1', body: 'b' } as DB['notes'])
        .execute(),
    );
    expect(await runWithTenant('A', () => scoped.selectFrom('notes').select('id').execute())).toEqual([{ id: 'a1' }]);
    const error = await scoped
      .selectFrom('notes')
      .selectAll()
      .execute()
      .catch((e: unknown) => e);
    expect(isTenancyError(error) && error.code).toBe('no_tenant');
  });

  it('finds a tenant by custom domain', async () => {
    const tenancy = createTenancy({ store: kyselyTenantStore(db) });
    const t = await tenancy.createTenant(
      { name: 'D', slug: 'domain-test', settings: { customDomains: ['docs.acme.io'] } },
      { userId: 'u' },
    );
    expect((await tenancy.findTenant({ kind: 'domain', value: 'docs.acme.io', source: 'custom-domain' }))?.id).toBe(
      t.id,
    );
  });

  runTenantStoreSuite('kysely (PGlite)', () => kyselyTenantStore(db));
});
