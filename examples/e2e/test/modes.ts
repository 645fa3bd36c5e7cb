import {
  needs,
  s3StorageEnv,
  services,
  useMongoDatabase,
  useRedis,
  useS3Bucket,
  useTestDatabase,
} from '@portalkit/test-utils';

/**
 * How a server under test is backed: `embedded` (PGlite, local disk, in-process), `services`
 * (PostgreSQL, Redis, s3rver) or `mongo` (MongoDB as DATABASE_URL, Redis, s3rver). The MongoDB is
 * CongoDB unless MONGODB_URL names a real server; CongoDB enforces no unique index and ignores
 * transactions, so tests that rely on either are skipped there (`realMongo()`).
 */
export type Mode = 'embedded' | 'services' | 'mongo';
export const MODES: Mode[] = ['embedded', 'services', 'mongo'];

/**
 * Registers the per-file fixtures (a fresh PostgreSQL database, a MongoDB database, a Redis
 * prefix, an s3rver bucket) and returns a function giving the environment of a server in the
 * given mode.
 */
export function useModes(): { env(mode: Mode): Record<string, string>; available(mode: Mode): boolean } {
  const db = useTestDatabase();
  const mongo = useMongoDatabase();
  const redis = useRedis();
  const bucket = useS3Bucket();
  const objectStore = () => s3StorageEnv(bucket);
  return {
    available: (mode) => {
      if (mode === 'embedded') return true;
      if (mode === 'mongo') return needs('redis', 'e2e mongo mode') && services().mongo !== null;
      return needs('postgres', 'e2e services mode') && needs('redis', 'e2e services mode');
    },
    env: (mode) => {
      if (mode === 'embedded') return {};
      // Each mode its own Redis prefix (under the file's): the per-IP rate limits of one mode's
      // servers must not eat the other's budget (every request comes from 127.0.0.1).
      const shared = { REDIS_URL: redis.url, REDIS_PREFIX: `${redis.prefix}${mode}:`, ...objectStore() };
      if (mode === 'services') return { DATABASE_URL: db.url, ...shared };
      const url = new URL(mongo.url);
      url.pathname = `/${mongo.dbName}`;
      return { DATABASE_URL: url.toString(), ...shared };
    },
  };
}
