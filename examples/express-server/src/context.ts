import type { AccessTokenClaims } from '@portalkit/auth';
import type { RouteInput } from '@portalkit/platform/http';
import type { Logger } from 'pino';

declare global {
  namespace Express {
    interface Locals {
      /** The request id echoed in `x-request-id` and in every log line of the request. */
      requestId: string;
      /** The request's logger: a child of the server's carrying requestId, tenantId and userId as known when read. */
      readonly log: Logger;
      /** Verified access-token claims, set by the access middleware. */
      claims?: AccessTokenClaims;
      /** Authenticated user id. */
      userId?: string;
      /** Tenant of the request, once the membership is checked (or once the operation named it). */
      tenantId?: string;
      /** Parameters, query and JSON body after validation against the contract. */
      input: RouteInput;
    }
  }
}
