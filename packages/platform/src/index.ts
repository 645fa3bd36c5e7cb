/**
 * The whole portalkit system composed from environment variables, for any HTTP framework:
 * configuration, database, cache, mailer and keys, and {@link createPlatform} wiring auth,
 * tenancy, storage and audit over them with their background jobs. The HTTP pieces are in
 * `@portalkit/platform/http`.
 *
 * @packageDocumentation
 */
export { type Cache, openCache } from './cache.js';
export {
  CONFIG_VARIABLES,
  type Config,
  ConfigError,
  type ConfigIssue,
  type LoadConfigOptions,
  loadConfig,
  loadConfigOrExit,
  type StorageSettings,
  type TrustProxy,
} from './config.js';
export { type Database, type DatabaseHandle, openDatabase, type SqlDatabase } from './database.js';
export { type PlatformLogger, silentLogger } from './logger.js';
export { createMailer, type Mailer, type MailerOptions, type MailMessage } from './mailer.js';
export {
  type CheckStatus,
  createPlatform,
  type DeletedTenantsTick,
  type Platform,
  type PlatformOptions,
  type Readiness,
  type ReadinessChecks,
  type RetentionTick,
} from './platform.js';
export { loadCheckpointKey, loadKeySet, loadSigningSecret } from './secrets.js';
