import { needs, services, useRedis, useS3Bucket, useTestDatabase } from '@portalkit/test-utils';

/** How a server under test is backed. */
export type Mode = 'embedded' | 'services';
export const MODES: Mode[] = ['embedded', 'services'];

/**
 * Registers the per-file fixtures (a fresh PostgreSQL database, a Redis prefix, an s3rver bucket)
 * and returns a function giving the environment of a server in the given mode.
 */
export function useModes(): { env(mode: Mode): Record<string, string>; available(mode: Mode): boolean } {
  const db = useTestDatabase();
  const redis = useRedis();
  const bucket = useS3Bucket();
  return {
    available: (mode) =>
      mode === 'embedded' || (needs('postgres', 'e2e services mode') && needs('redis', 'e2e services mode')),
    env: (mode) => {
      if (mode === 'embedded') return {};
      const s3 = services().s3;
      if (!s3) throw new Error('[portalkit/e2e] s3rver is not running');
      return {
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        REDIS_PREFIX: redis.prefix,
        STORAGE_PROVIDER: 's3-compatible',
        STORAGE_ENDPOINT: s3.endpoint,
        STORAGE_REGION: s3.region,
        STORAGE_BUCKET: bucket.bucket,
        STORAGE_ACCESS_KEY_ID: s3.accessKeyId,
        STORAGE_SECRET_ACCESS_KEY: s3.secretAccessKey,
        STORAGE_FORCE_PATH_STYLE: 'true',
      };
    },
  };
}
