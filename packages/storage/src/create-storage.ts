import { type StorageConfig, storageConfigSchema } from './config.js';
import { StorageError } from './errors.js';
import { LocalStorage } from './providers/local.js';
import { PRESET_QUIRKS, type ProviderQuirks } from './providers/quirks.js';
import { type S3Settings, S3Storage } from './providers/s3-compatible.js';
import type { StorageProvider } from './types.js';

type Parsed = ReturnType<typeof storageConfigSchema.parse>;

/** Builds the resolved S3 settings of a preset (endpoint, addressing, checksum mode). */
function s3Settings(config: Exclude<Parsed, { provider: 'local' }>): S3Settings {
  const common = {
    bucket: config.bucket,
    credentials: config.credentials,
    acl: config.acl,
    partSize: config.partSize,
    queueSize: config.queueSize,
    maxAttempts: config.maxAttempts,
    publicUrl: config.publicUrl,
  };
  switch (config.provider) {
    case 's3':
      return {
        ...common,
        provider: 's3',
        region: config.region,
        endpoint: config.endpoint,
        quirks: { ...PRESET_QUIRKS.s3, forcePathStyle: config.forcePathStyle ?? PRESET_QUIRKS.s3.forcePathStyle },
      };
    case 'digitalocean':
      // Spaces ignores the SDK region for routing; the SDK still needs one to sign, and DO documents us-east-1.
      return {
        ...common,
        provider: 'digitalocean',
        region: 'us-east-1',
        endpoint: `https://${config.region}.digitaloceanspaces.com`,
        quirks: { ...PRESET_QUIRKS.digitalocean },
      };
    case 'linode':
      return {
        ...common,
        provider: 'linode',
        region: config.region,
        endpoint: `https://${config.region}.linodeobjects.com`,
        quirks: { ...PRESET_QUIRKS.linode },
      };
    case 'vultr':
      return {
        ...common,
        provider: 'vultr',
        region: config.region,
        endpoint: `https://${config.region}.vultrobjects.com`,
        quirks: { ...PRESET_QUIRKS.vultr, forcePathStyle: config.forcePathStyle ?? PRESET_QUIRKS.vultr.forcePathStyle },
      };
    case 's3-compatible': {
      const quirks: ProviderQuirks = {
        checksumMode: config.checksumMode ?? 'WHEN_REQUIRED',
        forcePathStyle: config.forcePathStyle ?? true,
        supportsAcl: config.supportsAcl ?? false,
        minPartSize: config.minPartSize ?? 5 * 1024 * 1024,
        maxParts: 10_000,
      };
      return {
        ...common,
        provider: 's3-compatible',
        region: config.region ?? 'us-east-1',
        endpoint: config.endpoint,
        quirks,
      };
    }
  }
}

/**
 * Creates a storage provider from a configuration validated with {@link storageConfigSchema}.
 * Invalid configuration throws {@link StorageError} `invalid_config` naming the bad fields (never
 * their values).
 *
 * @example
 * ```ts
 * import { createStorage } from '@portalkit/storage';
 *
 * const storage = createStorage({
 *   provider: 's3-compatible',
 *   endpoint: 'http://127.0.0.1:9000',
 *   bucket: 'files',
 *   credentials: { accessKeyId: 'minio', secretAccessKey: 'minio-secret' },
 * });
 * ```
 */
export function createStorage(config: StorageConfig): StorageProvider {
  const parsed = storageConfigSchema.safeParse(config);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new StorageError('invalid_config', `invalid storage configuration: ${fields}`, { cause: parsed.error });
  }
  const value = parsed.data;
  if (value.provider === 'local') {
    return new LocalStorage({
      provider: 'local',
      root: value.root,
      publicUrl: value.publicUrl,
      signing: value.signing,
    });
  }
  return new S3Storage(s3Settings(value));
}
