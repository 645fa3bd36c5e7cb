import { z } from 'zod';
import type { LocalStorageConfig } from './providers/local.js';

/**
 * Static credentials of an S3-compatible provider. Omit them to use the AWS SDK's default chain
 * (environment, shared profile, instance metadata).
 *
 * @example
 * ```ts
 * const credentials: S3Credentials = { accessKeyId: process.env.S3_KEY!, secretAccessKey: process.env.S3_SECRET! };
 * ```
 */
export interface S3Credentials {
  /** Access key id. */
  accessKeyId: string;
  /** Secret access key (never logged, never in error messages). */
  secretAccessKey: string;
  /** Session token of temporary credentials. @default undefined */
  sessionToken?: string | undefined;
}

/**
 * Settings shared by every S3-compatible provider config.
 *
 * @example
 * ```ts
 * const common: S3CommonConfig = { bucket: 'files', credentials, partSize: 16 * 1024 * 1024 };
 * ```
 */
export interface S3CommonConfig {
  /** Bucket (Space) name: 3-63 lower-case letters, digits, dots and hyphens. */
  bucket: string;
  /** Static credentials. @default undefined (SDK default chain) */
  credentials?: S3Credentials | undefined;
  /** Base URL for `publicUrl()` (CDN or custom domain). @default built from endpoint and bucket */
  publicUrl?: string | undefined;
  /** Canned ACL set on written objects (only where the quirk profile supports ACLs). @default undefined (bucket default) */
  acl?: 'private' | 'public-read' | undefined;
  /** Multipart part size in bytes, 5 MiB..5 GiB. @default 8388608 (8 MiB) */
  partSize?: number | undefined;
  /** Parts uploaded in parallel (memory bound = partSize x queueSize). @default 4 */
  queueSize?: number | undefined;
  /** Attempts per request, with backoff, on 5xx/SlowDown/network errors. @default 3 */
  maxAttempts?: number | undefined;
}

/**
 * AWS S3.
 *
 * @example
 * ```ts
 * createStorage({ provider: 's3', region: 'eu-west-1', bucket: 'acme-files' });
 * ```
 */
export interface AwsS3Config extends S3CommonConfig {
  /** Discriminant. */
  provider: 's3';
  /** AWS region, e.g. `eu-west-1`. */
  region: string;
  /** Custom endpoint (FIPS, dual-stack, VPC endpoint). @default AWS regional endpoint */
  endpoint?: string | undefined;
  /** Path-style addressing. @default false (virtual-host) */
  forcePathStyle?: boolean | undefined;
}

/**
 * DigitalOcean Spaces: endpoint `https://{region}.digitaloceanspaces.com`, virtual-host addressing.
 *
 * @example
 * ```ts
 * createStorage({ provider: 'digitalocean', region: 'ams3', bucket: 'acme-files', credentials });
 * ```
 */
export interface DigitalOceanConfig extends S3CommonConfig {
  /** Discriminant. */
  provider: 'digitalocean';
  /** Spaces region: `nyc3`, `sfo3`, `ams3`, `sgp1`, `fra1`, `syd1`, ... */
  region: string;
}

/**
 * Linode (Akamai) Object Storage: endpoint `https://{region}.linodeobjects.com`.
 *
 * @example
 * ```ts
 * createStorage({ provider: 'linode', region: 'nl-ams-1', bucket: 'acme-files', credentials });
 * ```
 */
export interface LinodeConfig extends S3CommonConfig {
  /** Discriminant. */
  provider: 'linode';
  /** Region (cluster): `us-east-1`, `eu-central-1`, `nl-ams-1`, `us-sea-1`, ... */
  region: string;
}

/**
 * Vultr Object Storage: endpoint `https://{region}.vultrobjects.com`, path-style by default.
 *
 * @example
 * ```ts
 * createStorage({ provider: 'vultr', region: 'ewr1', bucket: 'acme-files', credentials });
 * ```
 */
export interface VultrConfig extends S3CommonConfig {
  /** Discriminant. */
  provider: 'vultr';
  /** Region: `ewr1`, `sjc1`, `ams1`, `blr1`, `del1`, `sgp1`, ... */
  region: string;
  /** Path-style addressing. @default true */
  forcePathStyle?: boolean | undefined;
}

/**
 * Any other S3-compatible store (MinIO, Cloudflare R2, Backblaze B2, Wasabi, Garage, Ceph...).
 *
 * @example
 * ```ts
 * createStorage({ provider: 's3-compatible', endpoint: 'https://<account>.r2.cloudflarestorage.com', region: 'auto', bucket: 'files', credentials });
 * ```
 */
export interface S3CompatibleConfig extends S3CommonConfig {
  /** Discriminant. */
  provider: 's3-compatible';
  /** Endpoint URL (scheme, host, port). */
  endpoint: string;
  /** Signing region. @default 'us-east-1' */
  region?: string | undefined;
  /** Path-style addressing. @default true */
  forcePathStyle?: boolean | undefined;
  /** Whether canned ACLs are supported. @default false */
  supportsAcl?: boolean | undefined;
  /** SDK checksum mode. @default 'WHEN_REQUIRED' */
  checksumMode?: 'WHEN_REQUIRED' | 'WHEN_SUPPORTED' | undefined;
  /** Smallest part size the server accepts. @default 5242880 (5 MiB) */
  minPartSize?: number | undefined;
}

/**
 * Configuration accepted by {@link createStorage}, one shape per provider (see the README for
 * every field and a worked example per provider).
 *
 * @example
 * ```ts
 * const config: StorageConfig = { provider: 'digitalocean', region: 'ams3', bucket: 'files', credentials: { accessKeyId, secretAccessKey } };
 * ```
 */
export type StorageConfig =
  | LocalStorageConfig
  | AwsS3Config
  | DigitalOceanConfig
  | LinodeConfig
  | VultrConfig
  | S3CompatibleConfig;

const MiB = 1024 * 1024;

// not strict: the AWS SDK adds bookkeeping keys (e.g. `$source`) to credential objects it was given
const credentials = z.object({
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
});

const s3Common = {
  bucket: z
    .string()
    .min(3)
    .max(63)
    .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, 'bucket names are 3-63 lower-case letters, digits, dots and hyphens'),
  credentials: credentials.optional(),
  publicUrl: z.url().optional(),
  acl: z.enum(['private', 'public-read']).optional(),
  partSize: z
    .number()
    .int()
    .min(5 * MiB)
    .max(5 * 1024 * MiB)
    .optional(),
  queueSize: z.number().int().min(1).max(32).optional(),
  maxAttempts: z.number().int().min(1).max(10).optional(),
};

const schema = z.discriminatedUnion('provider', [
  z.strictObject({
    provider: z.literal('local'),
    root: z.string().min(1),
    publicUrl: z.url().optional(),
    signing: z
      .strictObject({
        secret: z.string().min(32, 'signing.secret must be at least 32 characters'),
        baseUrl: z.url(),
      })
      .optional(),
  }),
  z.strictObject({
    provider: z.literal('s3'),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1'),
    endpoint: z.url().optional(),
    forcePathStyle: z.boolean().optional(),
    ...s3Common,
  }),
  z.strictObject({
    provider: z.literal('digitalocean'),
    region: z.string().regex(/^[a-z]{3}\d$/, 'a Spaces region such as nyc3, ams3, sgp1, fra1'),
    ...s3Common,
  }),
  z.strictObject({
    provider: z.literal('linode'),
    region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, 'a Linode Object Storage region such as us-east-1 or nl-ams-1'),
    ...s3Common,
  }),
  z.strictObject({
    provider: z.literal('vultr'),
    region: z.string().regex(/^[a-z]{3}\d$/, 'a Vultr Object Storage region such as ewr1, sjc1, ams1'),
    forcePathStyle: z.boolean().optional(),
    ...s3Common,
  }),
  z.strictObject({
    provider: z.literal('s3-compatible'),
    endpoint: z.url(),
    region: z.string().min(1).optional(),
    forcePathStyle: z.boolean().optional(),
    supportsAcl: z.boolean().optional(),
    checksumMode: z.enum(['WHEN_REQUIRED', 'WHEN_SUPPORTED']).optional(),
    minPartSize: z
      .number()
      .int()
      .min(1 * MiB)
      .optional(),
    ...s3Common,
  }),
]);

/**
 * zod schema of {@link StorageConfig}: a discriminated union on `provider`, strict (unknown keys
 * are refused). {@link createStorage} validates with it; use it to validate your own
 * configuration early.
 *
 * @example
 * ```ts
 * const config = storageConfigSchema.parse({ provider: 'linode', region: 'nl-ams-1', bucket: 'b', credentials });
 * ```
 */
export const storageConfigSchema: z.ZodType<StorageConfig, StorageConfig> = schema;
