import type { Collection, Db, Document } from 'mongodb';
import { TenancyError } from '../errors.js';
import {
  ADMIN_ROLE,
  type Invitation,
  type Member,
  type Tenant,
  type TenantMembership,
  type TenantRole,
} from '../model.js';
import type { TenantSettings } from '../settings.js';
import type { TenantStore } from '../store.js';
import { mongoErrorToTenancyError } from './errors.js';

interface TenantDoc {
  id: string;
  name: string;
  slug: string;
  status: Tenant['status'];
  settings: TenantSettings;
  createdAt: Date;
  adminCount: number;
}
interface MemberDoc {
  tenantId: string;
  userId: string;
  role: TenantRole;
  joinedAt: Date;
}
interface InvitationDoc {
  id: string;
  tenantId: string;
  email: string;
  role: TenantRole;
  tokenHash: string;
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
}

const toTenant = (d: TenantDoc): Tenant => ({
  id: d.id,
  name: d.name,
  slug: d.slug,
  status: d.status,
  settings: d.settings ?? {},
  createdAt: new Date(d.createdAt),
});
const toMember = (d: MemberDoc): Member => ({
  tenantId: d.tenantId,
  userId: d.userId,
  role: d.role,
  joinedAt: new Date(d.joinedAt),
});
const toInvitation = (d: InvitationDoc): Invitation => ({
  id: d.id,
  tenantId: d.tenantId,
  email: d.email,
  role: d.role,
  invitedBy: d.invitedBy,
  createdAt: new Date(d.createdAt),
  expiresAt: new Date(d.expiresAt),
});

const lastAdmin = () =>
  new TenancyError('last_admin', 'the tenant must keep at least one admin: promote another member first');

/**
 * Options of {@link mongoTenantStore}.
 *
 * @example
 * ```ts
 * const options: MongoTenantStoreOptions = { collectionPrefix: 'tenancy_' };
 * ```
 */
export interface MongoTenantStoreOptions {
  /**
   * Prefix of the collection names (`<prefix>tenants`, `<prefix>members`, `<prefix>invitations`).
   * @default 'tenancy_'
   */
  collectionPrefix?: string;
}

/**
 * A {@link TenantStore} with its {@link MongoTenantStore.ensureIndexes | ensureIndexes()}.
 *
 * @example
 * ```ts
 * const store: MongoTenantStore = mongoTenantStore(client.db('app'));
 * await store.ensureIndexes();
 * ```
 */
export interface MongoTenantStore extends TenantStore {
  /** Creates the unique and lookup indexes (idempotent). Call once at start-up. */
  ensureIndexes(): Promise<void>;
}

/**
 * A {@link TenantStore} on MongoDB (official driver v6), without multi-document transactions:
 * - slugs and memberships are created with conditional upserts (`$setOnInsert`), backed by
 *   unique indexes ({@link MongoTenantStore.ensureIndexes});
 * - a custom domain is checked against other tenants before a write, and a unique index on
 *   `settings.customDomains` closes the race (servers that do not enforce unique indexes keep
 *   only the check);
 * - the last-admin rule is a per-tenant `adminCount` decremented with a conditional
 *   `findOneAndUpdate({ adminCount: { $gt: 1 } })` BEFORE an admin is demoted or removed (and
 *   given back if the member changed meanwhile), so two concurrent removals can never both pass;
 * - invitations are consumed with `findOneAndDelete` (single use).
 * Documents keep their own string `id`; `_id` stays a driver ObjectId.
 *
 * @example
 * ```ts
 * import { MongoClient } from 'mongodb';
 * import { createTenancy } from '@portalkit/tenancy';
 * import { mongoTenantStore } from '@portalkit/tenancy/mongodb';
 *
 * const client = await MongoClient.connect(process.env.MONGODB_URL!);
 * const store = mongoTenantStore(client.db('app'));
 * await store.ensureIndexes();
 * const tenancy = createTenancy({ store });
 * ```
 */
export function mongoTenantStore(db: Db, options: MongoTenantStoreOptions = {}): MongoTenantStore {
  const prefix = options.collectionPrefix ?? 'tenancy_';
  const tenants: Collection<TenantDoc> = db.collection<TenantDoc>(`${prefix}tenants`);
  const members: Collection<MemberDoc> = db.collection<MemberDoc>(`${prefix}members`);
  const invitations: Collection<InvitationDoc> = db.collection<InvitationDoc>(`${prefix}invitations`);
  const noId = { projection: { _id: 0 } } as const;

  const wrap = async <T>(fn: () => Promise<T>, conflict?: string): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw mongoErrorToTenancyError(error, conflict);
    }
  };
  const domainConflict = 'a custom domain in settings.customDomains belongs to another tenant';
  /**
   * `conflict` when another tenant lists one of `domains`. The unique index of ensureIndexes()
   * closes the race between this check and the write (on a server that enforces unique indexes).
   */
  const checkDomains = async (tenantId: string, domains: readonly string[] | undefined) => {
    if (!domains?.length) return;
    const other = await tenants.findOne(
      { 'settings.customDomains': { $in: [...domains] }, id: { $ne: tenantId } },
      { projection: { _id: 0, id: 1 } },
    );
    if (other) throw new TenancyError('conflict', domainConflict);
  };
  const requireTenantDoc = async (tenantId: string) => {
    if (!(await tenants.findOne({ id: tenantId }, noId))) throw new TenancyError('not_found', 'tenant not found');
  };
  const incAdmins = (tenantId: string, by: number) => tenants.updateOne({ id: tenantId }, { $inc: { adminCount: by } });
  /** Takes one admin "slot"; false when it is the last one. */
  const takeAdminSlot = async (tenantId: string) =>
    (await tenants.findOneAndUpdate({ id: tenantId, adminCount: { $gt: 1 } }, { $inc: { adminCount: -1 } })) !== null;
  /** Inserts a membership unless one exists; returns true when inserted. */
  const insertMember = async (member: Member) => {
    const result = await members.updateOne(
      { tenantId: member.tenantId, userId: member.userId },
      {
        $setOnInsert: {
          tenantId: member.tenantId,
          userId: member.userId,
          role: member.role,
          joinedAt: member.joinedAt,
        },
      },
      { upsert: true },
    );
    const inserted = result.upsertedCount > 0;
    if (inserted && member.role === ADMIN_ROLE) await incAdmins(member.tenantId, 1);
    return inserted;
  };

  const store: MongoTenantStore = {
    async ensureIndexes() {
      await tenants.createIndex({ id: 1 }, { unique: true });
      await tenants.createIndex({ slug: 1 }, { unique: true });
      // One tenant per custom domain (multikey unique index; tenants without domains are left out).
      // Replaces the non-unique index of earlier versions.
      await tenants.dropIndex('settings.customDomains_1').catch(() => undefined);
      await tenants.createIndex(
        { 'settings.customDomains': 1 },
        {
          unique: true,
          name: 'settings.customDomains_unique',
          partialFilterExpression: { 'settings.customDomains': { $type: 'string' } },
        },
      );
      await members.createIndex({ tenantId: 1, userId: 1 }, { unique: true });
      await members.createIndex({ userId: 1, tenantId: 1 });
      await invitations.createIndex({ id: 1 }, { unique: true });
      await invitations.createIndex({ tokenHash: 1 }, { unique: true });
      await invitations.createIndex({ tenantId: 1, email: 1 }, { unique: true });
    },
    async createTenant(tenant, owner) {
      const conflict = `slug "${tenant.slug}" or one of the custom domains is taken: choose another`;
      await checkDomains(tenant.id, tenant.settings.customDomains);
      await wrap(async () => {
        const result = await tenants.updateOne(
          { slug: tenant.slug },
          {
            $setOnInsert: {
              id: tenant.id,
              name: tenant.name,
              slug: tenant.slug,
              status: tenant.status,
              settings: tenant.settings,
              createdAt: tenant.createdAt,
              adminCount: 0,
            },
          },
          { upsert: true },
        );
        if (result.upsertedCount === 0) throw new TenancyError('conflict', conflict);
        if (owner) await insertMember(owner);
      }, conflict);
      return { ...tenant, settings: structuredClone(tenant.settings) };
    },
    async getTenant(id) {
      const doc = await tenants.findOne({ id }, noId);
      return doc ? toTenant(doc) : null;
    },
    async getTenantBySlug(slug) {
      const doc = await tenants.findOne({ slug }, noId);
      return doc ? toTenant(doc) : null;
    },
    async getTenantByDomain(domain) {
      // Oldest first: on a server without the unique index (CongoDB) a lost race could leave two.
      const [doc] = await tenants
        .find({ 'settings.customDomains': domain }, noId)
        .sort({ createdAt: 1, id: 1 })
        .limit(1)
        .toArray();
      return doc ? toTenant(doc) : null;
    },
    async updateTenant(id, patch) {
      const set: Partial<TenantDoc> = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.settings !== undefined) set.settings = patch.settings;
      if (Object.keys(set).length === 0) return store.getTenant(id);
      if (patch.settings !== undefined) await checkDomains(id, patch.settings.customDomains);
      const doc = await wrap(
        () => tenants.findOneAndUpdate({ id }, { $set: set }, { returnDocument: 'after', projection: { _id: 0 } }),
        domainConflict,
      );
      return doc ? toTenant(doc) : null;
    },
    async deleteTenant(id) {
      const result = await tenants.deleteOne({ id });
      await members.deleteMany({ tenantId: id });
      await invitations.deleteMany({ tenantId: id });
      return result.deletedCount > 0;
    },
    async listTenantsForUser(userId, page) {
      const filter: Document = { userId };
      if (page.after !== null) filter.tenantId = { $gt: page.after };
      const rows = await members.find(filter, noId).sort({ tenantId: 1 }).limit(page.limit).toArray();
      if (rows.length === 0) return [];
      const docs = await tenants.find({ id: { $in: rows.map((r) => r.tenantId) } }, noId).toArray();
      const byId = new Map(docs.map((d) => [d.id, d]));
      const out: TenantMembership[] = [];
      for (const r of rows) {
        const t = byId.get(r.tenantId);
        if (t) out.push({ tenant: toTenant(t), role: r.role, joinedAt: new Date(r.joinedAt) });
      }
      return out;
    },
    async addMember(member) {
      await requireTenantDoc(member.tenantId);
      const inserted = await wrap(() => insertMember(member), 'the user is already a member of this tenant');
      if (!inserted) throw new TenancyError('conflict', 'the user is already a member of this tenant');
      return toMember(member);
    },
    async getMember(tenantId, userId) {
      const doc = await members.findOne({ tenantId, userId }, noId);
      return doc ? toMember(doc) : null;
    },
    async listMembers(tenantId, page) {
      const filter: Document = { tenantId };
      if (page.after !== null) filter.userId = { $gt: page.after };
      return (await members.find(filter, noId).sort({ userId: 1 }).limit(page.limit).toArray()).map(toMember);
    },
    async updateMemberRole(tenantId, userId, role) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await members.findOne({ tenantId, userId }, noId);
        if (!current) return null;
        const demotion = current.role === ADMIN_ROLE && role !== ADMIN_ROLE;
        const promotion = current.role !== ADMIN_ROLE && role === ADMIN_ROLE;
        if (demotion && !(await takeAdminSlot(tenantId))) throw lastAdmin();
        const doc = await members.findOneAndUpdate(
          { tenantId, userId, role: current.role },
          { $set: { role } },
          { returnDocument: 'after', projection: { _id: 0 } },
        );
        if (!doc) {
          if (demotion) await incAdmins(tenantId, 1);
          continue; // changed concurrently: look again
        }
        if (promotion) await incAdmins(tenantId, 1);
        return toMember(doc);
      }
      throw new TenancyError('conflict', 'the membership kept changing concurrently: retry');
    },
    async removeMember(tenantId, userId) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await members.findOne({ tenantId, userId }, noId);
        if (!current) return false;
        const admin = current.role === ADMIN_ROLE;
        if (admin && !(await takeAdminSlot(tenantId))) throw lastAdmin();
        const result = await members.deleteOne({ tenantId, userId, role: current.role });
        if (result.deletedCount > 0) return true;
        if (admin) await incAdmins(tenantId, 1);
      }
      throw new TenancyError('conflict', 'the membership kept changing concurrently: retry');
    },
    async countMembers(tenantId) {
      return members.countDocuments({ tenantId });
    },
    async putInvitation(invitation) {
      await requireTenantDoc(invitation.tenantId);
      const doc: InvitationDoc = {
        id: invitation.id,
        tenantId: invitation.tenantId,
        email: invitation.email,
        role: invitation.role,
        tokenHash: invitation.tokenHash,
        invitedBy: invitation.invitedBy,
        createdAt: invitation.createdAt,
        expiresAt: invitation.expiresAt,
      };
      await wrap(
        () => invitations.updateOne({ tenantId: doc.tenantId, email: doc.email }, { $set: doc }, { upsert: true }),
        'an invitation with this id or token exists',
      );
      return toInvitation(doc);
    },
    async listInvitations(tenantId, now) {
      const docs = await invitations
        .find({ tenantId, expiresAt: { $gt: now } }, noId)
        .sort({ createdAt: 1, id: 1 })
        .toArray();
      return docs.map(toInvitation);
    },
    async deleteInvitation(tenantId, id) {
      return (await invitations.deleteOne({ tenantId, id })).deletedCount > 0;
    },
    async findInvitationByTokenHash(tokenHash) {
      const doc = await invitations.findOne({ tokenHash }, noId);
      return doc ? toInvitation(doc) : null;
    },
    async acceptInvitation({ tokenHash, email, userId, now }) {
      const invitation = await invitations.findOneAndDelete({ tokenHash, email, expiresAt: { $gt: now } });
      if (!invitation) return null;
      if (!(await tenants.findOne({ id: invitation.tenantId }, noId))) return null;
      await wrap(() => insertMember({ tenantId: invitation.tenantId, userId, role: invitation.role, joinedAt: now }));
      const doc = await members.findOne({ tenantId: invitation.tenantId, userId }, noId);
      return doc ? toMember(doc) : null;
    },
  };
  return store;
}
