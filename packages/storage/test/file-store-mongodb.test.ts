import { type MongoFileStore, mapMongoError, mongoFileStore } from '@portalkit/storage/mongodb';
import { realMongo, useMongoDatabase } from '@portalkit/test-utils';
import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFileStoreSuite } from './conformance/file-store-suite.js';

const mongo = useMongoDatabase();
let client: MongoClient;
let store: MongoFileStore;

beforeAll(async () => {
  client = await new MongoClient(mongo.url).connect();
  store = mongoFileStore(client.db(mongo.dbName));
  await store.ensureIndexes();
});
afterAll(async () => {
  await client?.close();
});

runFileStoreSuite(`mongodb (${realMongo() ? 'real' : 'CongoDB'})`, () => store, { enforcesUnique: realMongo });

describe('mongodb error mapping', () => {
  it('maps duplicate keys to conflict and write conflicts to provider_unavailable', () => {
    expect(mapMongoError(new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key' }), 'x').code).toBe(
      'conflict',
    );
    expect(mapMongoError(new MongoServerError({ code: 112, errmsg: 'WriteConflict' }), 'x').code).toBe(
      'provider_unavailable',
    );
    const mapped = mapMongoError(new MongoServerError({ code: 2, errmsg: 'bad' }), 'x');
    expect(mapped.code).toBe('provider_unavailable');
    expect(mapped.cause).toBeInstanceOf(MongoServerError);
  });
});
