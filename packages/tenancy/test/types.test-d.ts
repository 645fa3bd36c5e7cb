import {
  type AccessInvalidationBus,
  currentTenant,
  type InvitationDelivery,
  type Member,
  runWithTenant,
  type TenancyOptions,
  type TenancyService,
  type Tenant,
  type TenantDeletedHook,
  type TenantRole,
} from '@portalkit/tenancy';
import { type ScopedCollection, scopedCollection } from '@portalkit/tenancy/mongodb';
import type { Collection } from 'mongodb';
import { describe, expectTypeOf, it } from 'vitest';

describe('public types', () => {
  it('keeps the built-in roles and accepts custom ones', () => {
    expectTypeOf<'admin'>().toMatchTypeOf<TenantRole>();
    expectTypeOf<'billing'>().toMatchTypeOf<TenantRole>();
  });

  it('returns what the callback returns from runWithTenant and types currentTenant', () => {
    expectTypeOf(runWithTenant('t', () => 42)).toEqualTypeOf<number>();
    expectTypeOf(currentTenant<Tenant>()).toEqualTypeOf<Tenant | undefined>();
  });

  it('exposes the service operations with their result types', () => {
    expectTypeOf<TenancyService['createTenant']>().returns.resolves.toEqualTypeOf<Tenant>();
    expectTypeOf<TenancyService['changeMemberRole']>().returns.resolves.toEqualTypeOf<Member>();
    expectTypeOf<ReturnType<TenancyService['listMembers']>>()
      .resolves.toHaveProperty('nextCursor')
      .toEqualTypeOf<string | null>();
  });

  it('keeps the document type through scopedCollection', () => {
    type Note = { id: string; tenantId: string; text: string };
    const wrap = (c: Collection<Note>) => scopedCollection(c);
    expectTypeOf(wrap).returns.toEqualTypeOf<ScopedCollection<Note>>();
    expectTypeOf<Awaited<ReturnType<ScopedCollection<Note>['findOne']>>>().toMatchTypeOf<Note | null>();
  });

  it('hooks may resolve to a value, which is awaited and ignored', () => {
    const purge = async (_tenant: Tenant) => ({ deleted: 3 });
    const sendInvite = async (_d: InvitationDelivery) => ({ messageId: '<1@example.com>' });
    const publish = async () => 1; // ioredis' publish resolves to the number of receivers
    expectTypeOf(purge).toMatchTypeOf<TenantDeletedHook>();
    expectTypeOf(sendInvite).toMatchTypeOf<NonNullable<TenancyOptions['deliverInvitation']>>();
    expectTypeOf({
      publish,
      subscribe: (() => () => {}) as AccessInvalidationBus['subscribe'],
    }).toMatchTypeOf<AccessInvalidationBus>();
  });
});
