import { isIP } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import { type StorageConfig, storageConfigSchema } from '@portalkit/storage';
import { z } from 'zod';
import { maskUrlPasswords } from './redact.js';
import { isEd25519PrivateKey } from './secrets.js';

/** Where files are stored: local disk under a root, or an S3-compatible bucket. */
export type StorageSettings =
  | {
      /** Local disk. */
      provider: 'local';
      /** Directory of the objects (absolute). */
      root: string;
    }
  | {
      /** The S3-compatible provider. */
      provider: 's3' | 'digitalocean' | 'linode' | 'vultr' | 's3-compatible';
      /** Bucket name. */
      bucket: string;
      /** Region (the provider's default when unset). */
      region: string | undefined;
      /** Endpoint URL (needed for `s3-compatible`). */
      endpoint: string | undefined;
      /** Access key id (the SDK's default credential chain when unset). */
      accessKeyId: string | undefined;
      /** Secret access key. */
      secretAccessKey: string | undefined;
      /** Path-style addressing (MinIO, s3rver). */
      forcePathStyle: boolean | undefined;
    };

/** Every setting of a portalkit deployment, read once from the environment at start-up. */
export interface Config {
  /** Name used in messages and logs (`[portalkit/<name>]`). */
  name: string;
  /** `PORT` (3000). */
  port: number;
  /** `HOST` (127.0.0.1). */
  host: string;
  /**
   * `PUBLIC_URL` without a trailing slash (links in mails, local signed URLs, the JWT issuer);
   * defaults to `http://HOST:PORT`. No user, password, query or fragment; a path is kept.
   */
  publicUrl: string;
  /** `DATA_DIR` (`./data`), absolute. */
  dataDir: string;
  /** `MAIL_DIR` (`$DATA_DIR/mail`), absolute. */
  mailDir: string;
  /** `DATABASE_URL`: postgres:// or mongodb://; unset means PGlite under `$DATA_DIR/pglite`. */
  databaseUrl: string | undefined;
  /** `REDIS_URL`; unset means in-process limits and caches. */
  redisUrl: string | undefined;
  /** `REDIS_PREFIX` (`portalkit:`). */
  redisPrefix: string;
  /** `STORAGE_PROVIDER` and `STORAGE_*`. */
  storage: StorageSettings;
  /** `STORAGE_SIGNING_SECRET`: HMAC secret of local signed URLs; unset means one generated once in `DATA_DIR`. */
  storageSigningSecret: string | undefined;
  /** `STORAGE_MAX_FILE_SIZE` in bytes (10 MiB). */
  maxFileSize: number;
  /** `STORAGE_ALLOWED_TYPES` (png, jpeg, webp, gif, pdf, plain text); `type/*` allows a whole family. */
  allowedTypes: string[];
  /** `JWT_PRIVATE_KEYS`: a JSON array of private JWKs, newest first; unset means a key kept in `DATA_DIR`. */
  jwtPrivateKeys: string | undefined;
  /** `SMTP_URL`; unset means `.eml` files in `MAIL_DIR`. */
  smtpUrl: string | undefined;
  /** `MAIL_FROM`. */
  mailFrom: string;
  /** `LOG_LEVEL` (info). */
  logLevel: string;
  /** `SHUTDOWN_TIMEOUT_MS` (10 s): how long in-flight requests may take after a stop signal. */
  shutdownTimeoutMs: number;
  /** `SWEEP_INTERVAL_MS` (60 s): period of the storage sweeper. */
  sweepIntervalMs: number;
  /** `AUDIT_RETENTION_DAYS`: delete audit events older than this many days; unset (the default) keeps them forever. */
  auditRetentionDays: number | undefined;
  /**
   * `AUDIT_RETENTION_INTERVAL_MS` (1 h): period of the audit jobs (retention when it is on, and the
   * purge of deleted tenants' trails).
   */
  auditRetentionIntervalMs: number;
  /**
   * `AUDIT_DELETED_TENANT_DAYS` (30): export window of a deleted tenant's audit trail, in days
   * (0..3650). The whole trail is purged once its newest event is older than this and the tenant no
   * longer exists; until then `platform.audit.export({ tenantId, format })` still reads it.
   */
  auditDeletedTenantDays: number;
  /** `AUDIT_CHECKPOINT_KEY`: Ed25519 private key (PKCS#8 PEM) signing retention checkpoints; unset means one kept in `DATA_DIR`. */
  auditCheckpointKey: string | undefined;
  /**
   * `TRUST_PROXY` (false): which `X-Forwarded-For` hops to believe for the client address.
   * `false`: none (the socket's address); a number: that many proxies in front of the server (the
   * client is that many hops from the right; `true` means 1); a list: the addresses or CIDR ranges
   * of your proxies (the client is the right-most address not in it). Never the left-most entry,
   * which the caller writes.
   */
  trustProxy: TrustProxy;
}

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

/**
 * Which `X-Forwarded-For` hops to believe (see {@link Config.trustProxy}): `false`, a hop count,
 * or the addresses / CIDR ranges of the proxies.
 *
 * @example
 * ```ts
 * import type { TrustProxy } from '@portalkit/platform';
 *
 * const behindOneProxy: TrustProxy = 1;
 * const behindTheseProxies: TrustProxy = ['10.0.0.0/8', '192.0.2.7'];
 * ```
 */
export type TrustProxy = false | number | string[];

/** A DNS host name (RFC 1123 labels). */
const HOST_NAME =
  /^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** An e-mail address, or `Name <address>` (no line breaks: it becomes a header). */
const MAIL_ADDRESS = /^(?:[^<>@\r\n]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/;

const PROVIDERS = ['local', 's3', 'digitalocean', 'linode', 'vultr', 's3-compatible'] as const;

/** What the storage package expects of each provider's region (said when STORAGE_REGION is missing). */
const REGION_HINTS: Partial<Record<(typeof PROVIDERS)[number], string>> = {
  s3: 'an AWS region such as eu-west-1',
  digitalocean: 'a Spaces region such as nyc3, ams3, sgp1, fra1',
  linode: 'a Linode Object Storage region such as us-east-1 or nl-ams-1',
  vultr: 'a Vultr Object Storage region such as ewr1, sjc1, ams1',
};

/** The object-store variables and the {@link StorageConfig} key each one sets. */
const OBJECT_STORE_VARIABLES = {
  STORAGE_BUCKET: 'bucket',
  STORAGE_REGION: 'region',
  STORAGE_ENDPOINT: 'endpoint',
  STORAGE_ACCESS_KEY_ID: 'credentials',
  STORAGE_SECRET_ACCESS_KEY: 'credentials',
  STORAGE_FORCE_PATH_STYLE: 'forcePathStyle',
} as const;

/** Why `JWT_PRIVATE_KEYS` cannot be a key list (names keys by place and kid, never by content), or `undefined`. */
function jwtKeysProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'must be a JSON array of private JWKs (EdDSA or ES256, each with kid), newest first';
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return 'must list at least one key';
  const kids = new Set<string>();
  for (const [index, jwk] of list.entries()) {
    const fields = (jwk && typeof jwk === 'object' && !Array.isArray(jwk) ? jwk : {}) as Record<string, unknown>;
    const kid = typeof fields.kid === 'string' && fields.kid !== '' ? fields.kid.slice(0, 64) : undefined;
    const named = `key ${index + 1}${kid ? ` (kid "${kid}")` : ''}`;
    if (!kid || typeof fields.d !== 'string' || (fields.alg !== 'EdDSA' && fields.alg !== 'ES256')) {
      return `${named} must be a private JWK (EdDSA or ES256) with kid and d`;
    }
    if (kids.has(kid)) return `key ${index + 1} repeats kid "${kid}" (give every key its own kid)`;
    kids.add(kid);
  }
  return undefined;
}

/** An IPv4/IPv6 address, or one with a /prefix of the right size. */
function isProxyAddress(value: string): boolean {
  const [address = '', prefix, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: `must be a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const schema = z.object({
  PORT: int(1, 65535).default(3000),
  HOST: z
    .string()
    .refine((v) => isIP(v) !== 0 || HOST_NAME.test(v), 'must be an IP address or a host name')
    .default('127.0.0.1'),
  PUBLIC_URL: url(['http:', 'https:'], 'http(s)')
    .refine((v) => {
      if (!URL.canParse(v)) return true; // reported by the check above
      const u = new URL(v);
      return !u.username && !u.password && !/[?#]/.test(v);
    }, 'must be the public base URL without user, password, query or fragment')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  MAIL_DIR: z.string().min(1).optional(),
  DATABASE_URL: url(['postgres:', 'postgresql:', 'mongodb:', 'mongodb+srv:'], 'PostgreSQL or MongoDB').optional(),
  REDIS_URL: url(['redis:', 'rediss:'], 'Redis').optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1..64 characters of letters, digits and : _ . -')
    .default('portalkit:'),
  STORAGE_PROVIDER: z
    .enum(PROVIDERS, {
      message: 'must be one of local, s3, digitalocean, linode, vultr, s3-compatible',
    })
    .default('local'),
  STORAGE_LOCAL_ROOT: z.string().min(1).optional(),
  // Bucket, region, endpoint and credentials are checked against the provider after parsing.
  STORAGE_BUCKET: z.string().optional(),
  STORAGE_REGION: z.string().min(1).optional(),
  STORAGE_ENDPOINT: url(['http:', 'https:'], 'http(s)').optional(),
  STORAGE_ACCESS_KEY_ID: z.string().min(1).optional(),
  STORAGE_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  STORAGE_FORCE_PATH_STYLE: bool.optional(),
  STORAGE_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
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
        .array(
          z
            .string()
            .regex(
              /^[a-z0-9.+-]+\/(?:[a-z0-9.+-]+|\*)$/,
              'must be a comma-separated list of MIME types (type/subtype, or type/* for a whole family)',
            ),
        )
        .min(1, 'must list at least one MIME type'),
    ),
  JWT_PRIVATE_KEYS: z
    .string()
    .superRefine((text, ctx) => {
      const problem = jwtKeysProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  SMTP_URL: url(['smtp:', 'smtps:'], 'SMTP').optional(),
  MAIL_FROM: z
    .string()
    .regex(MAIL_ADDRESS, 'must be an e-mail address, optionally as "Name <address>"')
    .default('portalkit <no-reply@portalkit.local>'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000).default(10_000),
  SWEEP_INTERVAL_MS: int(1000, 86_400_000).default(60_000),
  AUDIT_RETENTION_DAYS: int(1, 36_500).optional(),
  AUDIT_RETENTION_INTERVAL_MS: int(1000, 604_800_000).default(3_600_000),
  AUDIT_DELETED_TENANT_DAYS: int(0, 3650).default(30),
  AUDIT_CHECKPOINT_KEY: z
    .string()
    .refine((pem) => isEd25519PrivateKey(pem.replace(/\\n/g, '\n')), 'must be an Ed25519 private key in PKCS#8 PEM')
    .optional(),
  TRUST_PROXY: z
    .string()
    .transform((value, ctx): TrustProxy => {
      const v = value.trim().toLowerCase();
      if (['false', 'no', '0'].includes(v)) return false;
      if (['true', 'yes'].includes(v)) return 1;
      if (/^\d+$/.test(v) && Number(v) <= 20) return Number(v);
      const list = v.split(',').map((a) => a.trim());
      if (list.every(isProxyAddress)) return list;
      ctx.addIssue({
        code: 'custom',
        message:
          'must be false, true, the number of proxies in front of the server (0..20), or a comma-separated list of proxy addresses or CIDR ranges',
      });
      return z.NEVER;
    })
    .default(false),
});

/** Variables whose value is never echoed back in an error message. */
const SECRET = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'STORAGE_SECRET_ACCESS_KEY',
  'STORAGE_SIGNING_SECRET',
  'JWT_PRIVATE_KEYS',
  'SMTP_URL',
  'AUDIT_CHECKPOINT_KEY',
]);

/**
 * Every environment variable {@link loadConfig} reads.
 *
 * @example
 * ```ts
 * import { CONFIG_VARIABLES } from '@portalkit/platform';
 *
 * for (const name of CONFIG_VARIABLES) console.log(name, process.env[name] ? 'set' : 'unset');
 * ```
 */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(schema.shape));

/** One invalid variable of a {@link ConfigError}. */
export interface ConfigIssue {
  /** The environment variable. */
  variable: string;
  /** What is wrong with it (the value is included unless the variable is a secret). */
  message: string;
}

/**
 * Thrown by {@link loadConfig} when environment variables are invalid; the message lists every bad
 * value, one per line, and never echoes a secret.
 *
 * @example
 * ```ts
 * import { ConfigError, loadConfig } from '@portalkit/platform';
 *
 * try {
 *   loadConfig(process.env, { name: 'my-server' });
 * } catch (err) {
 *   if (err instanceof ConfigError) {
 *     process.stderr.write(`${err.message}\n`);
 *     process.exit(1);
 *   }
 *   throw err;
 * }
 * ```
 */
export class ConfigError extends Error {
  /** Always `'ConfigError'`. */
  override name = 'ConfigError';
  /** Each invalid variable with its message. */
  readonly issues: ConfigIssue[];
  constructor(source: string, issues: ConfigIssue[]) {
    super(
      `[portalkit/${source}] invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`,
    );
    this.issues = issues;
  }
}

/** `value` with the password of any URL in it replaced by `***` (for echoing a bad value). */
const redact = (value: string): string => maskUrlPasswords(value).masked;

/** A public base URL as links are built from it: origin and path, without a trailing slash. */
function baseUrl(value: string): string {
  const u = new URL(value);
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

/**
 * The {@link StorageConfig} of an object store (everything but the local provider), as
 * `createStorage` takes it: credentials only when both halves are set.
 */
export function objectStoreConfig(settings: Exclude<StorageSettings, { provider: 'local' }>): StorageConfig {
  return {
    provider: settings.provider,
    bucket: settings.bucket,
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.forcePathStyle !== undefined ? { forcePathStyle: settings.forcePathStyle } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
  } as StorageConfig;
}

/**
 * The storage variables that do not fit `provider`: set but unused by it, missing, half a
 * credential pair, or refused by `@portalkit/storage`'s own schema (what `createStorage` would
 * refuse at start-up, named by variable here). `echo` marks messages about the value itself.
 */
function storageIssues(
  raw: Record<string, string>,
  provider: (typeof PROVIDERS)[number],
): Array<{ variable: string; message: string; echo: boolean }> {
  const found: Array<{ variable: string; message: string; echo: boolean }> = [];
  const variables = Object.keys(OBJECT_STORE_VARIABLES) as Array<keyof typeof OBJECT_STORE_VARIABLES>;
  if (provider === 'local') {
    for (const variable of variables) {
      if (raw[variable] === undefined) continue;
      found.push({
        variable,
        message: `is not used by the local provider: set STORAGE_PROVIDER (${PROVIDERS.filter((p) => p !== 'local').join(', ')})`,
        echo: false,
      });
    }
    return found;
  }
  if (raw.STORAGE_LOCAL_ROOT !== undefined) {
    found.push({ variable: 'STORAGE_LOCAL_ROOT', message: `is not used by STORAGE_PROVIDER ${provider}`, echo: false });
  }
  if ((raw.STORAGE_ACCESS_KEY_ID === undefined) !== (raw.STORAGE_SECRET_ACCESS_KEY === undefined)) {
    const [missing, given] =
      raw.STORAGE_ACCESS_KEY_ID === undefined
        ? ['STORAGE_ACCESS_KEY_ID', 'STORAGE_SECRET_ACCESS_KEY']
        : ['STORAGE_SECRET_ACCESS_KEY', 'STORAGE_ACCESS_KEY_ID'];
    found.push({ variable: missing, message: `required when ${given} is set`, echo: false });
  }
  const checked = storageConfigSchema.safeParse(
    objectStoreConfig({
      provider,
      bucket: raw.STORAGE_BUCKET as string,
      region: raw.STORAGE_REGION,
      endpoint: raw.STORAGE_ENDPOINT,
      accessKeyId: raw.STORAGE_ACCESS_KEY_ID,
      secretAccessKey: raw.STORAGE_SECRET_ACCESS_KEY,
      forcePathStyle: raw.STORAGE_FORCE_PATH_STYLE === undefined ? undefined : false,
    }),
  );
  if (checked.success) return found;
  const variableOf = (key: string) =>
    variables.find((v) => OBJECT_STORE_VARIABLES[v] === key && raw[v] !== undefined) ??
    variables.find((v) => OBJECT_STORE_VARIABLES[v] === key);
  for (const issue of checked.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const variable = variableOf(key);
        if (variable) found.push({ variable, message: `is not used by STORAGE_PROVIDER ${provider}`, echo: false });
      }
      continue;
    }
    const key = String(issue.path[0]);
    if (key === 'credentials') continue; // half pairs are reported above
    const variable = variableOf(key);
    if (!variable) continue;
    if (raw[variable] === undefined) {
      const hint = variable === 'STORAGE_REGION' ? REGION_HINTS[provider] : undefined;
      found.push({
        variable,
        message: `required when STORAGE_PROVIDER is ${provider}${hint ? ` (${hint})` : ''}`,
        echo: false,
      });
    } else {
      found.push({
        variable,
        message:
          variable === 'STORAGE_BUCKET'
            ? 'bucket names are 3-63 lower-case letters, digits, dots and hyphens'
            : issue.message,
        echo: true,
      });
    }
  }
  return found;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Name in messages (`[portalkit/<name>] invalid configuration: ...`). @default 'platform' */
  name?: string;
}

/**
 * Reads and validates the configuration from environment variables (empty ones count as unset),
 * applying the documented defaults.
 *
 * @throws {@link ConfigError} listing every invalid variable.
 *
 * @example
 * ```ts
 * import { loadConfig } from '@portalkit/platform';
 *
 * const config = loadConfig(process.env, { name: 'my-server' });
 * console.log(config.databaseUrl ? 'external database' : `PGlite in ${config.dataDir}`);
 * ```
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): Config {
  const name = options.name ?? 'platform';
  const raw: Record<string, string> = {};
  for (const key of CONFIG_VARIABLES) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') raw[key] = value.trim();
  }
  const parsed = schema.safeParse(raw);
  const issues: ConfigIssue[] = [];
  const add = (variable: string, message: string) => {
    // One line per variable: its first problem.
    if (issues.some((i) => i.variable === variable)) return;
    const shown =
      SECRET.has(variable) || raw[variable] === undefined ? '' : ` (got ${JSON.stringify(redact(raw[variable]))})`;
    issues.push({ variable, message: `${message}${shown}` });
  };
  if (!parsed.success) for (const issue of parsed.error.issues) add(String(issue.path[0]), issue.message);
  const provider = PROVIDERS.find((p) => p === (raw.STORAGE_PROVIDER ?? 'local'));
  if (provider) {
    for (const { variable, message, echo } of storageIssues(raw, provider)) {
      if (echo) add(variable, message);
      else if (!issues.some((i) => i.variable === variable)) issues.push({ variable, message });
    }
  }
  if (!parsed.success || issues.length > 0) {
    const order = (issue: ConfigIssue) => CONFIG_VARIABLES.indexOf(issue.variable);
    throw new ConfigError(
      name,
      issues.sort((a, b) => order(a) - order(b)),
    );
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const absolute = (p: string) => (isAbsolute(p) ? p : resolve(p));
  let storage: StorageSettings;
  if (e.STORAGE_PROVIDER === 'local') {
    storage = {
      provider: 'local',
      root: e.STORAGE_LOCAL_ROOT ? absolute(e.STORAGE_LOCAL_ROOT) : join(dataDir, 'files'),
    };
  } else {
    storage = {
      provider: e.STORAGE_PROVIDER,
      bucket: e.STORAGE_BUCKET ?? '',
      region: e.STORAGE_REGION,
      endpoint: e.STORAGE_ENDPOINT,
      accessKeyId: e.STORAGE_ACCESS_KEY_ID,
      secretAccessKey: e.STORAGE_SECRET_ACCESS_KEY,
      forcePathStyle: e.STORAGE_FORCE_PATH_STYLE,
    };
  }
  const host = e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST;
  return {
    name,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL ? baseUrl(e.PUBLIC_URL) : `http://${host}:${e.PORT}`,
    dataDir,
    mailDir: e.MAIL_DIR ? absolute(e.MAIL_DIR) : join(dataDir, 'mail'),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    storage,
    storageSigningSecret: e.STORAGE_SIGNING_SECRET,
    maxFileSize: e.STORAGE_MAX_FILE_SIZE,
    allowedTypes: e.STORAGE_ALLOWED_TYPES,
    jwtPrivateKeys: e.JWT_PRIVATE_KEYS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    auditRetentionIntervalMs: e.AUDIT_RETENTION_INTERVAL_MS,
    auditDeletedTenantDays: e.AUDIT_DELETED_TENANT_DAYS,
    auditCheckpointKey: e.AUDIT_CHECKPOINT_KEY,
    trustProxy: e.TRUST_PROXY,
  };
}

/**
 * {@link loadConfig} for a process entry point: on a {@link ConfigError} it writes the message
 * (one line per bad variable) to stderr and exits with code 1.
 *
 * @example
 * ```ts
 * import { loadConfigOrExit } from '@portalkit/platform';
 *
 * const config = loadConfigOrExit(process.env, { name: 'my-server' });
 * ```
 */
export function loadConfigOrExit(
  env: Record<string, string | undefined> = process.env,
  options: LoadConfigOptions = {},
): Config {
  try {
    return loadConfig(env, options);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
