/**
 * @portalkit/test-utils: fixtures every package's tests share. Each fixture registers its own
 * `beforeAll`/`afterAll`, so a test file calls it once at the top level and reads the value
 * inside its tests:
 *
 * ```ts
 * const db = useTestDatabase(); // a fresh PostgreSQL database for this file, dropped afterwards
 * it('works', async () => { const pool = new pg.Pool({ connectionString: db.url }); ... });
 * ```
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { HOW_TO_START, type MongoInfo, type S3Info, type ServiceInfo } from './services.js';

export type { MongoInfo, S3Info, ServiceInfo } from './services.js';

/** The services of this run, as the global setup found or started them. */
export function services(): ServiceInfo {
  return inject('portalkitServices');
}

const warned = new Set<string>();

/**
 * True when the named service is available. When it is not (only possible outside CI, where the
 * global setup fails the run instead), prints one visible line saying which suite is skipped and
 * how to start the service. Use with `describe.skipIf(!needs('postgres', 'kysely FileStore'))`.
 */
export function needs(service: 'postgres' | 'redis', suite: string): boolean {
  const info = services();
  const up = service === 'postgres' ? info.postgresUrl !== null : info.redisUrl !== null;
  if (!up && !warned.has(suite)) {
    warned.add(suite);
    console.warn(`[portalkit/test] SKIPPED "${suite}": ${HOW_TO_START[service]}`);
  }
  return up;
}

/** A short random id for names of test databases, buckets and key prefixes. */
export function randomName(prefix: string): string {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}

/** Handle filled in by {@link useTestDatabase} before the file's tests run. */
export interface TestDatabase {
  /** Connection string of the fresh database. */
  url: string;
  /** Its name. */
  name: string;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Creates a fresh PostgreSQL database with a random name for this test file (beforeAll) and drops
 * it afterwards (afterAll). Does nothing when PostgreSQL is absent outside CI: guard the suite
 * with {@link needs}.
 */
export function useTestDatabase(): TestDatabase {
  const handle: TestDatabase = { url: '', name: '' };
  beforeAll(async () => {
    const admin = services().postgresUrl;
    if (!admin) return;
    const { default: pg } = await import('pg');
    const name = randomName('pk_test_');
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    handle.name = name;
    handle.url = withDatabase(admin, name);
  });
  afterAll(async () => {
    const admin = services().postgresUrl;
    if (!admin || !handle.name) return;
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      // Pools a test has just ended may still be closing their connections. Forcing the drop while
      // they are would make the server send them a FATAL 57P01 that surfaces in the test process
      // as an unhandled error, so give them a bounded moment to go away first.
      for (let i = 0; i < 50; i++) {
        const { rows } = await client.query<{ n: number }>(
          'select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [handle.name],
        );
        if ((rows[0]?.n ?? 0) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await client.query(`DROP DATABASE IF EXISTS "${handle.name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  });
  return handle;
}

/** Handle filled in by {@link useRedis}. */
export interface TestRedis {
  /** Redis connection string. */
  url: string;
  /** Key prefix owned by this test file; every key under it is deleted afterwards. */
  prefix: string;
}

/** A Redis key prefix for this test file; keys under it are removed in afterAll. */
export function useRedis(): TestRedis {
  const handle: TestRedis = { url: '', prefix: `${randomName('pk:test:')}:` };
  beforeAll(() => {
    handle.url = services().redisUrl ?? '';
  });
  afterAll(async () => {
    if (!handle.url) return;
    const { Redis } = await import('ioredis');
    const redis = new Redis(handle.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${handle.prefix}*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  });
  return handle;
}

/** Handle filled in by {@link useS3Bucket}: settings for an S3 client pointed at s3rver. */
export interface TestBucket extends S3Info {
  bucket: string;
}

/**
 * Creates a fresh bucket on the run's s3rver (beforeAll) and removes it with its objects
 * (afterAll). The project must list `s3` in `portalkitProject({ needs })`.
 */
export function useS3Bucket(): TestBucket {
  const handle = { bucket: randomName('pk-test-') } as TestBucket;
  const client = async () => {
    const info = services().s3;
    if (!info) throw new Error('[portalkit/test] s3rver was not started: add "s3" to portalkitProject({ needs })');
    const { S3Client } = await import('@aws-sdk/client-s3');
    return new S3Client({
      endpoint: info.endpoint,
      region: info.region,
      forcePathStyle: true,
      credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    });
  };
  beforeAll(async () => {
    Object.assign(handle, services().s3);
    const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const s3 = await client();
    await s3.send(new CreateBucketCommand({ Bucket: handle.bucket }));
    s3.destroy();
  });
  afterAll(async () => {
    const { ListObjectsV2Command, DeleteObjectCommand, DeleteBucketCommand } = await import('@aws-sdk/client-s3');
    const s3 = await client();
    try {
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: handle.bucket, ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          await s3.send(new DeleteObjectCommand({ Bucket: handle.bucket, Key: object.Key }));
        }
        token = page.NextContinuationToken;
      } while (token);
      await s3.send(new DeleteBucketCommand({ Bucket: handle.bucket }));
    } finally {
      s3.destroy();
    }
  });
  return handle;
}

/**
 * The `STORAGE_*` environment of @portalkit/platform (and the example servers) for a bucket of
 * {@link useS3Bucket} on the run's s3rver. Call it inside a test or hook (the bucket exists then).
 */
export function s3StorageEnv(bucket: TestBucket): Record<string, string> {
  const s3 = services().s3;
  if (!s3) throw new Error('[portalkit/test] s3rver was not started: add "s3" to portalkitProject({ needs })');
  return {
    STORAGE_PROVIDER: 's3-compatible',
    STORAGE_ENDPOINT: s3.endpoint,
    STORAGE_REGION: s3.region,
    STORAGE_BUCKET: bucket.bucket,
    STORAGE_ACCESS_KEY_ID: s3.accessKeyId,
    STORAGE_SECRET_ACCESS_KEY: s3.secretAccessKey,
    STORAGE_FORCE_PATH_STYLE: 'true',
  };
}

/** Handle filled in by {@link useMongoDatabase}. */
export interface TestMongo extends MongoInfo {
  /** A database name owned by this test file; dropped afterwards. */
  dbName: string;
}

/**
 * A MongoDB database name for this test file on the run's MongoDB-wire server (dropped in
 * afterAll). The project must list `mongo` in `portalkitProject({ needs })`. `kind` tells whether
 * it is a real MongoDB (`MONGODB_URL`) or CongoDB, which enforces no unique index and ignores
 * transactions: guard such tests with `it.skipIf(mongo.kind !== 'real')`, evaluated inside the test
 * body or through {@link realMongo}.
 */
export function useMongoDatabase(): TestMongo {
  const handle = { dbName: randomName('pk_test_') } as TestMongo;
  beforeAll(() => {
    const info = services().mongo;
    if (!info) throw new Error('[portalkit/test] no MongoDB-wire server: add "mongo" to portalkitProject({ needs })');
    Object.assign(handle, info);
  });
  afterAll(async () => {
    if (!handle.url) return;
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(handle.url);
    try {
      await client.connect();
      await client.db(handle.dbName).dropDatabase();
    } catch {
      // CongoDB may not implement dropDatabase for every storage; its data dies with the process.
    } finally {
      await client.close();
    }
  });
  return handle;
}

/** True when the run's MongoDB is a real server (MONGODB_URL), which enforces unique indexes and transactions. */
export function realMongo(): boolean {
  return Boolean(process.env.MONGODB_URL);
}

/** Reason printed for Mongo tests skipped on CongoDB. */
export const CONGODB_SKIP_REASON =
  'needs a real MongoDB (unique indexes / transactions): set MONGODB_URL to run it; CongoDB does not enforce them';
