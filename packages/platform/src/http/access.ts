import { updateAuditContext } from '@portalkit/audit';
import type { AccessTokenClaims } from '@portalkit/auth';
import type { RouteDefinition } from '@portalkit/client/contract';
import { type Member, type Tenant, tenantCorsHeaders } from '@portalkit/tenancy';
import type { Platform } from '../platform.js';
import { ApiProblem, notFound } from './problem.js';

/** What a request tells {@link Access.authorize}. */
export interface AccessRequest {
  /** The `Authorization` header. */
  authorization: string | undefined;
  /** The `Origin` header (per-tenant CORS). */
  origin: string | undefined;
  /** Path parameters (`tenantId`, `userId`), as matched by the router. */
  params: Record<string, string | undefined>;
}

/** The caller of an authorized request. */
export interface AccessGrant {
  /** Verified access-token claims (`null` on public routes). */
  claims: AccessTokenClaims | null;
  /** The route's tenant (tenant routes only). */
  tenant: Tenant | null;
  /** The caller's membership in it (tenant routes only). */
  member: Member | null;
  /** Response headers to set: the tenant's CORS headers for the request's origin. */
  headers: Record<string, string>;
}

/** Authentication and tenant access checks of the reference API. Created by {@link createAccess}. */
export interface Access {
  /** Verifies `Authorization: Bearer <access token>` (401 `unauthorized` / `token_expired` otherwise). */
  authenticate(authorization: string | undefined): Promise<AccessTokenClaims>;
  /**
   * Everything a route's `auth` and `role` call for: a verified bearer token; a verified e-mail
   * for `verified` routes; for tenant routes, a token minted for that tenant and a current
   * membership with the role (other tenants and non-members get 404, a too-weak role 403). Sets
   * the audit context's actor and tenant.
   */
  authorize(route: RouteDefinition, request: AccessRequest): Promise<AccessGrant>;
  /** Headers answering a CORS preflight of a tenant route, from the tenant's allowed origins (none by default). */
  preflight(tenantId: string | undefined, origin: string | undefined): Promise<Record<string, string>>;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * The access checks of the reference API over a platform.
 *
 * @example
 * ```ts
 * import { routes } from '@portalkit/client/contract';
 * import { createAccess } from '@portalkit/platform/http';
 *
 * const access = createAccess(platform);
 * const { claims, tenant, headers } = await access.authorize(routes.getTenant, {
 *   authorization: req.headers.authorization,
 *   origin: req.headers.origin,
 *   params: req.params,
 * });
 * ```
 */
export function createAccess(platform: Pick<Platform, 'accessTokens' | 'tenancy' | 'authStore'>): Access {
  const { accessTokens, tenancy, authStore } = platform;

  const authenticate = async (authorization: string | undefined) => {
    const match = BEARER.exec(authorization ?? '');
    if (!match) throw new ApiProblem(401, 'unauthorized', 'send Authorization: Bearer <access token>');
    const claims = await accessTokens.verify(match[1]!);
    updateAuditContext({ actor: { type: 'user', id: claims.sub } });
    return claims;
  };

  return {
    authenticate,
    async authorize(route, request) {
      if (route.auth === 'none') return { claims: null, tenant: null, member: null, headers: {} };
      const claims = await authenticate(request.authorization);
      if (route.auth === 'verified') {
        const user = await authStore.findUserById(claims.sub);
        if (!user) throw new ApiProblem(401, 'unauthorized', 'this account no longer exists');
        if (user.emailVerifiedAt === null) {
          throw new ApiProblem(403, 'email_not_verified', 'verify your e-mail address first');
        }
      }
      if (!route.role) return { claims, tenant: null, member: null, headers: {} };
      const tenantId = request.params.tenantId;
      // A token minted for tenant A never reads tenant B, whatever the caller's other memberships.
      if (!tenantId || claims.tid !== tenantId) throw notFound('tenant');
      const self = route.allowSelf && request.params.userId === claims.sub;
      const { tenant, member } = await tenancy.requireAccess(tenantId, claims.sub, self ? undefined : route.role);
      updateAuditContext({ tenantId });
      // CORS per tenant: only the origins listed in the tenant's settings may call it from a browser.
      return { claims, tenant, member, headers: { ...tenantCorsHeaders(tenant.settings, request.origin) } };
    },
    async preflight(tenantId, origin) {
      const tenant = tenantId ? await tenancy.getTenant(tenantId).catch(() => null) : null;
      const headers: Record<string, string> = { ...tenantCorsHeaders(tenant?.settings, origin) };
      if (headers['access-control-allow-origin']) {
        Object.assign(headers, {
          'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
          'access-control-allow-headers': 'authorization, content-type, x-request-id, range',
          'access-control-expose-headers': 'x-request-id, content-disposition, retry-after',
          'access-control-max-age': '600',
        });
      }
      return headers;
    },
  };
}
