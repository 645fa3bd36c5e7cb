import type { Invitation, Member, Tenant, TenantMembership, TenantRole, TenantStatus } from './model.js';
import type { TenantSettings } from './settings.js';

/**
 * Paging input of a store (already validated by the service: `limit` 1..100).
 *
 * @example
 * ```ts
 * const page: StorePage = { limit: 20, after: null };
 * ```
 */
export interface StorePage {
  /** Page size. */
  limit: number;
  /** Exclusive lower bound of the sort key (the last key of the previous page), or `null`. */
  after: string | null;
}

/**
 * Changes to a tenant; omitted fields stay as they are.
 *
 * @example
 * ```ts
 * const patch: TenantPatch = { name: 'Acme Inc.' };
 * ```
 */
export interface TenantPatch {
  /** New name. */
  name?: string;
  /** New settings (replace the old ones as a whole). */
  settings?: TenantSettings;
  /** New status. */
  status?: TenantStatus;
}

/**
 * An invitation as stored, with the SHA-256 hash (hex) of its token.
 *
 * @example
 * ```ts
 * await store.putInvitation({ ...invitation, tokenHash });
 * ```
 */
export interface StoredInvitation extends Invitation {
  /** Hex SHA-256 of the secret token. */
  tokenHash: string;
}

/**
 * What {@link TenantStore.getAccess} answers: a tenant and a user's membership of it, if any.
 *
 * @example
 * ```ts
 * const access: StoreAccess | null = await store.getAccess?.(tenantId, userId);
 * if (access?.member) console.log(access.member.role);
 * ```
 */
export interface StoreAccess {
  /** The tenant. */
  tenant: Tenant;
  /** The user's membership, or `null` when the user is not a member. */
  member: Member | null;
}

/**
 * Persistence of tenants, members and invitations. Every adapter (memory, kysely, mongodb) passes
 * the same conformance suite. Errors are `TenancyError`s: `conflict` (slug taken, member exists),
 * `last_admin` (the change would leave the tenant without an admin).
 *
 * Lists are ordered by a sort key (tenant id for a user's tenants, user id for members) and
 * paged with `after` = the last key seen.
 *
 * @example
 * ```ts
 * const store: TenantStore = memoryTenantStore();
 * ```
 */
export interface TenantStore {
  /**
   * Inserts a tenant and, atomically with it, its first admin when `owner` is given. `conflict` when
   * the slug is taken or another tenant lists one of its `settings.customDomains`.
   */
  createTenant(tenant: Tenant, owner?: Member): Promise<Tenant>;
  /** The tenant, or `null`. */
  getTenant(id: string): Promise<Tenant | null>;
  /** The tenant with this slug, or `null`. */
  getTenantBySlug(slug: string): Promise<Tenant | null>;
  /** The tenant whose `settings.customDomains` contains `domain` (lower case; at most one tenant does), or `null`. */
  getTenantByDomain(domain: string): Promise<Tenant | null>;
  /** Applies a patch; `null` when the tenant does not exist; `conflict` when another tenant lists one of its custom domains. */
  updateTenant(id: string, patch: TenantPatch): Promise<Tenant | null>;
  /** Deletes the tenant with its members and invitations; `false` when it did not exist. */
  deleteTenant(id: string): Promise<boolean>;
  /** Tenants the user belongs to, with the role, ordered by tenant id. */
  listTenantsForUser(userId: string, page: StorePage): Promise<TenantMembership[]>;

  /** Adds a member; `conflict` when the user already is one, `not_found` when the tenant does not exist. */
  addMember(member: Member): Promise<Member>;
  /** The membership, or `null`. */
  getMember(tenantId: string, userId: string): Promise<Member | null>;
  /** Members ordered by user id. */
  listMembers(tenantId: string, page: StorePage): Promise<Member[]>;
  /** Changes a role atomically; `last_admin` when it would demote the only admin; `null` when not a member. */
  updateMemberRole(tenantId: string, userId: string, role: TenantRole): Promise<Member | null>;
  /** Removes a member atomically; `last_admin` when it is the only admin; `false` when not a member. */
  removeMember(tenantId: string, userId: string): Promise<boolean>;
  /** Number of members (for `limits.maxMembers`). */
  countMembers(tenantId: string): Promise<number>;
  /**
   * Optional: the tenant and the user's membership in one round trip (what `requireAccess` needs on
   * a cache miss): `null` when the tenant does not exist, `member: null` when the user is not a
   * member. Without it the service asks `getTenant` and `getMember` in parallel.
   */
  getAccess?(tenantId: string, userId: string): Promise<StoreAccess | null>;

  /** Stores an invitation, replacing any pending one for the same tenant and e-mail. */
  putInvitation(invitation: StoredInvitation): Promise<Invitation>;
  /** Pending (unexpired) invitations of a tenant, oldest first. */
  listInvitations(tenantId: string, now: Date): Promise<Invitation[]>;
  /** Deletes an invitation of that tenant; `false` when there is none with that id in that tenant. */
  deleteInvitation(tenantId: string, id: string): Promise<boolean>;
  /** The invitation with that token hash (expired or not), or `null`. */
  findInvitationByTokenHash(tokenHash: string): Promise<Invitation | null>;
  /**
   * Atomically consumes the unexpired invitation whose token hash and e-mail match and makes the
   * user a member with its role (an existing membership is kept unchanged). Returns the membership,
   * or `null` when no such invitation exists any more (used, revoked, expired, other e-mail).
   */
  acceptInvitation(input: { tokenHash: string; email: string; userId: string; now: Date }): Promise<Member | null>;
}
