import type { AccessTokenClaims, KeySet } from '@portalkit/auth';
import type { Logger } from 'pino';
import type { Cache } from './cache.js';
import type { Database } from './database.js';
import type { Config } from './env.js';
import type { Mailer } from './mailer.js';
import type { Platform } from './platform.js';

/** Everything the routes use, built once at start-up by `main.ts` and closed on shutdown. */
export interface Services {
  config: Config;
  log: Logger;
  database: Database;
  cache: Cache;
  mailer: Mailer;
  keySet: KeySet;
  platform: Platform;
}

/** Validated input of a route, as the contract's schemas parsed it. */
export interface RouteInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

/** The Hono environment: per-request variables set by the middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    clientIp: string | undefined;
    log: Logger;
    input: RouteInput;
    claims?: AccessTokenClaims;
    userId?: string;
    tenantId?: string;
    role?: string;
  };
}
