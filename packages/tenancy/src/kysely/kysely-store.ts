import { type Kysely, sql } from 'kysely';
import { TenancyError } from '../errors.js';
import { ADMIN_ROLE, type Invitation, type Member, type Tenant, type TenantMembership } from '../model.js';
import type { TenantSettings } from '../settings.js';
import type { TenantStore } from '../store.js';

interface TenantRow {
  id: string;
  name: string;
  slug: string;
  status: string;
  settings: unknown;
  created_at: Date | string;
}
interface MemberRow {
  tenant_id: string;
  user_id: string;
  role: string;
  joined_at: Date | string;
}
interface InvitationRow {
  id: string;
  tenant_id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string;
  created_at: Date | string;
  expires_at: Date | string;
}

const toDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));
const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  slug: r.slug,
  status: r.status as Tenant['status'],
  settings: (typeof r.settings === 'string' ? JSON.parse(r.settings) : (r.settings ?? {})) as TenantSettings,
  createdAt: toDate(r.created_at),
});
const toMember = (r: MemberRow): Member => ({
  tenantId: r.tenant_id,
  userId: r.user_id,
  role: r.role,
  joinedAt: toDate(r.joined_at),
});
const toInvitation = (r: InvitationRow): Invitation => ({
  id: r.id,
  tenantId: r.tenant_id,
  email: r.email,
  role: r.role,
  invitedBy: r.invited_by,
  createdAt: toDate(r.created_at),
  expiresAt: toDate(r.expires_at),
});

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const DOMAIN_CONFLICT = 'a custom domain in settings.customDomains belongs to another tenant';

function mapError(error: unknown, conflict: string, missing = 'tenant not found'): never {
  if (error instanceof TenancyError) throw error;
  const code = pgCode(error);
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  if (code === '23505' && constraint === 'tenancy_custom_domains_pkey') {
    throw new TenancyError('conflict', DOMAIN_CONFLICT, { cause: error });
  }
  if (code === '23505') throw new TenancyError('conflict', conflict, { cause: error });
  if (code === '23503') throw new TenancyError('not_found', missing, { cause: error });
  throw new TenancyError('internal', 'the tenancy database query failed (see cause)', { cause: error });
}

const domainsOf = (settings: TenantSettings): string[] => [...new Set(settings.customDomains ?? [])];

const lastAdmin = () =>
  new TenancyError('last_admin', 'the tenant must keep at least one admin: promote another member first');

/**
 * Options of {@link kyselyTenantStore}.
 *
 * @example
 * ```ts
 * const options: KyselyTenantStoreOptions = {};
 * ```
 */
export interface KyselyTenantStoreOptions {
  /**
   * Keep the plugins of the `Kysely` instance (e.g. `CamelCasePlugin`) for the store's own
   * queries. The store writes snake_case SQL, so it runs `db.withoutPlugins()` by default.
   * @default false
   */
  keepPlugins?: boolean;
}

/**
 * A {@link TenantStore} on PostgreSQL (or PGlite) through a user-supplied `Kysely<any>`. Run
 * {@link migrateTenancy} first. Slug, custom domain (`tenancy_custom_domains`) and invitation
 * uniqueness come from unique constraints, the
 * last-admin rule from a transaction that locks the tenant row (`SELECT ... FOR UPDATE`) before
 * counting admins, and single-use invitations from `DELETE ... RETURNING`.
 *
 * @example
 * ```ts
 * import { Kysely, PostgresDialect } from 'kysely';
 * import pg from 'pg';
 * import { createTenancy } from '@portalkit/tenancy';
 * import { kyselyTenantStore, migrateTenancy } from '@portalkit/tenancy/kysely';
 *
 * const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });
 * await migrateTenancy(db);
 * const tenancy = createTenancy({ store: kyselyTenantStore(db) });
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
export function kyselyTenantStore(database: Kysely<any>, options: KyselyTenantStoreOptions = {}): TenantStore {
  const db = options.keepPlugins ? database : database.withoutPlugins();

  /** Runs `fn` in a transaction holding the tenant row lock; `null` when the tenant does not exist. */
  // biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
  const withTenantLock = <T>(tenantId: string, fn: (trx: Kysely<any>) => Promise<T>) =>
    db.transaction().execute(async (trx) => {
      const locked = await trx
        .selectFrom('tenancy_tenants')
        .select('id')
        .where('id', '=', tenantId)
        .forUpdate()
        .executeTakeFirst();
      return locked ? fn(trx) : null;
    });
  // biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
  const adminCount = async (trx: Kysely<any>, tenantId: string) => {
    const row = await trx
      .selectFrom('tenancy_members')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('role', '=', ADMIN_ROLE)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  /** Makes the tenant's custom domain claims match `domains`; a domain claimed by another tenant fails with 23505. */
  // biome-ignore lint/suspicious/noExplicitAny: the store takes any user database; its tables are addressed by name
  const claimDomains = async (trx: Kysely<any>, tenantId: string, domains: string[]) => {
    await trx.deleteFrom('tenancy_custom_domains').where('tenant_id', '=', tenantId).execute();
    if (domains.length === 0) return;
    await trx
      .insertInto('tenancy_custom_domains')
      .values(domains.map((domain) => ({ domain, tenant_id: tenantId })))
      .execute();
  };

  return {
    async createTenant(tenant, owner) {
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('tenancy_tenants')
            .values({
              id: tenant.id,
              name: tenant.name,
              slug: tenant.slug,
              status: tenant.status,
              settings: JSON.stringify(tenant.settings),
              created_at: tenant.createdAt,
            })
            .execute();
          await claimDomains(trx, tenant.id, domainsOf(tenant.settings));
          if (owner) {
            await trx
              .insertInto('tenancy_members')
              .values({ tenant_id: tenant.id, user_id: owner.userId, role: owner.role, joined_at: owner.joinedAt })
              .execute();
          }
        });
      } catch (error) {
        mapError(error, `slug "${tenant.slug}" is taken: choose another`);
      }
      return { ...tenant };
    },
    async getTenant(id) {
      const row = await db.selectFrom('tenancy_tenants').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toTenant(row as TenantRow) : null;
    },
    async getTenantBySlug(slug) {
      const row = await db.selectFrom('tenancy_tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row ? toTenant(row as TenantRow) : null;
    },
    async getTenantByDomain(domain) {
      const row = await db
        .selectFrom('tenancy_custom_domains as c')
        .innerJoin('tenancy_tenants as t', 't.id', 'c.tenant_id')
        .selectAll('t')
        .where('c.domain', '=', domain)
        .where(sql<boolean>`t.settings -> 'customDomains' @> ${JSON.stringify([domain])}::jsonb`)
        .executeTakeFirst();
      return row ? toTenant(row as TenantRow) : null;
    },
    async updateTenant(id, patch) {
      const set: Record<string, unknown> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.settings !== undefined) set.settings = JSON.stringify(patch.settings);
      if (Object.keys(set).length === 0) return this.getTenant(id);
      try {
        const row = await db.transaction().execute(async (trx) => {
          const updated = await trx
            .updateTable('tenancy_tenants')
            .set(set)
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirst();
          if (updated && patch.settings !== undefined) await claimDomains(trx, id, domainsOf(patch.settings));
          return updated;
        });
        return row ? toTenant(row as TenantRow) : null;
      } catch (error) {
        mapError(error, 'the tenant update conflicts with another tenant');
      }
    },
    async deleteTenant(id) {
      const result = await db.deleteFrom('tenancy_tenants').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async listTenantsForUser(userId, page) {
      let query = db
        .selectFrom('tenancy_members as m')
        .innerJoin('tenancy_tenants as t', 't.id', 'm.tenant_id')
        .selectAll('t')
        .select(['m.role as member_role', 'm.joined_at as member_joined_at'])
        .where('m.user_id', '=', userId)
        .orderBy('m.tenant_id')
        .limit(page.limit);
      if (page.after !== null) query = query.where('m.tenant_id', '>', page.after);
      const rows = await query.execute();
      return rows.map(
        (r): TenantMembership => ({
          tenant: toTenant(r as unknown as TenantRow),
          role: r.member_role as string,
          joinedAt: toDate(r.member_joined_at as Date),
        }),
      );
    },
    async addMember(member) {
      try {
        const row = await db
          .insertInto('tenancy_members')
          .values({ tenant_id: member.tenantId, user_id: member.userId, role: member.role, joined_at: member.joinedAt })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toMember(row as MemberRow);
      } catch (error) {
        mapError(error, 'the user is already a member of this tenant');
      }
    },
    async getMember(tenantId, userId) {
      const row = await db
        .selectFrom('tenancy_members')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ? toMember(row as MemberRow) : null;
    },
    async listMembers(tenantId, page) {
      let query = db
        .selectFrom('tenancy_members')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('user_id')
        .limit(page.limit);
      if (page.after !== null) query = query.where('user_id', '>', page.after);
      return (await query.execute()).map((r) => toMember(r as MemberRow));
    },
    async updateMemberRole(tenantId, userId, role) {
      return withTenantLock(tenantId, async (trx) => {
        const current = await trx
          .selectFrom('tenancy_members')
          .select('role')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (!current) return null;
        if (current.role === ADMIN_ROLE && role !== ADMIN_ROLE && (await adminCount(trx, tenantId)) <= 1)
          throw lastAdmin();
        const row = await trx
          .updateTable('tenancy_members')
          .set({ role })
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toMember(row as MemberRow);
      });
    },
    async removeMember(tenantId, userId) {
      const removed = await withTenantLock(tenantId, async (trx) => {
        const current = await trx
          .selectFrom('tenancy_members')
          .select('role')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (!current) return false;
        if (current.role === ADMIN_ROLE && (await adminCount(trx, tenantId)) <= 1) throw lastAdmin();
        await trx
          .deleteFrom('tenancy_members')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', userId)
          .execute();
        return true;
      });
      return removed === true;
    },
    async getAccess(tenantId, userId) {
      // One round trip for requireAccess: the tenant row (primary key) with the membership
      // (primary key tenant_id, user_id) left-joined.
      const row = await db
        .selectFrom('tenancy_tenants as t')
        .leftJoin('tenancy_members as m', (join) => join.onRef('m.tenant_id', '=', 't.id').on('m.user_id', '=', userId))
        .selectAll('t')
        .select(['m.role as member_role', 'm.joined_at as member_joined_at'])
        .where('t.id', '=', tenantId)
        .executeTakeFirst();
      if (!row) return null;
      const member =
        row.member_role === null || row.member_role === undefined
          ? null
          : toMember({ tenant_id: tenantId, user_id: userId, role: row.member_role, joined_at: row.member_joined_at });
      return { tenant: toTenant(row as unknown as TenantRow), member };
    },
    async countMembers(tenantId) {
      const row = await db
        .selectFrom('tenancy_members')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async putInvitation(invitation) {
      const values = {
        id: invitation.id,
        tenant_id: invitation.tenantId,
        email: invitation.email,
        role: invitation.role,
        token_hash: invitation.tokenHash,
        invited_by: invitation.invitedBy,
        created_at: invitation.createdAt,
        expires_at: invitation.expiresAt,
      };
      try {
        const row = await db
          .insertInto('tenancy_invitations')
          .values(values)
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'email']).doUpdateSet((eb) => ({
              id: eb.ref('excluded.id'),
              role: eb.ref('excluded.role'),
              token_hash: eb.ref('excluded.token_hash'),
              invited_by: eb.ref('excluded.invited_by'),
              created_at: eb.ref('excluded.created_at'),
              expires_at: eb.ref('excluded.expires_at'),
            })),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        return toInvitation(row as InvitationRow);
      } catch (error) {
        mapError(error, 'an invitation with this id or token exists');
      }
    },
    async listInvitations(tenantId, now) {
      const rows = await db
        .selectFrom('tenancy_invitations')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('expires_at', '>', now)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => toInvitation(r as InvitationRow));
    },
    async deleteInvitation(tenantId, id) {
      const result = await db
        .deleteFrom('tenancy_invitations')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async findInvitationByTokenHash(tokenHash) {
      const row = await db
        .selectFrom('tenancy_invitations')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row ? toInvitation(row as InvitationRow) : null;
    },
    async acceptInvitation({ tokenHash, email, userId, now }) {
      return db.transaction().execute(async (trx) => {
        const invitation = await trx
          .deleteFrom('tenancy_invitations')
          .where('token_hash', '=', tokenHash)
          .where('email', '=', email)
          .where('expires_at', '>', now)
          .returningAll()
          .executeTakeFirst();
        if (!invitation) return null;
        const inserted = await trx
          .insertInto('tenancy_members')
          .values({ tenant_id: invitation.tenant_id, user_id: userId, role: invitation.role, joined_at: now })
          .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (inserted) return toMember(inserted as MemberRow);
        const existing = await trx
          .selectFrom('tenancy_members')
          .selectAll()
          .where('tenant_id', '=', invitation.tenant_id)
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow();
        return toMember(existing as MemberRow);
      });
    },
  };
}
