import { randomUUID } from 'node:crypto';
import { type AccessCache, type AccessCacheOptions, type AccessEntry, createAccessCache } from './access-cache.js';
import { runWithTenant } from './context.js';
import { TenancyError } from './errors.js';
import { paginate } from './internal/paging.js';
import { hashToken, newToken } from './internal/tokens.js';
import {
  ADMIN_ROLE,
  type Invitation,
  type Member,
  type Page,
  type PageOptions,
  type Tenant,
  type TenantMembership,
  type TenantRole,
} from './model.js';
import type { TenantHint } from './resolution.js';
import { isValidSlug, parseTenantSettings, type TenantSettings } from './settings.js';
import type { TenantStore } from './store.js';

/**
 * What the host's delivery hook receives for each invitation: the secret token exists only here
 * (put it in the accept link as `?token=`); the package stores only its hash and never sends mail.
 *
 * @example
 * ```ts
 * const deliver = async ({ invitation, token, tenant }: InvitationDelivery) =>
 *   mailer.send({ to: invitation.email, subject: `Join ${tenant.name}`, text: `${baseUrl}/accept?token=${token}` });
 * ```
 */
export interface InvitationDelivery {
  /** The stored invitation. */
  invitation: Invitation;
  /** The secret token (256 random bits, base64url). Never log it. */
  token: string;
  /** The tenant the invitee is invited to. */
  tenant: Tenant;
}

/**
 * A hook run when a tenant is deleted, inside `runWithTenant(tenant)`, before the tenant's own
 * rows go: delete this package's (or your app's) rows and objects of that tenant. Hooks must be
 * idempotent: when one fails the tenant stays (suspended) and the deletion can be retried. A
 * returned promise is awaited, its value ignored.
 *
 * @example
 * ```ts
 * const hook: TenantDeletedHook = async (tenant) => {
 *   await files.purgeTenant(tenant.id);
 * };
 * ```
 */
export type TenantDeletedHook = (tenant: Tenant) => unknown;

/**
 * Options of {@link createTenancy}.
 *
 * @example
 * ```ts
 * const options: TenancyOptions = { store: memoryTenantStore(), deliverInvitation: async () => {} };
 * ```
 */
export interface TenancyOptions {
  /** Where tenants, members and invitations live. */
  store: TenantStore;
  /**
   * The role ladder, lowest first; must contain `admin`.
   * @default ['viewer', 'editor', 'admin']
   */
  roles?: readonly string[];
  /**
   * Invitation lifetime in milliseconds.
   * @default 604800000 (7 days)
   */
  invitationTtlMs?: number;
  /**
   * Sends the invitation (e-mail, chat...). Called after the invitation is stored; a returned
   * promise is awaited, its value ignored. @default no delivery
   */
  deliverInvitation?: (delivery: InvitationDelivery) => unknown;
  /** Clock. @default () => new Date() */
  now?: () => Date;
  /** Id generator for tenants and invitations. @default crypto.randomUUID */
  generateId?: () => string;
  /**
   * The in-process cache of {@link TenancyService.requireAccess} (tenant + membership per user),
   * or `false` to ask the store on every call. Changes made through this service (role change,
   * removal, suspension, settings, deletion) drop the affected entries at once; other instances
   * see them after `ttlMs` at most, or at once with an `invalidation` bus.
   * @default enabled: `{ ttlMs: 2000, maxEntries: 10000 }`, no bus
   */
  accessCache?: AccessCacheOptions | false;
}

/**
 * Input of {@link TenancyService.createTenant}.
 *
 * @example
 * ```ts
 * const input: CreateTenantInput = { name: 'Acme', slug: 'acme' };
 * ```
 */
export interface CreateTenantInput {
  /** Display name, 1..200 characters (trimmed). */
  name: string;
  /** Unique slug, `^[a-z0-9](-?[a-z0-9])*$`, 3..63 characters. */
  slug: string;
  /** Initial settings. @default {} */
  settings?: unknown;
}

/**
 * Input of {@link TenancyService.updateTenant}.
 *
 * @example
 * ```ts
 * const patch: UpdateTenantInput = { settings: { allowedOrigins: ['https://app.acme.com'] } };
 * ```
 */
export interface UpdateTenantInput {
  /** New name. */
  name?: string | undefined;
  /** New settings, validated, replacing the old ones. */
  settings?: unknown;
}

/**
 * The user accepting an invitation, as your auth system knows them.
 *
 * @example
 * ```ts
 * const user: InvitationAcceptor = { id: 'u1', email: 'ada@example.com', emailVerified: true };
 * ```
 */
export interface InvitationAcceptor {
  /** User id. */
  id: string;
  /** The user's e-mail address. */
  email: string;
  /** Whether that e-mail was verified; an unverified one cannot accept (`email_not_verified`). */
  emailVerified: boolean;
}

/**
 * The tenancy service: every operation of the reference API's "Tenants and members" section
 * (validation, ids, tokens, hooks) over a {@link TenantStore}. Authorisation of the caller (is
 * the caller an admin?) is the host's job, helped by {@link TenancyService.requireAccess}.
 *
 * @example
 * ```ts
 * const tenant = await tenancy.createTenant({ name: 'Acme', slug: 'acme' }, { userId });
 * ```
 */
export interface TenancyService {
  /** The underlying store. */
  readonly store: TenantStore;
  /** The role ladder, lowest first. */
  readonly roles: readonly string[];
  /** The cache behind {@link TenancyService.requireAccess}, or `null` when `accessCache: false`. */
  readonly accessCache: AccessCache | null;

  /** Creates a tenant and makes `creator` its admin, atomically. `conflict` when the slug is taken, `invalid_input` on bad input. */
  createTenant(input: CreateTenantInput, creator: { userId: string }): Promise<Tenant>;
  /** The tenant; `not_found` when it does not exist. */
  getTenant(tenantId: string): Promise<Tenant>;
  /** Turns a resolution hint (id, slug, custom domain) into a tenant, or `null`. */
  findTenant(hint: TenantHint): Promise<Tenant | null>;
  /** The tenants a user belongs to, with their role, cursor-paginated. */
  listTenantsForUser(userId: string, page?: PageOptions): Promise<Page<TenantMembership>>;
  /**
   * Every tenant a user belongs to, with their role (all pages of {@link TenancyService.listTenantsForUser}
   * read in turn): for answers that list them all, such as a user's memberships in a token or `/me`.
   */
  listAllTenantsForUser(userId: string): Promise<TenantMembership[]>;
  /** Changes name and/or settings; `not_found`, `invalid_input`. */
  updateTenant(tenantId: string, input: UpdateTenantInput): Promise<Tenant>;
  /** Sets status `suspended`. */
  suspendTenant(tenantId: string): Promise<Tenant>;
  /** Sets status `active`. */
  reactivateTenant(tenantId: string): Promise<Tenant>;
  /**
   * Deletes a tenant: suspends it, runs every {@link TenancyService.onTenantDeleted} hook (in
   * registration order, inside the tenant's context), then deletes the tenant, its members and
   * invitations. When a hook throws, the error propagates and the tenant stays suspended.
   */
  deleteTenant(tenantId: string): Promise<void>;
  /** Registers a deletion cascade hook; returns a function that unregisters it. */
  onTenantDeleted(hook: TenantDeletedHook): () => void;

  /** Adds a member with a role; `conflict` when already a member or when `settings.limits.maxMembers` is reached. */
  addMember(tenantId: string, userId: string, role: TenantRole): Promise<Member>;
  /** The membership, or `null`. */
  getMember(tenantId: string, userId: string): Promise<Member | null>;
  /**
   * Checks that the tenant exists, is active and that the user is a member with at least
   * `minRole`: `not_found` for a missing tenant or a non-member (existence is not revealed),
   * `tenant_suspended`, `forbidden` for a too-low role. Served from the access cache for up to
   * `accessCache.ttlMs` (one store query on a miss when the store has `getAccess`); the returned
   * objects are frozen, shared by every caller of the cached entry.
   */
  requireAccess(
    tenantId: string,
    userId: string,
    minRole?: TenantRole,
  ): Promise<{
    /** The tenant. */
    tenant: Tenant;
    /** The caller's membership. */
    member: Member;
  }>;
  /** True when `role` is at least `minRole` on the ladder (unknown roles rank lowest). */
  hasRole(role: TenantRole, minRole: TenantRole): boolean;
  /** Members ordered by user id, cursor-paginated. */
  listMembers(tenantId: string, page?: PageOptions): Promise<Page<Member>>;
  /** Changes a member's role; `not_found`, `last_admin` (the last admin cannot be demoted). */
  changeMemberRole(tenantId: string, userId: string, role: TenantRole): Promise<Member>;
  /** Removes a member; `not_found`, `last_admin` (the last admin cannot leave). */
  removeMember(tenantId: string, userId: string): Promise<void>;

  /**
   * Invites an e-mail address with a role (replacing a pending invitation to the same address),
   * stores only the token's hash, calls `deliverInvitation` and returns the invitation and token.
   */
  inviteMember(
    tenantId: string,
    input: { email: string; role: TenantRole; invitedBy: string },
  ): Promise<{
    /** The stored invitation. */
    invitation: Invitation;
    /** The secret token (also handed to `deliverInvitation`). */
    token: string;
  }>;
  /** Pending invitations of a tenant. */
  listInvitations(tenantId: string): Promise<{
    /** Pending invitations, oldest first. */
    items: Invitation[];
  }>;
  /** Revokes an invitation; `not_found` when that tenant has no such invitation. */
  revokeInvitation(tenantId: string, invitationId: string): Promise<void>;
  /**
   * Accepts an invitation: the user's e-mail must be verified (`email_not_verified`) and equal to
   * the invited one (`email_mismatch`, the invitation stays usable), the tenant active
   * (`tenant_suspended`) and below its member limit (`conflict`); the token is consumed
   * atomically (`invitation_invalid` when unknown, used, revoked or expired).
   */
  acceptInvitation(token: string, user: InvitationAcceptor): Promise<Member>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DAY = 24 * 60 * 60 * 1000;

function invalid(path: string, message: string): TenancyError {
  return new TenancyError('invalid_input', `${path} ${message}`, { fields: [{ path, message }] });
}

function normalizeEmail(email: unknown): string {
  if (typeof email !== 'string' || email.length > 320 || !EMAIL.test(email.trim()))
    throw invalid('email', 'must be an e-mail address');
  return email.trim().toLowerCase();
}

function requireId(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200)
    throw invalid(path, 'must be a non-empty id');
  return value;
}

/**
 * Creates the {@link TenancyService} over a store.
 *
 * @example
 * ```ts
 * import { createTenancy, memoryTenantStore } from '@portalkit/tenancy';
 *
 * const tenancy = createTenancy({
 *   store: memoryTenantStore(),
 *   deliverInvitation: async ({ invitation, token }) => mailer.sendInvite(invitation.email, token),
 * });
 * const tenant = await tenancy.createTenant({ name: 'Acme', slug: 'acme' }, { userId: 'u1' });
 * ```
 */
export function createTenancy(options: TenancyOptions): TenancyService {
  const { store } = options;
  const roles = options.roles ?? ['viewer', 'editor', 'admin'];
  if (!roles.includes(ADMIN_ROLE)) throw new TenancyError('invalid_input', 'roles must include "admin"');
  const ttl = options.invitationTtlMs ?? 7 * DAY;
  const now = options.now ?? (() => new Date());
  const generateId = options.generateId ?? randomUUID;
  const hooks: TenantDeletedHook[] = [];
  const cache =
    options.accessCache === false ? null : createAccessCache(options.accessCache ?? {}, () => now().getTime());
  /** Runs a write, then (even when it failed half-way) drops the cached access answers it may change. */
  const changing = async <T>(write: () => Promise<T>, tenantId: string, userId?: string): Promise<T> => {
    try {
      return await write();
    } finally {
      cache?.invalidate(tenantId, userId);
    }
  };
  const loadAccess = async (tenantId: string, userId: string): Promise<AccessEntry | null> => {
    if (store.getAccess) {
      const found = await store.getAccess(tenantId, userId);
      return found?.member ? { tenant: found.tenant, member: found.member } : null;
    }
    const [tenant, member] = await Promise.all([store.getTenant(tenantId), store.getMember(tenantId, userId)]);
    return tenant && member ? { tenant, member } : null;
  };

  const checkRole = (role: unknown): TenantRole => {
    if (typeof role !== 'string' || !roles.includes(role)) throw invalid('role', `must be one of ${roles.join(', ')}`);
    return role;
  };
  const checkName = (name: unknown): string => {
    const trimmed = typeof name === 'string' ? name.trim() : '';
    if (trimmed.length < 1 || trimmed.length > 200) throw invalid('name', 'must be 1 to 200 characters');
    return trimmed;
  };
  const getTenant = async (tenantId: string): Promise<Tenant> => {
    const tenant = await store.getTenant(requireId(tenantId, 'tenantId'));
    if (!tenant) throw new TenancyError('not_found', 'tenant not found');
    return tenant;
  };
  const setStatus = async (tenantId: string, status: Tenant['status']) => {
    const id = requireId(tenantId, 'tenantId');
    const tenant = await changing(() => store.updateTenant(id, { status }), id);
    if (!tenant) throw new TenancyError('not_found', 'tenant not found');
    return tenant;
  };
  const rank = (role: TenantRole) => roles.indexOf(role);
  /** Soft check of `settings.limits.maxMembers` (count then add: concurrent joins may overshoot it by a few). */
  const checkMemberLimit = async (tenant: Tenant, userId: string) => {
    const max = tenant.settings.limits?.maxMembers;
    if (max === undefined || (await store.getMember(tenant.id, userId))) return;
    if ((await store.countMembers(tenant.id)) >= max) {
      throw new TenancyError(
        'conflict',
        `the tenant has reached its member limit (${max}): raise settings.limits.maxMembers`,
      );
    }
  };

  const service: TenancyService = {
    store,
    roles,
    accessCache: cache,
    async createTenant(input, creator) {
      const name = checkName(input?.name);
      if (typeof input.slug !== 'string' || !isValidSlug(input.slug)) {
        throw invalid('slug', 'must match ^[a-z0-9](-?[a-z0-9])*$ and be 3 to 63 characters');
      }
      const settings = parseTenantSettings(input.settings);
      const userId = requireId(creator?.userId, 'userId');
      const createdAt = now();
      const tenant: Tenant = { id: generateId(), name, slug: input.slug, status: 'active', settings, createdAt };
      return store.createTenant(tenant, { tenantId: tenant.id, userId, role: ADMIN_ROLE, joinedAt: createdAt });
    },
    getTenant,
    async findTenant(hint) {
      if (hint.kind === 'id') return store.getTenant(hint.value);
      if (hint.kind === 'slug') return isValidSlug(hint.value) ? store.getTenantBySlug(hint.value) : null;
      return store.getTenantByDomain(hint.value.toLowerCase());
    },
    async listTenantsForUser(userId, page) {
      const id = requireId(userId, 'userId');
      return paginate(
        page,
        (p) => store.listTenantsForUser(id, p),
        (m) => m.tenant.id,
      );
    },
    async listAllTenantsForUser(userId) {
      const all: TenantMembership[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<TenantMembership> = await service.listTenantsForUser(userId, { limit: 100, cursor });
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    },
    async updateTenant(tenantId, input) {
      const patch: { name?: string; settings?: TenantSettings } = {};
      if (input.name !== undefined) patch.name = checkName(input.name);
      if (input.settings !== undefined) patch.settings = parseTenantSettings(input.settings);
      if (patch.name === undefined && patch.settings === undefined) return getTenant(tenantId);
      const id = requireId(tenantId, 'tenantId');
      const tenant = await changing(() => store.updateTenant(id, patch), id);
      if (!tenant) throw new TenancyError('not_found', 'tenant not found');
      return tenant;
    },
    suspendTenant: (tenantId) => setStatus(tenantId, 'suspended'),
    reactivateTenant: (tenantId) => setStatus(tenantId, 'active'),
    async deleteTenant(tenantId) {
      const tenant = await setStatus(tenantId, 'suspended');
      for (const hook of [...hooks]) {
        await runWithTenant(tenant, () => hook(tenant));
      }
      await changing(() => store.deleteTenant(tenant.id), tenant.id);
    },
    onTenantDeleted(hook) {
      hooks.push(hook);
      return () => {
        const i = hooks.indexOf(hook);
        if (i >= 0) hooks.splice(i, 1);
      };
    },
    async addMember(tenantId, userId, role) {
      await checkMemberLimit(await getTenant(tenantId), userId);
      const member = {
        tenantId: requireId(tenantId, 'tenantId'),
        userId: requireId(userId, 'userId'),
        role: checkRole(role),
        joinedAt: now(),
      };
      return changing(() => store.addMember(member), member.tenantId, member.userId);
    },
    getMember: (tenantId, userId) => store.getMember(tenantId, userId),
    async requireAccess(tenantId, userId, minRole) {
      const found = cache
        ? await cache.get(tenantId, userId, () => loadAccess(tenantId, userId))
        : await loadAccess(tenantId, userId);
      if (!found) throw new TenancyError('not_found', 'tenant not found');
      const { tenant, member } = found;
      if (tenant.status === 'suspended') throw new TenancyError('tenant_suspended', 'this tenant is suspended');
      if (minRole !== undefined && !service.hasRole(member.role, minRole)) {
        throw new TenancyError('forbidden', `this needs the ${minRole} role in the tenant`);
      }
      return { tenant, member };
    },
    hasRole: (role, minRole) => rank(role) >= 0 && rank(role) >= rank(minRole),
    async listMembers(tenantId, page) {
      return paginate(
        page,
        (p) => store.listMembers(tenantId, p),
        (m) => m.userId,
      );
    },
    async changeMemberRole(tenantId, userId, role) {
      const checked = checkRole(role);
      const member = await changing(() => store.updateMemberRole(tenantId, userId, checked), tenantId, userId);
      if (!member) throw new TenancyError('not_found', 'member not found');
      return member;
    },
    async removeMember(tenantId, userId) {
      if (!(await changing(() => store.removeMember(tenantId, userId), tenantId, userId)))
        throw new TenancyError('not_found', 'member not found');
    },
    async inviteMember(tenantId, input) {
      const tenant = await getTenant(tenantId);
      if (tenant.status === 'suspended') throw new TenancyError('tenant_suspended', 'this tenant is suspended');
      const email = normalizeEmail(input.email);
      const role = checkRole(input.role);
      const invitedBy = requireId(input.invitedBy, 'invitedBy');
      const token = newToken();
      const createdAt = now();
      const invitation = await store.putInvitation({
        id: generateId(),
        tenantId: tenant.id,
        email,
        role,
        invitedBy,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + ttl),
        tokenHash: hashToken(token),
      });
      if (options.deliverInvitation) await options.deliverInvitation({ invitation, token, tenant });
      return { invitation, token };
    },
    async listInvitations(tenantId) {
      return { items: await store.listInvitations(tenantId, now()) };
    },
    async revokeInvitation(tenantId, invitationId) {
      if (!(await store.deleteInvitation(tenantId, invitationId)))
        throw new TenancyError('not_found', 'invitation not found');
    },
    async acceptInvitation(token, user) {
      if (typeof token !== 'string' || token.length < 16 || token.length > 200) {
        throw new TenancyError('invitation_invalid', 'this invitation is invalid, used, revoked or expired');
      }
      if (!user?.emailVerified)
        throw new TenancyError('email_not_verified', 'verify your e-mail address before accepting an invitation');
      const email = normalizeEmail(user.email);
      const userId = requireId(user.id, 'userId');
      const tokenHash = hashToken(token);
      const at = now();
      const pending = await store.findInvitationByTokenHash(tokenHash);
      if (pending && pending.expiresAt > at && pending.email === email) {
        const tenant = await store.getTenant(pending.tenantId);
        if (tenant?.status === 'suspended') throw new TenancyError('tenant_suspended', 'this tenant is suspended');
        if (tenant) await checkMemberLimit(tenant, userId);
      }
      const member = await store.acceptInvitation({ tokenHash, email, userId, now: at });
      if (member) {
        cache?.invalidate(member.tenantId, member.userId);
        return member;
      }
      const invitation = await store.findInvitationByTokenHash(tokenHash);
      if (invitation && invitation.expiresAt > at && invitation.email !== email) {
        throw new TenancyError(
          'email_mismatch',
          'this invitation was sent to another e-mail address: sign in with that account',
        );
      }
      throw new TenancyError('invitation_invalid', 'this invitation is invalid, used, revoked or expired');
    },
  };
  return service;
}
