import { isAuthError } from '@portalkit/auth';
import { mapMongoError, mongoAuthStore } from '@portalkit/auth/mongodb';
import { CONGODB_SKIP_REASON, realMongo, useMongoDatabase } from '@portalkit/test-utils';
import { type Db, MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuthServiceSuite } from './conformance/service-suite.js';
import { runAuthStoreSuite } from './conformance/store-suite.js';

const mongo = useMongoDatabase();
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await MongoClient.connect(mongo.url);
  db = client.db(mongo.dbName);
  await mongoAuthStore(db).ensureIndexes();
});
afterAll(async () => {
  await client?.close();
});

describe('mongodb AuthStore', () => {
  it('maps driver errors to typed errors', () => {
    const dup = new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 });
    const conflict = new MongoServerError({ message: 'WriteConflict', code: 112 });
    expect(mapMongoError(dup).code).toBe('conflict');
    expect(mapMongoError(dup).cause).toBe(dup);
    expect(mapMongoError(conflict).code).toBe('unavailable');
    expect(mapMongoError(new Error('socket closed')).code).toBe('unavailable');
    const own = mapMongoError(dup);
    expect(mapMongoError(own)).toBe(own);
    expect(isAuthError(mapMongoError('x'))).toBe(true);
  });

  it('keeps string ids next to ObjectId _ids and never stores a token in clear', async () => {
    const store = mongoAuthStore(db, { collectionPrefix: 'layout_' });
    await store.createUser({ id: 'u1', email: 'a@example.com', name: 'A', passwordHash: 'h', createdAt: new Date() });
    await store.createSession(
      {
        id: 's1',
        userId: 'u1',
        tenantId: null,
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 1e6),
        ip: null,
        userAgent: null,
      },
      { hash: 'hash-of-token', expiresAt: new Date(Date.now() + 1e6) },
    );
    const raw = await db.collection('layout_users').findOne({ id: 'u1' });
    expect(raw?._id?.constructor.name).toBe('ObjectId');
    const token = await db.collection('layout_refresh_tokens').findOne({ sessionId: 's1' });
    expect(Object.keys(token ?? {}).sort()).toEqual(['_id', 'createdAt', 'expiresAt', 'hash', 'sessionId', 'usedAt']);
  });

  runAuthStoreSuite(
    `mongodb (${realMongo() ? 'real MongoDB' : 'CongoDB'})`,
    () => mongoAuthStore(db),
    realMongo()
      ? {}
      : {
          uniqueIndexes: false,
          skipReason: CONGODB_SKIP_REASON,
          // CongoDB answers "Server ended moreToCome unexpectedly" and resets the pool under tens
          // of parallel findOneAndUpdate calls: the driver error is the server's, not a lost race.
          concurrency: false,
          concurrencySkipReason:
            'CongoDB drops replies under tens of parallel operations; set MONGODB_URL to a real MongoDB to run the parallel rotation and single-use tests',
        },
  );

  runAuthServiceSuite(
    `mongodb (${realMongo() ? 'real MongoDB' : 'CongoDB'})`,
    () => mongoAuthStore(db),
    realMongo()
      ? {}
      : {
          concurrency: false,
          skipReason: 'CongoDB drops replies under tens of parallel operations; set MONGODB_URL to a real MongoDB',
        },
  );
});
