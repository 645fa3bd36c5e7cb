import type { AccessTokenClaims, KeySet } from '@portalkit/auth';
import type { Logger } from 'pino';
import type { Cache } from './cache.js';
import type { Config } from './config.js';
import type { Database } from './database.js';
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

declare global {
  namespace Express {
    interface Locals {
      /** The request id echoed in `x-request-id` and in every log line of the request. */
      requestId: string;
      /** The request's logger (child of the server's, carrying requestId, then tenantId and userId). */
      log: Logger;
      /** Authenticated user id, set by the auth middleware. */
      userId?: string;
      /** Verified access-token claims, set by the authentication guard. */
      claims?: AccessTokenClaims;
      /** Tenant of the route, set once membership is checked. */
      tenantId?: string;
    }
  }
}
