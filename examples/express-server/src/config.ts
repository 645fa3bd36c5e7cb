import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';

/** Every setting of the server, read once from the environment at start-up. */
export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  mailDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  redisPrefix: string;
  storage: StorageConfig;
  maxFileSize: number;
  allowedTypes: string[];
  jwtPrivateKeys: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: string;
  shutdownTimeoutMs: number;
  sweepIntervalMs: number;
  trustProxy: boolean;
}

export type StorageConfig =
  | { provider: 'local'; root: string }
  | {
      provider: 's3' | 'digitalocean' | 'linode' | 'vultr' | 's3-compatible';
      bucket: string;
      region: string | undefined;
      endpoint: string | undefined;
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
      forcePathStyle: boolean | undefined;
    };

const DEFAULT_TYPES = 'image/png,image/jpeg,image/webp,image/gif,application/pdf,text/plain';

const url = (protocols: string[], what: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a ${what} URL (${protocols.map((p) => `${p}//`).join(' or ')})` },
  );

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: `must be a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const env = z.object({
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: url(['http:', 'https:'], 'http(s)').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  MAIL_DIR: z.string().min(1).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:', 'mongodb:', 'mongodb+srv:'], 'PostgreSQL or MongoDB').optional(),
  REDIS_URL: url(['redis:', 'rediss:'], 'Redis').optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1..64 characters of letters, digits and : _ . -')
    .default('portalkit:'),
  STORAGE_PROVIDER: z
    .enum(['local', 's3', 'digitalocean', 'linode', 'vultr', 's3-compatible'], {
      message: 'must be one of local, s3, digitalocean, linode, vultr, s3-compatible',
    })
    .default('local'),
  STORAGE_LOCAL_ROOT: z.string().min(1).optional(),
  STORAGE_BUCKET: z.string().min(3).max(63).optional(),
  STORAGE_REGION: z.string().min(1).optional(),
  STORAGE_ENDPOINT: url(['http:', 'https:'], 'http(s)').optional(),
  STORAGE_ACCESS_KEY_ID: z.string().min(1).optional(),
  STORAGE_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  STORAGE_FORCE_PATH_STYLE: bool.optional(),
  STORAGE_MAX_FILE_SIZE: int(1, 5 * 1024 ** 4).default(10 * 1024 * 1024),
  STORAGE_ALLOWED_TYPES: z
    .string()
    .default(DEFAULT_TYPES)
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, 'must be a comma-separated list of MIME types'))
        .min(1, 'must list at least one MIME type'),
    ),
  JWT_PRIVATE_KEYS: z.string().min(1).optional(),
  SMTP_URL: url(['smtp:', 'smtps:'], 'SMTP').optional(),
  MAIL_FROM: z.string().min(3).default('portalkit <no-reply@portalkit.local>'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),
  SWEEP_INTERVAL_MS: int(1000, 86_400_000).default(60_000),
  TRUST_PROXY: bool.default(false),
});

/** Variables whose value is never echoed back in an error message. */
const SECRET = new Set(['DATABASE_URL', 'REDIS_URL', 'STORAGE_SECRET_ACCESS_KEY', 'JWT_PRIVATE_KEYS', 'SMTP_URL']);

/** Thrown at start-up when an environment variable is invalid; the message lists every bad value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the configuration; empty variables count as unset. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(env.shape)) {
    const value = source[key];
    if (value !== undefined && value.trim() !== '') raw[key] = value.trim();
  }
  const parsed = env.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      const shown = SECRET.has(key) ? '' : ` (got ${JSON.stringify(raw[key])})`;
      return `  ${key}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`[portalkit/express-server] invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const inData = (p: string) => (isAbsolute(p) ? p : resolve(p));
  let storage: StorageConfig;
  if (e.STORAGE_PROVIDER === 'local') {
    storage = { provider: 'local', root: e.STORAGE_LOCAL_ROOT ? inData(e.STORAGE_LOCAL_ROOT) : join(dataDir, 'files') };
  } else {
    if (!e.STORAGE_BUCKET) {
      throw new ConfigError(
        `[portalkit/express-server] invalid configuration:\n  STORAGE_BUCKET: required when STORAGE_PROVIDER is ${e.STORAGE_PROVIDER}`,
      );
    }
    storage = {
      provider: e.STORAGE_PROVIDER,
      bucket: e.STORAGE_BUCKET,
      region: e.STORAGE_REGION,
      endpoint: e.STORAGE_ENDPOINT,
      accessKeyId: e.STORAGE_ACCESS_KEY_ID,
      secretAccessKey: e.STORAGE_SECRET_ACCESS_KEY,
      forcePathStyle: e.STORAGE_FORCE_PATH_STYLE,
    };
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(
      /\/+$/,
      '',
    ),
    dataDir,
    mailDir: e.MAIL_DIR ? inData(e.MAIL_DIR) : join(dataDir, 'mail'),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    storage,
    maxFileSize: e.STORAGE_MAX_FILE_SIZE,
    allowedTypes: e.STORAGE_ALLOWED_TYPES,
    jwtPrivateKeys: e.JWT_PRIVATE_KEYS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    trustProxy: e.TRUST_PROXY,
  };
}
