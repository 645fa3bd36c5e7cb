import { createStorage, type StorageProvider } from '@portalkit/storage';
import { useS3Bucket } from '@portalkit/test-utils';
import { beforeAll } from 'vitest';
import { runProviderSuite } from './conformance/provider-suite.js';

const bucket = useS3Bucket();
let storage: StorageProvider;

beforeAll(() => {
  storage = createStorage({
    provider: 's3-compatible',
    endpoint: bucket.endpoint,
    region: bucket.region,
    bucket: bucket.bucket,
    credentials: { accessKeyId: bucket.accessKeyId, secretAccessKey: bucket.secretAccessKey },
    partSize: 5 * 1024 * 1024,
  });
});

runProviderSuite('s3-compatible on s3rver', () => ({ storage }));
