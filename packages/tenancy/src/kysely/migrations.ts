import { type Kysely, type Migration, type MigrationProvider, type MigrationResultSet, Migrator, sql } from 'kysely';
import { TenancyError } from '../errors.js';

const migrations: Record<string, Migration> = {
  '0001_tenancy_init': {
    // biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('tenancy_tenants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'suspended')`))
        .addColumn('settings', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await sql`create index tenancy_tenants_custom_domains_idx on tenancy_tenants using gin ((settings -> 'customDomains'))`.execute(
        db,
      );
      await db.schema
        .createTable('tenancy_members')
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenancy_tenants.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('joined_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('tenancy_members_pkey', ['tenant_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('tenancy_members_user_id_idx')
        .on('tenancy_members')
        .columns(['user_id', 'tenant_id'])
        .execute();
      await db.schema
        .createTable('tenancy_invitations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenancy_tenants.id').onDelete('cascade'))
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('invited_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .addUniqueConstraint('tenancy_invitations_tenant_email_key', ['tenant_id', 'email'])
        .execute();
    },
    // biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
    async down(db: Kysely<any>) {
      await db.schema.dropTable('tenancy_invitations').ifExists().execute();
      await db.schema.dropTable('tenancy_members').ifExists().execute();
      await db.schema.dropTable('tenancy_tenants').ifExists().execute();
    },
  },
  '0002_tenancy_custom_domains': {
    // A custom domain belongs to one tenant: the primary key makes concurrent claims race-safe.
    // biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('tenancy_custom_domains')
        .addColumn('domain', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenancy_tenants.id').onDelete('cascade'))
        .execute();
      await db.schema
        .createIndex('tenancy_custom_domains_tenant_id_idx')
        .on('tenancy_custom_domains')
        .column('tenant_id')
        .execute();
      // Existing duplicates: the oldest tenant keeps the domain (what resolution returned so far).
      await sql`insert into tenancy_custom_domains (domain, tenant_id)
        select d.domain, t.id from tenancy_tenants t,
          jsonb_array_elements_text(case when jsonb_typeof(t.settings -> 'customDomains') = 'array' then t.settings -> 'customDomains' else '[]'::jsonb end) as d(domain)
        order by t.created_at, t.id
        on conflict (domain) do nothing`.execute(db);
    },
    // biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
    async down(db: Kysely<any>) {
      await db.schema.dropTable('tenancy_custom_domains').ifExists().execute();
    },
  },
};

/**
 * The migrations of the tenancy tables (`tenancy_tenants`, `tenancy_members`,
 * `tenancy_invitations`, `tenancy_custom_domains`) as a Kysely `MigrationProvider`, for hosts that run their own
 * `Migrator`. {@link migrateTenancy} runs them with the package's own migration table.
 *
 * @example
 * ```ts
 * import { Migrator } from 'kysely';
 * const migrator = new Migrator({ db, provider: tenancyMigrations, migrationTableName: 'portalkit_tenancy_migrations' });
 * ```
 */
export const tenancyMigrations: MigrationProvider = {
  getMigrations: async () => migrations,
};

/**
 * Runs the tenancy migrations to the latest version, using the tables
 * `portalkit_tenancy_migrations` and `portalkit_tenancy_migrations_lock`. Throws
 * `TenancyError('invalid_input')` with the failing migration's error as `cause`.
 *
 * @example
 * ```ts
 * import { migrateTenancy } from '@portalkit/tenancy/kysely';
 * await migrateTenancy(db);
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
export async function migrateTenancy(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: tenancyMigrations,
    migrationTableName: 'portalkit_tenancy_migrations',
    migrationLockTableName: 'portalkit_tenancy_migrations_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    throw new TenancyError('internal', 'running the tenancy migrations failed (see cause)', { cause: result.error });
  }
  return result;
}
