import { createTenancy, isTenancyError, type TenancyErrorCode, type TenantStore } from '@portalkit/tenancy';
import { beforeEach, describe, expect, it } from 'vitest';

export interface SuiteOptions {
  /** Whether the backend enforces unique indexes (CongoDB does not). */
  uniqueIndexes?: boolean;
  /** Whether the adapter implements the optional `getAccess` (one round trip for requireAccess). @default true */
  getAccess?: boolean;
}

async function expectCode(promise: Promise<unknown>, code: TenancyErrorCode): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isTenancyError(error) ? error.code : error).toBe(code);
}

let counter = 0;
const uid = (p: string) => `${p}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
const slug = (p = 'acme') => `${p}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** The behaviour every TenantStore adapter must show, exercised through the service. */
export function runTenantStoreSuite(
  name: string,
  factory: () => Promise<TenantStore> | TenantStore,
  options: SuiteOptions = {},
) {
  const unique = options.uniqueIndexes ?? true;
  const joined = options.getAccess ?? true;
  describe(`TenantStore conformance: ${name}`, () => {
    let store: TenantStore;
    let clock = new Date('2026-01-01T00:00:00.000Z');
    const tenancy = () => createTenancy({ store, now: () => clock });
    beforeEach(async () => {
      store = await factory();
      clock = new Date('2026-01-01T00:00:00.000Z');
    });

    it('creates a tenant with its creator as admin, and reads it back by id, slug and domain', async () => {
      const t = tenancy();
      const s = slug();
      const tenant = await t.createTenant(
        {
          name: '  Acme  ',
          slug: s,
          settings: { customDomains: [`${s}.example.com`], branding: { primaryColor: '#112233' } },
        },
        { userId: 'u-owner' },
      );
      expect(tenant).toMatchObject({ name: 'Acme', slug: s, status: 'active' });
      expect(tenant.createdAt).toBeInstanceOf(Date);
      expect(await t.getTenant(tenant.id)).toEqual(tenant);
      expect(await t.findTenant({ kind: 'slug', value: s, source: 'subdomain' })).toEqual(tenant);
      expect(await t.findTenant({ kind: 'domain', value: `${s}.EXAMPLE.com`, source: 'custom-domain' })).toEqual(
        tenant,
      );
      expect(await t.findTenant({ kind: 'domain', value: 'nobody.example.com', source: 'custom-domain' })).toBeNull();
      expect(await t.getMember(tenant.id, 'u-owner')).toMatchObject({ role: 'admin', tenantId: tenant.id });
      await expectCode(t.getTenant('missing'), 'not_found');
    });

    it('rejects invalid slugs, names and settings without storing anything', async () => {
      const t = tenancy();
      const u = uid('u');
      for (const bad of ['ab', '-abc', 'abc-', 'a--b', 'ABC', 'a_b', 'x'.repeat(64)]) {
        await expectCode(t.createTenant({ name: 'x', slug: bad }, { userId: u }), 'invalid_input');
      }
      await expectCode(t.createTenant({ name: '', slug: slug() }, { userId: u }), 'invalid_input');
      await expectCode(
        t.createTenant({ name: 'x', slug: slug(), settings: { unknown: 1 } }, { userId: u }),
        'invalid_input',
      );
      expect((await t.listTenantsForUser(u)).items).toEqual([]);
    });

    it.skipIf(!unique)('refuses a taken slug with conflict', async () => {
      const t = tenancy();
      const s = slug();
      await t.createTenant({ name: 'A', slug: s }, { userId: 'u1' });
      await expectCode(t.createTenant({ name: 'B', slug: s }, { userId: 'u2' }), 'conflict');
      expect((await t.listTenantsForUser('u2')).items).toEqual([]);
    });

    it('gives a custom domain to one tenant only (no takeover through settings)', async () => {
      const t = tenancy();
      const domain = `${slug('dom')}.example.com`;
      const byDomain = () => t.findTenant({ kind: 'domain', value: domain, source: 'custom-domain' });
      const other = await t.createTenant({ name: 'Other', slug: slug() }, { userId: 'u2' });
      clock = new Date(clock.getTime() + 1000);
      const owner = await t.createTenant(
        { name: 'Owner', slug: slug(), settings: { customDomains: [domain] } },
        { userId: 'u1' },
      );
      const thiefSlug = slug();
      await expectCode(
        t.createTenant({ name: 'Thief', slug: thiefSlug, settings: { customDomains: [domain] } }, { userId: 'u3' }),
        'conflict',
      );
      expect(await t.findTenant({ kind: 'slug', value: thiefSlug, source: 'subdomain' })).toBeNull();
      // The older tenant cannot take the domain over either.
      await expectCode(t.updateTenant(other.id, { settings: { customDomains: [`x.${domain}`, domain] } }), 'conflict');
      expect((await t.getTenant(other.id)).settings.customDomains).toBeUndefined();
      expect(await byDomain()).toMatchObject({ id: owner.id });
      // The owner keeps it across its own updates; once released, another tenant may claim it.
      await t.updateTenant(owner.id, { settings: { customDomains: [domain, `www.${domain}`] } });
      expect(await byDomain()).toMatchObject({ id: owner.id });
      await t.updateTenant(owner.id, { settings: { customDomains: [`www.${domain}`] } });
      await t.updateTenant(other.id, { settings: { customDomains: [domain] } });
      expect(await byDomain()).toMatchObject({ id: other.id });
    });

    it('updates name and settings, suspends and reactivates', async () => {
      const t = tenancy();
      const tenant = await t.createTenant({ name: 'A', slug: slug() }, { userId: 'u1' });
      const updated = await t.updateTenant(tenant.id, {
        name: 'B',
        settings: { allowedOrigins: ['https://app.example.com'] },
      });
      expect(updated).toMatchObject({
        id: tenant.id,
        name: 'B',
        settings: { allowedOrigins: ['https://app.example.com'] },
      });
      await expectCode(
        t.updateTenant(tenant.id, { settings: { allowedOrigins: ['javascript:alert(1)'] } }),
        'invalid_input',
      );
      expect((await t.getTenant(tenant.id)).name).toBe('B');
      expect((await t.suspendTenant(tenant.id)).status).toBe('suspended');
      await expectCode(t.requireAccess(tenant.id, 'u1'), 'tenant_suspended');
      expect((await t.reactivateTenant(tenant.id)).status).toBe('active');
      await expectCode(t.updateTenant('missing', { name: 'x' }), 'not_found');
    });

    it('lists the tenants of a user with cursor pagination', async () => {
      const t = tenancy();
      const pager = uid('pager');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push((await t.createTenant({ name: `T${i}`, slug: slug('page') }, { userId: pager })).id);
      await t.createTenant({ name: 'other', slug: slug() }, { userId: 'someone-else' });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await t.listTenantsForUser(pager, { limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        for (const m of page.items) {
          expect(m.role).toBe('admin');
          seen.push(m.tenant.id);
        }
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen.sort()).toEqual([...ids].sort());
      await expectCode(t.listTenantsForUser(pager, { cursor: 'garbage!' }), 'invalid_input');
      await expectCode(t.listTenantsForUser(pager, { limit: 101 }), 'invalid_input');
    });

    it('lists every tenant of a user, past one page of 100', async () => {
      const t = tenancy();
      const many = uid('many');
      const ids: string[] = [];
      for (let i = 0; i < 101; i++)
        ids.push((await t.createTenant({ name: `M${i}`, slug: slug('many') }, { userId: many })).id);
      const all = await t.listAllTenantsForUser(many);
      expect(all.map((m) => m.tenant.id).sort()).toEqual([...ids].sort());
      expect(all.every((m) => m.role === 'admin')).toBe(true);
      expect(await t.listAllTenantsForUser(uid('nobody'))).toEqual([]);
    });

    it('adds, lists (paginated), re-roles and removes members', async () => {
      const t = tenancy();
      const tenant = await t.createTenant({ name: 'A', slug: slug() }, { userId: 'u0' });
      for (const u of ['u1', 'u2', 'u3', 'u4']) await t.addMember(tenant.id, u, 'viewer');
      await expectCode(t.addMember(tenant.id, 'u1', 'editor'), 'conflict');
      await expectCode(t.addMember(tenant.id, 'u9', 'owner'), 'invalid_input');
      await expectCode(t.addMember('missing-tenant', 'u9', 'viewer'), 'not_found');
      const first = await t.listMembers(tenant.id, { limit: 3 });
      expect(first.items.map((m) => m.userId)).toEqual(['u0', 'u1', 'u2']);
      const second = await t.listMembers(tenant.id, { limit: 3, cursor: first.nextCursor });
      expect(second.items.map((m) => m.userId)).toEqual(['u3', 'u4']);
      expect(second.nextCursor).toBeNull();
      expect(await t.changeMemberRole(tenant.id, 'u1', 'editor')).toMatchObject({ userId: 'u1', role: 'editor' });
      expect((await t.requireAccess(tenant.id, 'u1', 'editor')).member.role).toBe('editor');
      await expectCode(t.requireAccess(tenant.id, 'u1', 'admin'), 'forbidden');
      await expectCode(t.requireAccess(tenant.id, 'stranger'), 'not_found');
      await t.removeMember(tenant.id, 'u2');
      expect(await t.getMember(tenant.id, 'u2')).toBeNull();
      await expectCode(t.removeMember(tenant.id, 'u2'), 'not_found');
      await expectCode(t.changeMemberRole(tenant.id, 'u2', 'viewer'), 'not_found');
      expect(await store.countMembers(tenant.id)).toBe(4);
    });

    // Adapters without getAccess (MongoDB) are read with getTenant + getMember in parallel instead.
    it.skipIf(!joined)('answers getAccess with the tenant and the membership or null', async () => {
      if (!store.getAccess) throw new Error(`${name} was declared with getAccess but has none`);
      const t = tenancy();
      const tenant = await t.createTenant(
        { name: 'A', slug: slug(), settings: { allowedOrigins: ['https://a.example.com'] } },
        { userId: 'owner' },
      );
      await t.addMember(tenant.id, 'ed', 'editor');
      expect(await store.getAccess(tenant.id, 'ed')).toEqual({
        tenant,
        member: { tenantId: tenant.id, userId: 'ed', role: 'editor', joinedAt: clock },
      });
      expect(await store.getAccess(tenant.id, 'stranger')).toEqual({ tenant, member: null });
      expect(await store.getAccess('missing-tenant', 'ed')).toBeNull();
      await t.suspendTenant(tenant.id);
      expect((await store.getAccess(tenant.id, 'owner'))?.tenant.status).toBe('suspended');
    });

    it('never lets the last admin be demoted or removed', async () => {
      const t = tenancy();
      const tenant = await t.createTenant({ name: 'A', slug: slug() }, { userId: 'admin1' });
      await expectCode(t.changeMemberRole(tenant.id, 'admin1', 'editor'), 'last_admin');
      await expectCode(t.removeMember(tenant.id, 'admin1'), 'last_admin');
      await t.addMember(tenant.id, 'admin2', 'admin');
      await t.changeMemberRole(tenant.id, 'admin1', 'viewer');
      await expectCode(t.removeMember(tenant.id, 'admin2'), 'last_admin');
      expect(await t.getMember(tenant.id, 'admin2')).toMatchObject({ role: 'admin' });
      await t.changeMemberRole(tenant.id, 'admin2', 'admin');
    });

    it('keeps one admin when two admins are removed concurrently', async () => {
      const t = tenancy();
      for (let round = 0; round < 5; round++) {
        const tenant = await t.createTenant({ name: 'A', slug: slug('race') }, { userId: 'a1' });
        await t.addMember(tenant.id, 'a2', 'admin');
        await t.addMember(tenant.id, 'a3', 'admin');
        const results = await Promise.allSettled([
          t.removeMember(tenant.id, 'a1'),
          t.changeMemberRole(tenant.id, 'a2', 'viewer'),
          t.removeMember(tenant.id, 'a3'),
        ]);
        const failures = results.filter((r) => r.status === 'rejected');
        expect(failures).toHaveLength(1);
        expect(
          isTenancyError((failures[0] as PromiseRejectedResult).reason) &&
            (failures[0] as PromiseRejectedResult).reason.code,
        ).toBe('last_admin');
        const admins = (await t.listMembers(tenant.id)).items.filter((m) => m.role === 'admin');
        expect(admins).toHaveLength(1);
      }
    });

    it('invites with a hashed single-use token that only the verified invitee can accept', async () => {
      const deliveries: string[] = [];
      const t = createTenancy({
        store,
        now: () => clock,
        deliverInvitation: ({ token }) => void deliveries.push(token),
      });
      const tenant = await t.createTenant({ name: 'A', slug: slug() }, { userId: 'admin' });
      const { invitation, token } = await t.inviteMember(tenant.id, {
        email: 'Ada@Example.com',
        role: 'editor',
        invitedBy: 'admin',
      });
      expect(deliveries).toEqual([token]);
      expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);
      expect(invitation).toMatchObject({
        email: 'ada@example.com',
        role: 'editor',
        invitedBy: 'admin',
        tenantId: tenant.id,
      });
      expect(invitation.expiresAt.getTime() - clock.getTime()).toBe(7 * 24 * 3600 * 1000);
      expect(JSON.stringify(invitation)).not.toContain(token);
      expect(JSON.stringify(await t.listInvitations(tenant.id))).not.toContain(token);

      await expectCode(
        t.acceptInvitation(token, { id: 'bob', email: 'bob@example.com', emailVerified: true }),
        'email_mismatch',
      );
      await expectCode(
        t.acceptInvitation(token, { id: 'ada', email: 'ada@example.com', emailVerified: false }),
        'email_not_verified',
      );
      const member = await t.acceptInvitation(token, { id: 'ada', email: 'ADA@example.com', emailVerified: true });
      expect(member).toMatchObject({ tenantId: tenant.id, userId: 'ada', role: 'editor' });
      await expectCode(
        t.acceptInvitation(token, { id: 'ada', email: 'ada@example.com', emailVerified: true }),
        'invitation_invalid',
      );
      expect((await t.listInvitations(tenant.id)).items).toEqual([]);
      await expectCode(
        t.acceptInvitation('x'.repeat(43), { id: 'ada', email: 'ada@example.com', emailVerified: true }),
        'invitation_invalid',
      );
    });

    it('consumes an invitation once under concurrent accepts', async () => {
      const t = tenancy();
      const tenant = await t.createTenant({ name: 'A', slug: slug() }, { userId: 'admin' });
      const { token } = await t.inviteMember(tenant.id, {
        email: 'ada@example.com',
        role: 'viewer',
        invitedBy: 'admin',
      });
      const results = await Promise.allSettled(
        ['ada-1', 'ada-2', 'ada-3'].map((id) =>
          t.acceptInvitation(token, { id, email: 'ada@example.com', emailVerified: true }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await t.listMembers(tenant.id)).items).toHaveLength(2);
    });

    it('replaces a pending invitation on re-invite, expires after 7 days, and revokes', async () => {
      const t = tenancy();
      const tenant = await t.createTenant({ name: 'A', slug: slug() }, { userId: 'admin' });
      const first = await t.inviteMember(tenant.id, { email: 'ada@example.com', role: 'viewer', invitedBy: 'admin' });
      const second = await t.inviteMember(tenant.id, { email: 'ADA@example.com', role: 'editor', invitedBy: 'admin' });
      const pending = (await t.listInvitations(tenant.id)).items;
      expect(pending.map((i) => [i.id, i.role])).toEqual([[second.invitation.id, 'editor']]);
      const ada = { id: 'ada', email: 'ada@example.com', emailVerified: true };
      await expectCode(t.acceptInvitation(first.token, ada), 'invitation_invalid');

      clock = new Date(clock.getTime() + 7 * 24 * 3600 * 1000 + 1);
      expect((await t.listInvitations(tenant.id)).items).toEqual([]);
      await expectCode(t.acceptInvitation(second.token, ada), 'invitation_invalid');

      const third = await t.inviteMember(tenant.id, { email: 'eve@example.com', role: 'viewer', invitedBy: 'admin' });
      await expectCode(t.revokeInvitation('other-tenant', third.invitation.id), 'not_found');
      await t.revokeInvitation(tenant.id, third.invitation.id);
      await expectCode(t.revokeInvitation(tenant.id, third.invitation.id), 'not_found');
      await expectCode(
        t.acceptInvitation(third.token, { id: 'eve', email: 'eve@example.com', emailVerified: true }),
        'invitation_invalid',
      );
    });

    it('refuses joining a suspended tenant and beyond the member limit', async () => {
      const t = tenancy();
      const owner = uid('owner');
      const tenant = await t.createTenant(
        { name: 'L', slug: slug('limit'), settings: { limits: { maxMembers: 2 } } },
        { userId: owner },
      );
      const { token } = await t.inviteMember(tenant.id, {
        email: 'late@example.com',
        role: 'viewer',
        invitedBy: owner,
      });
      await t.addMember(tenant.id, uid('second'), 'viewer');
      await expectCode(t.addMember(tenant.id, uid('third'), 'viewer'), 'conflict');
      const late = { id: uid('late'), email: 'late@example.com', emailVerified: true };
      await expectCode(t.acceptInvitation(token, late), 'conflict');
      await t.updateTenant(tenant.id, { settings: { limits: { maxMembers: 10 } } });
      await t.suspendTenant(tenant.id);
      await expectCode(t.acceptInvitation(token, late), 'tenant_suspended');
      await t.reactivateTenant(tenant.id);
      expect((await t.acceptInvitation(token, late)).tenantId).toBe(tenant.id);
    });

    it('keeps an existing membership unchanged when a member accepts an invitation', async () => {
      const t = tenancy();
      const tenant = await t.createTenant({ name: 'A', slug: slug() }, { userId: 'ada' });
      const { token } = await t.inviteMember(tenant.id, { email: 'ada@example.com', role: 'viewer', invitedBy: 'ada' });
      const m = await t.acceptInvitation(token, { id: 'ada', email: 'ada@example.com', emailVerified: true });
      expect(m.role).toBe('admin');
    });

    it('deletes a tenant through the registered hooks, then its members and invitations', async () => {
      const t = tenancy();
      const admin = uid('admin');
      const tenant = await t.createTenant({ name: 'A', slug: slug() }, { userId: admin });
      const other = await t.createTenant({ name: 'B', slug: slug() }, { userId: admin });
      const { token } = await t.inviteMember(tenant.id, {
        email: 'ada@example.com',
        role: 'viewer',
        invitedBy: admin,
      });
      const calls: string[] = [];
      t.onTenantDeleted(async (x) => void calls.push(`files:${x.id}`));
      const off = t.onTenantDeleted(() => void calls.push('removed'));
      off();
      let failing = true;
      t.onTenantDeleted(() => {
        if (failing) throw new Error('audit store down');
        calls.push('audit');
      });
      await expect(t.deleteTenant(tenant.id)).rejects.toThrow('audit store down');
      expect((await t.getTenant(tenant.id)).status).toBe('suspended');
      failing = false;
      await t.deleteTenant(tenant.id);
      expect(calls).toEqual([`files:${tenant.id}`, `files:${tenant.id}`, 'audit']);
      await expectCode(t.getTenant(tenant.id), 'not_found');
      expect(await t.getMember(tenant.id, admin)).toBeNull();
      expect((await t.listTenantsForUser(admin)).items.map((m) => m.tenant.id)).toEqual([other.id]);
      await expectCode(
        t.acceptInvitation(token, { id: 'ada', email: 'ada@example.com', emailVerified: true }),
        'invitation_invalid',
      );
      await expectCode(t.deleteTenant(tenant.id), 'not_found');
    });
  });
}
