import { randomBytes } from 'node:crypto';
import { isTenancyError, runWithTenant } from '@portalkit/tenancy';
import { tenantRlsMigration, withTenantTransaction } from '@portalkit/tenancy/kysely';
import { needs, useTestDatabase } from '@portalkit/test-utils';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface DB {
  notes: { id: string; tenant_id: string; body: string };
}

const database = useTestDatabase();
const role = `pk_rls_${randomBytes(5).toString('hex')}`;
let owner: Kysely<DB>;
let app: Kysely<DB>;

describe.skipIf(!needs('postgres', 'tenancy row level security'))('PostgreSQL RLS as a second wall', () => {
  beforeAll(async () => {
    owner = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }),
    });
    await sql`create table notes (id text primary key, tenant_id text not null, body text not null)`.execute(owner);
    await owner
      .insertInto('notes')
      .values([
        { id: 'a1', tenant_id: 'A', body: 'secret of A' },
        { id: 'b1', tenant_id: 'B', body: 'secret of B' },
      ])
      .execute();
    await tenantRlsMigration({ tables: ['notes'] }).up(owner);
    await sql`create role ${sql.id(role)} login`.execute(owner);
    await sql`grant select, insert, update, delete on notes to ${sql.id(role)}`.execute(owner);
    const url = new URL(database.url);
    url.username = role;
    url.password = '';
    // One pooled connection: proves the setting does not leak from one transaction to the next.
    app = new Kysely<DB>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }) }),
    });
  });

  afterAll(async () => {
    await app?.destroy();
    if (owner) {
      await sql`drop owned by ${sql.id(role)}`.execute(owner).catch(() => undefined);
      await sql`drop role if exists ${sql.id(role)}`.execute(owner);
      await owner.destroy();
    }
  });

  it('connects as a non-owner, non-superuser role', async () => {
    const me = await sql<{
      user: string;
      su: boolean;
    }>`select current_user as user, (select rolsuper from pg_roles where rolname = current_user) as su`.execute(app);
    expect(me.rows[0]).toEqual({ user: role, su: false });
  });

  it('shows nothing without the tenant setting, even to a query without a predicate', async () => {
    expect(await app.selectFrom('notes').selectAll().execute()).toEqual([]);
  });

  it('shows, changes and deletes only the tenant rows inside withTenantTransaction', async () => {
    const rows = await runWithTenant('A', () =>
      withTenantTransaction(app, (trx) => trx.selectFrom('notes').selectAll().execute()),
    );
    expect(rows).toEqual([{ id: 'a1', tenant_id: 'A', body: 'secret of A' }]);
    const updated = await runWithTenant('A', () =>
      withTenantTransaction(app, (trx) => trx.updateTable('notes').set({ body: 'overwritten' }).executeTakeFirst()),
    );
    expect(Number(updated.numUpdatedRows)).toBe(1);
    const deleted = await runWithTenant('A', () =>
      withTenantTransaction(app, (trx) => trx.deleteFrom('notes').where('id', '=', 'b1').executeTakeFirst()),
    );
    expect(Number(deleted.numDeletedRows)).toBe(0);
    const all = await owner.selectFrom('notes').select(['id', 'body']).orderBy('id').execute();
    expect(all).toEqual([
      { id: 'a1', body: 'overwritten' },
      { id: 'b1', body: 'secret of B' },
    ]);
  });

  it('refuses writing a row for another tenant (WITH CHECK)', async () => {
    await expect(
      runWithTenant('A', () =>
        withTenantTransaction(app, (trx) =>
          trx.insertInto('notes').values({ id: 'x', tenant_id: 'B', body: 'planted' }).execute(),
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      runWithTenant('A', () =>
        withTenantTransaction(app, (trx) => trx.updateTable('notes').set({ tenant_id: 'B' }).execute()),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('does not leak the setting to the next user of the pooled connection', async () => {
    await runWithTenant('B', () => withTenantTransaction(app, (trx) => trx.selectFrom('notes').selectAll().execute()));
    expect(await app.selectFrom('notes').selectAll().execute()).toEqual([]);
    const setting = await sql<{ v: string | null }>`select current_setting('app.tenant_id', true) as v`.execute(app);
    expect(setting.rows[0]?.v ?? '').toBe('');
  });

  it('needs a tenant in context', async () => {
    const error = await withTenantTransaction(app, async () => 1).catch((e: unknown) => e);
    expect(isTenancyError(error) && error.code).toBe('no_tenant');
  });

  it('validates the migration options', () => {
    expect(() => tenantRlsMigration({ tables: ['notes; drop table x'] })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    expect(() => tenantRlsMigration({ tables: ['notes'], setting: 'bad' })).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });
});
