import type { TenantSettings } from './settings.js';

/** Lifecycle state of a tenant. A suspended tenant keeps its data but should refuse requests. */
export type TenantStatus = 'active' | 'suspended';

/**
 * A member's role in a tenant. The built-in ladder is `viewer` < `editor` < `admin`; any other
 * string is accepted (extend the ladder with the `roles` option of {@link createTenancy}). Only
 * `admin` is protected by the last-admin rule.
 *
 * @example
 * ```ts
 * const role: TenantRole = 'editor';
 * ```
 */
export type TenantRole = 'viewer' | 'editor' | 'admin' | (string & {});

/**
 * The role protected by the last-admin rule: a tenant always keeps at least one.
 *
 * @example
 * ```ts
 * if (member.role === ADMIN_ROLE) console.log('can manage the tenant');
 * ```
 */
export const ADMIN_ROLE = 'admin';

/**
 * A tenant (an organisation, workspace or customer account).
 *
 * @example
 * ```ts
 * const tenant: Tenant = await tenancy.getTenant(id);
 * console.log(tenant.slug, tenant.status);
 * ```
 */
export interface Tenant {
  /** Opaque, immutable id. */
  id: string;
  /** Display name (1..200 characters). */
  name: string;
  /** Unique, URL-safe handle: `^[a-z0-9](-?[a-z0-9])*$`, 3..63 characters. */
  slug: string;
  /** `active` or `suspended`. */
  status: TenantStatus;
  /** Validated settings: branding, allowed CORS origins, custom domains, limits. */
  settings: TenantSettings;
  /** Creation time. */
  createdAt: Date;
}

/**
 * A user's membership of a tenant.
 *
 * @example
 * ```ts
 * const member: Member | null = await tenancy.getMember(tenantId, userId); // null: not a member
 * ```
 */
export interface Member {
  /** The tenant. */
  tenantId: string;
  /** The user (an id from your auth system). */
  userId: string;
  /** Role in this tenant. */
  role: TenantRole;
  /** When the user joined. */
  joinedAt: Date;
}

/**
 * A pending invitation. The secret token is never part of it: only its SHA-256 hash is stored.
 *
 * @example
 * ```ts
 * const { items } = await tenancy.listInvitations(tenantId);
 * for (const invitation of items) console.log(invitation.email, invitation.expiresAt);
 * ```
 */
export interface Invitation {
  /** Opaque id (used to revoke it). */
  id: string;
  /** The tenant the invitee will join. */
  tenantId: string;
  /** Invitee e-mail, normalised to lower case. */
  email: string;
  /** Role granted on acceptance. */
  role: TenantRole;
  /** User id of whoever invited. */
  invitedBy: string;
  /** Creation time. */
  createdAt: Date;
  /** After this instant the invitation can no longer be accepted. */
  expiresAt: Date;
}

/**
 * One page of a cursor-paginated list.
 *
 * @example
 * ```ts
 * let cursor: string | null = null;
 * do {
 *   const page: Page<Member> = await tenancy.listMembers(tenantId, { cursor });
 *   cursor = page.nextCursor;
 * } while (cursor);
 * ```
 */
export interface Page<T> {
  /** The items of this page. */
  items: T[];
  /** Opaque cursor of the next page; `null` on the last page. */
  nextCursor: string | null;
}

/**
 * Paging input of list operations.
 *
 * @example
 * ```ts
 * await tenancy.listMembers(tenantId, { limit: 50 });
 * ```
 */
export interface PageOptions {
  /**
   * Page size, 1..100.
   * @default 20
   */
  limit?: number | undefined;
  /** Cursor returned as `nextCursor` by the previous page; omit (or `null`) for the first page. */
  cursor?: string | null | undefined;
}

/**
 * A tenant together with the caller's role in it (the items of "my tenants").
 *
 * @example
 * ```ts
 * const { items } = await tenancy.listTenantsForUser(userId);
 * for (const { tenant, role } of items) console.log(tenant.name, role);
 * ```
 */
export interface TenantMembership {
  /** The tenant. */
  tenant: Tenant;
  /** The user's role in it. */
  role: TenantRole;
  /** When the user joined. */
  joinedAt: Date;
}
