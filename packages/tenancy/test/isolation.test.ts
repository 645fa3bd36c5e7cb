/**
 * The isolation suite: two tenants with data. For every operation of the Kysely plugin, the
 * scoped Mongo collection and the TenantStore adapters, tenant B can neither see, count, change
 * nor delete tenant A's rows, and every scoped operation without a tenant in context throws.
 */
import {
  createTenancy,
  dangerouslyBypassTenantScope,
  isTenancyError,
  memoryTenantStore,
  runWithTenant,
  type TenantStore,
} from '@portalkit/tenancy';
import { kyselyTenantStore, migrateTenancy, tenantScopePlugin } from '@portalkit/tenancy/kysely';
import { mongoTenantStore, scopedCollection } from '@portalkit/tenancy/mongodb';
import { needs, useMongoDatabase, useTestDatabase } from '@portalkit/test-utils';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { type Collection, type Db, MongoClient } from 'mongodb';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (error) {
    return isTenancyError(error) ? error.code : String(error);
  }
}

const database = useTestDatabase();
const mongo = useMongoDatabase();

interface SqlDB {
  items: { id: string; tenant_id: string; label: string; n: number };
}

describe.skipIf(!needs('postgres', 'tenancy isolation (kysely)'))('isolation: Kysely plugin', () => {
  let raw: Kysely<SqlDB>;
  let db: Kysely<SqlDB>;
  const snapshotA = () => raw.selectFrom('items').selectAll().where('tenant_id', '=', 'A').orderBy('id').execute();
  let before: SqlDB['items'][];

  beforeAll(async () => {
    raw = new Kysely<SqlDB>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }),
    });
    db = raw.withPlugin(tenantScopePlugin({ tables: ['items'] }));
    await sql`create table items (id text primary key, tenant_id text not null, label text not null, n int not null default 0)`.execute(
      raw,
    );
  });
  afterAll(async () => {
    await raw?.destroy();
  });
  beforeEach(async () => {
    await raw.deleteFrom('items').execute();
    await raw
      .insertInto('items')
      .values([
        { id: 'a1', tenant_id: 'A', label: 'alpha', n: 1 },
        { id: 'a2', tenant_id: 'A', label: 'beta', n: 2 },
        { id: 'b1', tenant_id: 'B', label: 'alpha', n: 3 },
      ])
      .execute();
    before = await snapshotA();
  });

  const operations: Record<string, () => Promise<unknown>> = {
    'select by id': () => db.selectFrom('items').selectAll().where('id', '=', 'a1').execute(),
    'select by shared label': () => db.selectFrom('items').select('id').where('label', '=', 'alpha').execute(),
    count: () =>
      db
        .selectFrom('items')
        .select((eb) => eb.fn.countAll<string>().as('c'))
        .executeTakeFirstOrThrow(),
    'update by id': () => db.updateTable('items').set({ label: 'pwned' }).where('id', '=', 'a1').execute(),
    'update all': () => db.updateTable('items').set({ n: 99 }).execute(),
    'delete by id': () => db.deleteFrom('items').where('id', '=', 'a2').execute(),
    'delete all': () => db.deleteFrom('items').execute(),
    'upsert onto an A id': () =>
      db
        .insertInto('items')
        .values({ id: 'a1', label: 'pwned', n: 0 } as SqlDB['items'])
        .onConflict((oc) => oc.column('id').doUpdateSet({ label: 'pwned' }))
        .execute(),
  };

  it.each(Object.keys(operations))('B cannot see or touch A rows: %s', async (name) => {
    const result = await runWithTenant('B', () => (operations[name] as () => Promise<unknown>)());
    const text = JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    expect(text).not.toContain('a1');
    expect(text).not.toContain('a2');
    if (name === 'count') expect(Number((result as { c: string }).c)).toBe(1);
    expect(await snapshotA()).toEqual(before);
  });

  it('B cannot insert a row for A', async () => {
    expect(
      await codeOf(() =>
        runWithTenant('B', () =>
          db.insertInto('items').values({ id: 'x', tenant_id: 'A', label: 'x', n: 0 }).execute(),
        ),
      ),
    ).toBe('tenant_mismatch');
    expect(
      await codeOf(() => runWithTenant('B', () => db.updateTable('items').set({ tenant_id: 'A' }).execute())),
    ).toBe('tenant_mismatch');
    expect(await snapshotA()).toEqual(before);
  });

  it.each([...Object.keys(operations), 'insert'])('throws without a tenant: %s', async (name) => {
    const op =
      operations[name] ??
      (() =>
        db
          .insertInto('items')
          .values({ id: 'z', label: 'z', n: 0 } as SqlDB['items'])
          .execute());
    expect(await codeOf(op)).toBe('no_tenant');
    expect(await snapshotA()).toEqual(before);
  });
});

interface Note {
  id: string;
  tenantId: string;
  label: string;
  n: number;
}

describe('isolation: scoped MongoDB collection', () => {
  let client: MongoClient;
  let mdb: Db;
  let raw: Collection<Note>;
  let notes: ReturnType<typeof scopedCollection<Note>>;
  const snapshotA = async () =>
    (await raw.find({ tenantId: 'A' }, { projection: { _id: 0 } }).toArray()).sort((x, y) => (x.id < y.id ? -1 : 1));
  let before: Note[];

  beforeAll(async () => {
    client = new MongoClient(mongo.url);
    await client.connect();
    mdb = client.db(mongo.dbName);
    raw = mdb.collection<Note>('notes');
    notes = scopedCollection(raw);
  });
  afterAll(async () => {
    await client?.close();
  });
  beforeEach(async () => {
    await raw.deleteMany({});
    await raw.insertMany([
      { id: 'a1', tenantId: 'A', label: 'alpha', n: 1 },
      { id: 'a2', tenantId: 'A', label: 'beta', n: 2 },
      { id: 'b1', tenantId: 'B', label: 'alpha', n: 3 },
    ]);
    before = await snapshotA();
  });

  const operations: Record<string, () => Promise<unknown>> = {
    find: () => notes.find({}).toArray(),
    'find with a tenantId condition of its own': () =>
      notes.find({ $or: [{ tenantId: 'A' }, { label: 'alpha' }] }).toArray(),
    findOne: () => notes.findOne({ id: 'a1' }),
    countDocuments: () => notes.countDocuments({}),
    distinct: () => notes.distinct('id'),
    aggregate: () =>
      notes.aggregate([{ $match: { label: { $in: ['alpha', 'beta'] } } }, { $project: { _id: 0, id: 1 } }]).toArray(),
    updateOne: () => notes.updateOne({ id: 'a1' }, { $set: { label: 'pwned' } }),
    updateMany: () => notes.updateMany({}, { $inc: { n: 100 } }),
    replaceOne: () => notes.replaceOne({ id: 'a1' }, { id: 'a1', label: 'pwned', n: 0 } as Note),
    deleteOne: () => notes.deleteOne({ id: 'a2' }),
    deleteMany: () => notes.deleteMany({}),
    findOneAndUpdate: () =>
      notes.findOneAndUpdate({ id: 'a1' }, { $set: { label: 'pwned' } }, { projection: { _id: 0 } }),
    findOneAndReplace: () => notes.findOneAndReplace({ id: 'a1' }, { id: 'a1', label: 'pwned', n: 0 } as Note),
    findOneAndDelete: () => notes.findOneAndDelete({ id: 'a1' }),
  };

  it.each(Object.keys(operations))('B cannot see, count, change or delete A documents: %s', async (name) => {
    const result = await runWithTenant('B', () => (operations[name] as () => Promise<unknown>)());
    // Drop `_id`: a random ObjectId's hex could contain "a1" by chance.
    const text = JSON.stringify(result ?? null, (k, v) => (k === '_id' ? undefined : v));
    expect(text).not.toContain('a1');
    expect(text).not.toContain('a2');
    if (name === 'countDocuments') expect(result).toBe(1);
    expect(await snapshotA()).toEqual(before);
  });

  it.each([...Object.keys(operations), 'insertOne', 'insertMany'])('throws without a tenant: %s', async (name) => {
    const op =
      operations[name] ??
      (name === 'insertOne'
        ? () => notes.insertOne({ id: 'z', label: 'z', n: 0 } as Note)
        : () => notes.insertMany([{ id: 'z', label: 'z', n: 0 } as Note]));
    expect(await codeOf(op)).toBe('no_tenant');
    expect(await snapshotA()).toEqual(before);
    expect(await raw.countDocuments({})).toBe(3);
  });

  it('injects the tenant into inserts, upserts and findOneAndUpdate, and puts $match first', async () => {
    await runWithTenant('B', async () => {
      await notes.insertOne({ id: 'b2', label: 'new', n: 0 } as Note);
      await notes.insertMany([{ id: 'b3', label: 'x', n: 0 } as Note, { id: 'b4', tenantId: 'B', label: 'y', n: 0 }]);
      await notes.updateOne({ id: 'b5' }, { $set: { label: 'upserted' } }, { upsert: true });
      await notes.updateOne({ id: 'b6', tenantId: 'B' }, { $set: { label: 'upserted' } }, { upsert: true });
      const updated = await notes.findOneAndUpdate({ id: 'b1' }, { $inc: { n: 1 } }, { returnDocument: 'after' });
      expect(updated?.n).toBe(4);
      expect(await notes.countDocuments({ label: { $in: ['new', 'x', 'y', 'upserted'] } })).toBe(5);
      const grouped = await notes
        .aggregate<{ _id: null; total: number }>([{ $group: { _id: null, total: { $sum: 1 } } }])
        .toArray();
      expect(grouped[0]?.total).toBe(6);
    });
    const tenants = await raw.find({ id: { $in: ['b2', 'b3', 'b4', 'b5', 'b6'] } }).toArray();
    expect(tenants.map((t) => t.tenantId)).toEqual(['B', 'B', 'B', 'B', 'B']);
  });

  it('refuses documents and updates naming another tenant, and cross-collection stages', async () => {
    const asB = (fn: () => unknown) => codeOf(() => runWithTenant('B', fn));
    expect(await asB(() => notes.insertOne({ id: 'x', tenantId: 'A', label: 'x', n: 0 }))).toBe('tenant_mismatch');
    expect(
      await asB(() =>
        notes.insertMany([{ id: 'y', label: 'y', n: 0 } as Note, { id: 'x', tenantId: 'A', label: 'x', n: 0 }]),
      ),
    ).toBe('tenant_mismatch');
    expect(await asB(() => notes.updateMany({}, { $set: { tenantId: 'A' } }))).toBe('tenant_mismatch');
    expect(await asB(() => notes.updateOne({}, { $unset: { tenantId: '' } }))).toBe('tenant_mismatch');
    expect(await asB(() => notes.updateOne({}, { $rename: { label: 'tenantId' } }))).toBe('tenant_mismatch');
    expect(await asB(() => notes.findOneAndUpdate({}, { $set: { tenantId: 'A' } }))).toBe('tenant_mismatch');
    expect(await asB(() => notes.replaceOne({ id: 'b1' }, { id: 'b1', tenantId: 'A', label: 'x', n: 0 }))).toBe(
      'tenant_mismatch',
    );
    expect(await asB(() => notes.updateOne({}, [{ $set: { tenantId: 'A' } }] as never))).toBe('unsupported_query');
    expect(
      await asB(() => notes.aggregate([{ $lookup: { from: 'other', localField: 'id', foreignField: 'id', as: 'x' } }])),
    ).toBe('unsupported_query');
    expect(await asB(() => notes.aggregate([{ $facet: { a: [{ $unionWith: 'other' }] } }]))).toBe('unsupported_query');
    expect(
      await asB(() => notes.updateOne({ id: 'b1' }, { $set: { tenantId: 'B', label: 'same tenant is fine' } })),
    ).toBe('ok');
    expect(await raw.countDocuments({ tenantId: 'A' })).toBe(2);
    expect(await raw.countDocuments({ tenantId: 'B' })).toBe(1);
  });

  it('returns cursors whose scope cannot be undone', async () => {
    const asB = (fn: () => unknown) => codeOf(() => runWithTenant('B', fn));
    expect(await asB(() => notes.find({}).filter({ label: 'alpha' }).toArray())).toBe('unsupported_query');
    expect(await asB(() => notes.find({}).clone().filter({}).toArray())).toBe('unsupported_query');
    const cloned = await runWithTenant('B', () => notes.find({}).clone().toArray());
    expect(cloned.map((n) => n.id)).toEqual(['b1']);
    expect(
      await asB(() =>
        notes
          .aggregate([])
          .addStage({ $unionWith: { coll: 'notes' } })
          .toArray(),
      ),
    ).toBe('unsupported_query');
    expect(await asB(() => notes.aggregate([]).lookup({ from: 'notes', pipeline: [], as: 'all' }).toArray())).toBe(
      'unsupported_query',
    );
    expect(await asB(() => notes.aggregate([]).clone().addStage({ $unionWith: 'notes' }).toArray())).toBe(
      'unsupported_query',
    );
    expect(
      await asB(() =>
        notes
          .aggregate([{ $set: { tenantId: 'A', id: 'forged' } }])
          .out('notes')
          .toArray(),
      ),
    ).toBe('unsupported_query');
    expect(
      await asB(() =>
        notes
          .aggregate([{ $project: { _id: 0 } }])
          .addStage({ $merge: { into: 'notes' } })
          .toArray(),
      ),
    ).toBe('unsupported_query');
    // The pipeline cannot be edited in place, and a stage changed after the call is not sent.
    const stage: Record<string, unknown> = { $match: {} };
    const cursor = runWithTenant('B', () => notes.aggregate([stage]));
    stage.$unionWith = 'notes';
    (cursor.pipeline as unknown as unknown[]).push({ $unionWith: 'notes' });
    const rows = await runWithTenant('B', () => cursor.project({ _id: 0, id: 1 }).toArray());
    expect(rows).toEqual([{ id: 'b1' }]);
    expect(await runWithTenant('B', () => notes.aggregate([]).match({ label: 'alpha' }).toArray())).toHaveLength(1);
    expect(await raw.countDocuments({})).toBe(3);
    expect(await snapshotA()).toEqual(before);
  });

  it('refuses updates, filters and documents it cannot read as plain objects', async () => {
    const asB = (fn: () => unknown) => codeOf(() => runWithTenant('B', fn));
    expect(await asB(() => notes.updateOne({ id: 'b1' }, { $set: new Map([['tenantId', 'A']]) } as never))).toBe(
      'unsupported_query',
    );
    expect(await asB(() => notes.updateOne({ id: 'b1' }, new Map([['$set', { tenantId: 'A' }]]) as never))).toBe(
      'unsupported_query',
    );
    const toBSON = () => ({ tenantId: 'A' });
    expect(await asB(() => notes.updateOne({ id: 'b1' }, { $set: { label: 'x', toBSON } } as never))).toBe(
      'unsupported_query',
    );
    expect(await asB(() => notes.insertOne({ id: 'x', label: 'x', n: 0, toBSON } as never))).toBe('unsupported_query');
    expect(await asB(() => notes.find({ toBSON: () => ({}) } as never).toArray())).toBe('unsupported_query');
    // A getter is read once: what was checked is what is sent.
    let reads = 0;
    const sneaky = {
      get tenantId() {
        reads++;
        return reads === 1 ? 'B' : 'A';
      },
    };
    await runWithTenant('B', () => notes.updateOne({ id: 'b1' }, { $set: sneaky } as never));
    expect(await raw.countDocuments({ tenantId: 'B' })).toBe(1);
    expect(await snapshotA()).toEqual(before);
  });

  it('the escape hatch sees every tenant', async () => {
    const all = await dangerouslyBypassTenantScope('test: platform report', () => notes.countDocuments({}));
    expect(all).toBe(3);
  });
});

describe('isolation: TenantStore adapters (tenant-keyed operations)', () => {
  const adapters: Array<[string, () => Promise<TenantStore | null>]> = [['memory', async () => memoryTenantStore()]];
  let pgDb: Kysely<Record<string, never>> | undefined;
  let mongoClient: MongoClient | undefined;
  beforeAll(async () => {
    if (database.url) {
      pgDb = new Kysely<Record<string, never>>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 4 }) }),
      });
      await migrateTenancy(pgDb);
    }
    mongoClient = new MongoClient(mongo.url);
    await mongoClient.connect();
  });
  afterAll(async () => {
    await pgDb?.destroy();
    await mongoClient?.close();
  });
  adapters.push(['kysely', async () => (pgDb ? kyselyTenantStore(pgDb) : null)]);
  adapters.push(['mongodb', async () => (mongoClient ? mongoTenantStore(mongoClient.db(mongo.dbName)) : null)]);

  it.each(adapters.map(([name]) => name))(
    'an admin of B cannot reach A members or invitations through B: %s',
    async (name) => {
      const factory = adapters.find(([n]) => n === name)?.[1];
      const store = factory ? await factory() : null;
      if (!store) throw new Error(`${name} adapter unavailable`);
      const t = createTenancy({ store });
      const stamp = Date.now().toString(36);
      const a = await t.createTenant({ name: 'A', slug: `iso-a-${name}-${stamp}` }, { userId: `alice-${stamp}` });
      const b = await t.createTenant({ name: 'B', slug: `iso-b-${name}-${stamp}` }, { userId: `bob-${stamp}` });
      await t.addMember(a.id, `carol-${stamp}`, 'editor');
      const { invitation } = await t.inviteMember(a.id, {
        email: 'dave@example.com',
        role: 'viewer',
        invitedBy: `alice-${stamp}`,
      });

      expect((await t.listMembers(b.id)).items.map((m) => m.userId)).toEqual([`bob-${stamp}`]);
      expect((await t.listInvitations(b.id)).items).toEqual([]);
      expect(await store.countMembers(b.id)).toBe(1);
      expect(await t.getMember(b.id, `carol-${stamp}`)).toBeNull();
      expect(await codeOf(() => t.changeMemberRole(b.id, `carol-${stamp}`, 'admin'))).toBe('not_found');
      expect(await codeOf(() => t.removeMember(b.id, `carol-${stamp}`))).toBe('not_found');
      expect(await codeOf(() => t.revokeInvitation(b.id, invitation.id))).toBe('not_found');
      expect(await codeOf(() => t.requireAccess(a.id, `bob-${stamp}`))).toBe('not_found');

      expect(await t.getMember(a.id, `carol-${stamp}`)).toMatchObject({ role: 'editor' });
      expect((await t.listInvitations(a.id)).items.map((i) => i.id)).toEqual([invitation.id]);
    },
  );
});
