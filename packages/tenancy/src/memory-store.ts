import { TenancyError } from './errors.js';
import { ADMIN_ROLE, type Invitation, type Member, type Tenant, type TenantMembership } from './model.js';
import type { StoredInvitation, StorePage, TenantPatch, TenantStore } from './store.js';

const cloneTenant = (t: Tenant): Tenant => ({
  ...t,
  settings: structuredClone(t.settings),
  createdAt: new Date(t.createdAt),
});
const cloneMember = (m: Member): Member => ({ ...m, joinedAt: new Date(m.joinedAt) });
const cloneInvitation = ({ tokenHash: _hash, ...i }: StoredInvitation): Invitation => ({
  ...i,
  createdAt: new Date(i.createdAt),
  expiresAt: new Date(i.expiresAt),
});

/**
 * An in-process {@link TenantStore} for tests and quick starts, with the same semantics as the
 * database adapters (slug and custom domain uniqueness, atomic last-admin rule, single-use invitations). Data lives
 * in this process only.
 *
 * @example
 * ```ts
 * import { createTenancy, memoryTenantStore } from '@portalkit/tenancy';
 * const tenancy = createTenancy({ store: memoryTenantStore() });
 * ```
 */
export function memoryTenantStore(): TenantStore {
  const tenants = new Map<string, Tenant>();
  const members = new Map<string, Map<string, Member>>();
  const invitations = new Map<string, StoredInvitation>();

  const membersOf = (tenantId: string) => {
    let map = members.get(tenantId);
    if (!map) {
      map = new Map();
      members.set(tenantId, map);
    }
    return map;
  };
  const admins = (tenantId: string) => [...membersOf(tenantId).values()].filter((m) => m.role === ADMIN_ROLE).length;
  /** `conflict` when another tenant already lists one of `domains`. */
  const checkDomains = (tenantId: string, domains: readonly string[] | undefined) => {
    for (const t of tenants.values()) {
      if (t.id === tenantId) continue;
      if (domains?.some((d) => t.settings.customDomains?.includes(d))) {
        throw new TenancyError('conflict', 'a custom domain in settings.customDomains belongs to another tenant');
      }
    }
  };
  const lastAdmin = () =>
    new TenancyError('last_admin', 'the tenant must keep at least one admin: promote another member first');

  return {
    async createTenant(tenant, owner) {
      for (const t of tenants.values()) {
        if (t.slug === tenant.slug)
          throw new TenancyError('conflict', `slug "${tenant.slug}" is taken: choose another`);
      }
      if (tenants.has(tenant.id)) throw new TenancyError('conflict', 'a tenant with this id exists');
      checkDomains(tenant.id, tenant.settings.customDomains);
      tenants.set(tenant.id, cloneTenant(tenant));
      if (owner) membersOf(tenant.id).set(owner.userId, cloneMember(owner));
      return cloneTenant(tenant);
    },
    async getTenant(id) {
      const t = tenants.get(id);
      return t ? cloneTenant(t) : null;
    },
    async getTenantBySlug(slug) {
      for (const t of tenants.values()) if (t.slug === slug) return cloneTenant(t);
      return null;
    },
    async getTenantByDomain(domain) {
      const t = [...tenants.values()].find((x) => x.settings.customDomains?.includes(domain));
      return t ? cloneTenant(t) : null;
    },
    async updateTenant(id, patch: TenantPatch) {
      const t = tenants.get(id);
      if (!t) return null;
      if (patch.settings !== undefined) checkDomains(id, patch.settings.customDomains);
      const next: Tenant = {
        ...t,
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.status !== undefined && { status: patch.status }),
        ...(patch.settings !== undefined && { settings: structuredClone(patch.settings) }),
      };
      tenants.set(id, next);
      return cloneTenant(next);
    },
    async deleteTenant(id) {
      const existed = tenants.delete(id);
      members.delete(id);
      for (const [key, inv] of invitations) if (inv.tenantId === id) invitations.delete(key);
      return existed;
    },
    async listTenantsForUser(userId, page: StorePage) {
      const out: TenantMembership[] = [];
      for (const [tenantId, map] of members) {
        const m = map.get(userId);
        const t = tenants.get(tenantId);
        if (m && t && (page.after === null || tenantId > page.after)) {
          out.push({ tenant: cloneTenant(t), role: m.role, joinedAt: new Date(m.joinedAt) });
        }
      }
      return out.sort((a, b) => (a.tenant.id < b.tenant.id ? -1 : 1)).slice(0, page.limit);
    },
    async addMember(member) {
      if (!tenants.has(member.tenantId)) throw new TenancyError('not_found', 'tenant not found');
      const map = membersOf(member.tenantId);
      if (map.has(member.userId)) throw new TenancyError('conflict', 'the user is already a member of this tenant');
      map.set(member.userId, cloneMember(member));
      return cloneMember(member);
    },
    async getMember(tenantId, userId) {
      const m = members.get(tenantId)?.get(userId);
      return m ? cloneMember(m) : null;
    },
    async listMembers(tenantId, page) {
      return [...(members.get(tenantId)?.values() ?? [])]
        .filter((m) => page.after === null || m.userId > page.after)
        .sort((a, b) => (a.userId < b.userId ? -1 : 1))
        .slice(0, page.limit)
        .map(cloneMember);
    },
    async updateMemberRole(tenantId, userId, role) {
      const m = members.get(tenantId)?.get(userId);
      if (!m) return null;
      if (m.role === ADMIN_ROLE && role !== ADMIN_ROLE && admins(tenantId) <= 1) throw lastAdmin();
      const next = { ...m, role };
      membersOf(tenantId).set(userId, next);
      return cloneMember(next);
    },
    async removeMember(tenantId, userId) {
      const m = members.get(tenantId)?.get(userId);
      if (!m) return false;
      if (m.role === ADMIN_ROLE && admins(tenantId) <= 1) throw lastAdmin();
      return membersOf(tenantId).delete(userId);
    },
    async countMembers(tenantId) {
      return members.get(tenantId)?.size ?? 0;
    },
    async getAccess(tenantId, userId) {
      const t = tenants.get(tenantId);
      if (!t) return null;
      const m = members.get(tenantId)?.get(userId);
      return { tenant: cloneTenant(t), member: m ? cloneMember(m) : null };
    },
    async putInvitation(invitation) {
      if (!tenants.has(invitation.tenantId)) throw new TenancyError('not_found', 'tenant not found');
      for (const [key, inv] of invitations) {
        if (inv.tenantId === invitation.tenantId && inv.email === invitation.email) invitations.delete(key);
      }
      invitations.set(invitation.id, { ...invitation });
      return cloneInvitation(invitation);
    },
    async listInvitations(tenantId, now) {
      return [...invitations.values()]
        .filter((i) => i.tenantId === tenantId && i.expiresAt > now)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
        .map(cloneInvitation);
    },
    async deleteInvitation(tenantId, id) {
      const inv = invitations.get(id);
      if (!inv || inv.tenantId !== tenantId) return false;
      return invitations.delete(id);
    },
    async findInvitationByTokenHash(tokenHash) {
      for (const inv of invitations.values()) if (inv.tokenHash === tokenHash) return cloneInvitation(inv);
      return null;
    },
    async acceptInvitation({ tokenHash, email, userId, now }) {
      for (const [key, inv] of invitations) {
        if (inv.tokenHash !== tokenHash) continue;
        if (inv.email !== email || inv.expiresAt <= now || !tenants.has(inv.tenantId)) return null;
        invitations.delete(key);
        const map = membersOf(inv.tenantId);
        const existing = map.get(userId);
        if (existing) return cloneMember(existing);
        const member: Member = { tenantId: inv.tenantId, userId, role: inv.role, joinedAt: new Date(now) };
        map.set(userId, member);
        return cloneMember(member);
      }
      return null;
    },
  };
}
