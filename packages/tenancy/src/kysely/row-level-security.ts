import { type Kysely, type Migration, sql, type Transaction } from 'kysely';
import { requireTenant } from '../context.js';
import { TenancyError } from '../errors.js';

/**
 * Options of {@link tenantRlsMigration}.
 *
 * @example
 * ```ts
 * const options: TenantRlsOptions = { tables: ['documents'] };
 * ```
 */
export interface TenantRlsOptions {
  /** Tenant-owned tables to protect (their tenant column must be `text`). */
  tables: readonly string[];
  /**
   * The tenant column.
   * @default 'tenant_id'
   */
  column?: string;
  /**
   * The setting that carries the tenant id (set by {@link withTenantTransaction}).
   * @default 'app.tenant_id'
   */
  setting?: string;
  /**
   * Name of the policy created on each table.
   * @default 'portalkit_tenant_isolation'
   */
  policyName?: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/**
 * A Kysely `Migration` that enables AND forces Row Level Security on tenant tables, with a policy
 * that lets a row be seen or written only when its tenant column equals
 * `current_setting('app.tenant_id', true)`: without the setting, nothing is visible. Superusers and
 * roles with `BYPASSRLS` are not subject to RLS: the application must connect as an ordinary role.
 * Add it to your own migrations after the tables exist.
 *
 * @example
 * ```ts
 * const migrations = {
 *   '0001_documents': createDocuments,
 *   '0002_documents_rls': tenantRlsMigration({ tables: ['documents'] }),
 * };
 * ```
 */
export function tenantRlsMigration(options: TenantRlsOptions): Migration {
  const column = options.column ?? 'tenant_id';
  const setting = options.setting ?? 'app.tenant_id';
  const policy = options.policyName ?? 'portalkit_tenant_isolation';
  for (const name of [...options.tables, column, policy]) {
    if (!IDENT.test(name)) throw new TenancyError('invalid_input', `"${name}" is not a plain SQL identifier`);
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/.test(setting)) {
    throw new TenancyError('invalid_input', `setting "${setting}" must look like "app.tenant_id"`);
  }
  return {
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on any database
    async up(db: Kysely<any>) {
      for (const table of options.tables) {
        const t = sql.table(table);
        await sql`alter table ${t} enable row level security`.execute(db);
        await sql`alter table ${t} force row level security`.execute(db);
        await sql`create policy ${sql.id(policy)} on ${t} using (${sql.ref(column)} = current_setting(${sql.lit(setting)}, true)) with check (${sql.ref(column)} = current_setting(${sql.lit(setting)}, true))`.execute(
          db,
        );
      }
    },
    // biome-ignore lint/suspicious/noExplicitAny: migrations run on any database
    async down(db: Kysely<any>) {
      for (const table of options.tables) {
        const t = sql.table(table);
        await sql`drop policy if exists ${sql.id(policy)} on ${t}`.execute(db);
        await sql`alter table ${t} no force row level security`.execute(db);
        await sql`alter table ${t} disable row level security`.execute(db);
      }
    },
  };
}

/**
 * Runs `fn` in a transaction where `app.tenant_id` is set to the tenant in context (with
 * `set_config(..., true)`: local to the transaction, so it can never leak to the next user of a
 * pooled connection). Throws `no_tenant` outside `runWithTenant` (from `@portalkit/tenancy`). Combine with
 * {@link tenantRlsMigration} for a database-side wall behind the plugin.
 *
 * @example
 * ```ts
 * import type { Kysely } from 'kysely';
 * import { runWithTenant } from '@portalkit/tenancy';
 * import { withTenantTransaction } from '@portalkit/tenancy/kysely';
 *
 * declare const db: Kysely<{ documents: { id: string; tenant_id: string; title: string } }>; // your database
 * const docs = await runWithTenant(tenant, () =>
 *   withTenantTransaction(db, (trx) => trx.selectFrom('documents').selectAll().execute()),
 * );
 * ```
 */
export async function withTenantTransaction<DB, T>(
  db: Kysely<DB>,
  fn: (trx: Transaction<DB>) => Promise<T>,
  options: {
    /**
     * The setting to set.
     * @default 'app.tenant_id'
     */
    setting?: string;
  } = {},
): Promise<T> {
  const { id } = requireTenant();
  const setting = options.setting ?? 'app.tenant_id';
  return db.transaction().execute(async (trx) => {
    await sql`select set_config(${setting}, ${id}, true)`.execute(trx);
    return fn(trx);
  });
}
