import type { AccessTokenClaims } from '@portalkit/auth';
import type { Config, Platform } from '@portalkit/platform';
import type { RouteInput } from '@portalkit/platform/http';
import type { Logger } from 'pino';

/** What the app is built from: the configuration, the root logger and the composed platform. */
export interface Services {
  config: Config;
  log: Logger;
  platform: Platform;
}

/** The Hono environment: per-request variables set by the middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    clientIp: string | undefined;
    input: RouteInput;
    claims?: AccessTokenClaims;
    userId?: string;
    tenantId?: string;
  };
}
