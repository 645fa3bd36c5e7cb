import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { needs, services, useMongoDatabase, useRedis, useS3Bucket, useTestDatabase } from '../src/index.js';

describe.skipIf(!needs('postgres', 'test-utils: PostgreSQL fixture'))('useTestDatabase', () => {
  const db = useTestDatabase();
  it('gives this file a fresh, empty database of its own', async () => {
    expect(db.name).toMatch(/^pk_test_[0-9a-f]{12}$/);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; n: number }>(
        "select current_database() as db, count(*)::int as n from information_schema.tables where table_schema = 'public'",
      );
      expect(rows[0]).toEqual({ db: db.name, n: 0 });
    } finally {
      await client.end();
    }
  });
});

describe.skipIf(!needs('redis', 'test-utils: Redis fixture'))('useRedis', () => {
  const redis = useRedis();
  it('hands out a unique key prefix on a live Redis', async () => {
    expect(redis.prefix).toMatch(/^pk:test:[0-9a-f]{12}:$/);
    const client = new Redis(redis.url);
    try {
      await client.set(`${redis.prefix}k`, 'v');
      expect(await client.get(`${redis.prefix}k`)).toBe('v');
    } finally {
      client.disconnect();
    }
  });
});

describe('useS3Bucket', () => {
  const bucket = useS3Bucket();
  it('creates a bucket on s3rver bound to loopback that round-trips bytes', async () => {
    expect(new URL(bucket.endpoint).hostname).toBe('127.0.0.1');
    const s3 = new S3Client({
      endpoint: bucket.endpoint,
      region: bucket.region,
      forcePathStyle: true,
      credentials: { accessKeyId: bucket.accessKeyId, secretAccessKey: bucket.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const body = Buffer.from([0, 1, 2, 250, 251, 252]);
    await s3.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: 'a/b.bin', Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket.bucket, Key: 'a/b.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(body);
    s3.destroy();
  });
});

describe('useMongoDatabase', () => {
  const mongo = useMongoDatabase();
  it('connects the official driver to the run’s MongoDB-wire server', async () => {
    expect(mongo.kind).toBe(process.env.MONGODB_URL ? 'real' : 'congodb');
    expect(services().mongo?.url).toBe(mongo.url);
    const client = new MongoClient(mongo.url);
    await client.connect();
    try {
      const col = client.db(mongo.dbName).collection<{ n: number }>('things');
      await col.insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
      const sum = await col
        .aggregate([{ $match: { n: { $gte: 2 } } }, { $group: { _id: null, s: { $sum: '$n' } } }])
        .toArray();
      expect(sum[0]?.s).toBe(5);
    } finally {
      await client.close();
    }
  });
});
