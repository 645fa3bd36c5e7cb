import { isTenancyError } from '@portalkit/tenancy';
import { mongoErrorToTenancyError, mongoTenantStore } from '@portalkit/tenancy/mongodb';
import { CONGODB_SKIP_REASON, realMongo, useMongoDatabase } from '@portalkit/test-utils';
import { type Db, MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTenantStoreSuite } from './conformance/store-suite.js';

const mongo = useMongoDatabase();
let client: MongoClient;
let db: Db;

describe('mongodb TenantStore', () => {
  beforeAll(async () => {
    client = new MongoClient(mongo.url);
    await client.connect();
    db = client.db(mongo.dbName);
    await mongoTenantStore(db).ensureIndexes();
  });
  afterAll(async () => {
    await client?.close();
  });

  it('maps driver errors to typed errors', () => {
    const dup = mongoErrorToTenancyError(
      new MongoServerError({ message: 'E11000 duplicate key', code: 11000 }),
      'slug taken',
    );
    expect(dup.code).toBe('conflict');
    expect(dup.message).toContain('slug taken');
    expect(dup.cause).toBeInstanceOf(MongoServerError);
    expect(mongoErrorToTenancyError(new MongoServerError({ message: 'WriteConflict', code: 112 })).code).toBe(
      'conflict',
    );
    expect(mongoErrorToTenancyError(new MongoServerError({ message: 'boom', code: 2 })).code).toBe('internal');
    expect(isTenancyError(mongoErrorToTenancyError(new Error('x')))).toBe(true);
  });

  it.skipIf(!realMongo())(`enforces unique slugs under concurrency (${CONGODB_SKIP_REASON})`, async () => {
    const store = mongoTenantStore(db);
    const slug = `race-${Date.now()}`;
    const make = (id: string) =>
      store.createTenant({ id, name: id, slug, status: 'active', settings: {}, createdAt: new Date() });
    const results = await Promise.allSettled([make('r1'), make('r2'), make('r3')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it.skipIf(!realMongo())(
    `gives a custom domain to one tenant under concurrency (${CONGODB_SKIP_REASON})`,
    async () => {
      const store = mongoTenantStore(db);
      const domain = `race-${Date.now().toString(36)}.example.com`;
      const make = (id: string) =>
        store.createTenant({
          id,
          name: id,
          slug: `${id}-${Date.now().toString(36)}`,
          status: 'active',
          settings: { customDomains: [domain] },
          createdAt: new Date(),
        });
      const results = await Promise.allSettled([make('d1'), make('d2'), make('d3')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    },
  );

  runTenantStoreSuite(`mongodb (${realMongo() ? 'real MongoDB' : 'CongoDB'})`, () => mongoTenantStore(db), {
    uniqueIndexes: true,
    getAccess: false,
  });
});
