import {
  type CompleteUploadOptions,
  createStorage,
  type DownloadResult,
  type FileRecord,
  type StorageConfig,
  type StorageProvider,
} from '@portalkit/storage';
import { describe, expectTypeOf, it } from 'vitest';

describe('public types', () => {
  it('narrows the config union on provider and returns a StorageProvider', () => {
    expectTypeOf(createStorage).parameter(0).toEqualTypeOf<StorageConfig>();
    expectTypeOf(createStorage).returns.toEqualTypeOf<StorageProvider>();
    const config = { provider: 'linode', region: 'nl-ams-1', bucket: 'b' } as StorageConfig;
    if (config.provider === 'linode') expectTypeOf(config.region).toEqualTypeOf<string>();
    // @ts-expect-error endpoint is required for s3-compatible
    createStorage({ provider: 's3-compatible', bucket: 'b' });
  });

  it('discriminates download results', () => {
    const d = {} as DownloadResult;
    if (d.type === 'redirect') expectTypeOf(d.url).toEqualTypeOf<string>();
    else expectTypeOf(d.status).toEqualTypeOf<200 | 206 | 416>();
  });

  it('onCompleted may resolve to a value, which is awaited and ignored', () => {
    const record = async (_file: FileRecord) => 'event-id';
    expectTypeOf(record).toMatchTypeOf<NonNullable<CompleteUploadOptions['onCompleted']>>();
  });
});
