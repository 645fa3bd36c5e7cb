import type { StorageConfig } from './config.js';
import { createStorage } from './create-storage.js';
import { StorageError } from './errors.js';
import type { StorageProvider } from './types.js';

/**
 * Where warnings go (pino, console and most loggers fit).
 *
 * @example
 * ```ts
 * const logger: StorageLogger = { warn: (message) => log.warn(message) };
 * ```
 */
export interface StorageLogger {
  /** Logs one warning line. */
  warn(message: string): void;
}

/**
 * Options of {@link storageConfigFromEnv} and {@link createStorageFromEnv}.
 *
 * @example
 * ```ts
 * createStorageFromEnv(process.env, { logger: pinoLogger, fallbackRoot: './data/files' });
 * ```
 */
export interface StorageFromEnvOptions {
  /** Receives the fallback warning. @default console */
  logger?: StorageLogger;
  /** Root of the local fallback when no `STORAGE_LOCAL_ROOT` is set. @default './data/files' */
  fallbackRoot?: string;
  /** Throw `invalid_config` instead of falling back to local disk when S3 settings are missing. @default false */
  strict?: boolean;
}

/**
 * Result of {@link storageConfigFromEnv}.
 *
 * @example
 * ```ts
 * const { config, fellBack } = storageConfigFromEnv(process.env);
 * ```
 */
export interface StorageConfigFromEnv {
  /** The configuration to pass to {@link createStorage}. */
  config: StorageConfig;
  /** True when S3 settings were absent and local disk was chosen instead. */
  fellBack: boolean;
}

const S3_PROVIDERS = ['s3', 'digitalocean', 'linode', 'vultr', 's3-compatible'] as const;

function int(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new StorageError('invalid_config', `${name} must be an integer`);
  return n;
}

function bool(env: Record<string, string | undefined>, name: string): boolean | undefined {
  const v = env[name]?.toLowerCase();
  if (v === undefined || v === '') return undefined;
  if (['1', 'true', 'yes'].includes(v)) return true;
  if (['0', 'false', 'no'].includes(v)) return false;
  throw new StorageError('invalid_config', `${name} must be true or false`);
}

/**
 * Reads a {@link StorageConfig} from `STORAGE_*` environment variables (see the README table).
 * Without `STORAGE_PROVIDER` and `STORAGE_BUCKET`, or with an S3 provider but no bucket, it falls
 * back to the local provider (unless `strict`) and says so in `fellBack`.
 *
 * @example
 * ```ts
 * const { config } = storageConfigFromEnv({ STORAGE_PROVIDER: 'linode', STORAGE_REGION: 'nl-ams-1', STORAGE_BUCKET: 'files' });
 * ```
 */
export function storageConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
  options: StorageFromEnvOptions = {},
): StorageConfigFromEnv {
  const name =
    env.STORAGE_PROVIDER?.trim() || (env.STORAGE_BUCKET ? (env.STORAGE_ENDPOINT ? 's3-compatible' : 's3') : 'local');
  const local = (): StorageConfig => {
    const signing =
      env.STORAGE_SIGNING_SECRET && env.STORAGE_SIGNING_BASE_URL
        ? { secret: env.STORAGE_SIGNING_SECRET, baseUrl: env.STORAGE_SIGNING_BASE_URL }
        : undefined;
    return {
      provider: 'local',
      root: env.STORAGE_LOCAL_ROOT || options.fallbackRoot || './data/files',
      ...(env.STORAGE_PUBLIC_URL ? { publicUrl: env.STORAGE_PUBLIC_URL } : {}),
      ...(signing ? { signing } : {}),
    };
  };
  if (name === 'local') return { config: local(), fellBack: !env.STORAGE_PROVIDER };
  if (!(S3_PROVIDERS as readonly string[]).includes(name)) {
    throw new StorageError('invalid_config', `STORAGE_PROVIDER must be one of local, ${S3_PROVIDERS.join(', ')}`);
  }
  if (!env.STORAGE_BUCKET) {
    if (options.strict) throw new StorageError('invalid_config', `STORAGE_PROVIDER=${name} needs STORAGE_BUCKET`);
    return { config: local(), fellBack: true };
  }
  const credentials =
    env.STORAGE_ACCESS_KEY_ID && env.STORAGE_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.STORAGE_ACCESS_KEY_ID,
          secretAccessKey: env.STORAGE_SECRET_ACCESS_KEY,
          ...(env.STORAGE_SESSION_TOKEN ? { sessionToken: env.STORAGE_SESSION_TOKEN } : {}),
        }
      : undefined;
  const common = {
    bucket: env.STORAGE_BUCKET,
    ...(credentials ? { credentials } : {}),
    ...(env.STORAGE_PUBLIC_URL ? { publicUrl: env.STORAGE_PUBLIC_URL } : {}),
    ...(env.STORAGE_ACL ? { acl: env.STORAGE_ACL as 'private' | 'public-read' } : {}),
    ...(int(env, 'STORAGE_PART_SIZE') !== undefined ? { partSize: int(env, 'STORAGE_PART_SIZE') } : {}),
  };
  const region = env.STORAGE_REGION ?? '';
  const pathStyle = bool(env, 'STORAGE_FORCE_PATH_STYLE');
  const endpoint = env.STORAGE_ENDPOINT;
  const config = {
    provider: name,
    ...common,
    ...(region ? { region } : {}),
    ...(endpoint && (name === 's3' || name === 's3-compatible') ? { endpoint } : {}),
    ...(pathStyle !== undefined && name !== 'digitalocean' && name !== 'linode' ? { forcePathStyle: pathStyle } : {}),
  } as StorageConfig;
  return { config, fellBack: false };
}

/**
 * {@link createStorage} from `STORAGE_*` environment variables, falling back to local disk with a
 * logged warning when S3 settings are absent (see {@link storageConfigFromEnv}).
 *
 * @example
 * ```ts
 * const storage = createStorageFromEnv(process.env, { logger: { warn: (m) => log.warn(m) } });
 * ```
 */
export function createStorageFromEnv(
  env: Record<string, string | undefined> = process.env,
  options: StorageFromEnvOptions = {},
): StorageProvider {
  const { config, fellBack } = storageConfigFromEnv(env, options);
  if (fellBack && config.provider === 'local') {
    (options.logger ?? console).warn(
      `[portalkit/storage] no S3 settings (STORAGE_PROVIDER/STORAGE_BUCKET): storing files on local disk under "${config.root}". Set STORAGE_* to use an object store.`,
    );
  }
  return createStorage(config);
}
