import { updateAuditContext } from '@portalkit/audit';
import type { RouteDefinition } from '@portalkit/client/contract';
import { tenantCorsHeaders } from '@portalkit/tenancy';
import type { RequestHandler } from 'express';
import type { Services } from './context.js';
import { HttpProblem, notFound } from './problem.js';

declare global {
  namespace Express {
    interface Locals {
      /** The caller's current role in the route's tenant (checked on every request). */
      role?: string;
    }
  }
}

/**
 * The middleware a route's `auth` and `role` call for: a verified bearer token; a verified e-mail for
 * `verified` routes; for tenant routes, a token minted for that tenant and a current membership with
 * the role (non-members and other tenants' tokens get 404, a too-weak role 403).
 */
export function guardsFor(services: Services): (route: RouteDefinition) => RequestHandler[] {
  const { accessTokens, tenancy, authStore } = services.platform;

  const authenticate: RequestHandler = async (req, res, next) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(req.get('authorization') ?? '');
    if (!match) throw new HttpProblem(401, 'unauthorized', 'send Authorization: Bearer <access token>');
    const claims = await accessTokens.verify(match[1]!);
    res.locals.claims = claims;
    res.locals.userId = claims.sub;
    res.locals.log = res.locals.log.child({ userId: claims.sub });
    updateAuditContext({ actor: { type: 'user', id: claims.sub } });
    next();
  };

  const verified: RequestHandler = async (_req, res, next) => {
    const user = await authStore.findUserById(res.locals.userId!);
    if (!user) throw new HttpProblem(401, 'unauthorized', 'this account no longer exists');
    if (user.emailVerifiedAt === null)
      throw new HttpProblem(403, 'email_not_verified', 'verify your e-mail address first');
    next();
  };

  const tenantRole =
    (route: RouteDefinition): RequestHandler =>
    async (req, res, next) => {
      const tenantId = req.params.tenantId as string | undefined;
      const claims = res.locals.claims!;
      // A token minted for tenant A never reads tenant B, whatever the caller's other memberships.
      if (!tenantId || claims.tid !== tenantId) throw notFound('tenant');
      const self = route.allowSelf && (req.params.userId as string | undefined) === claims.sub;
      const { tenant, member } = await tenancy.requireAccess(
        tenantId,
        claims.sub,
        self ? undefined : (route.role ?? undefined),
      );
      // CORS per tenant: only the origins listed in the tenant's settings may call it from a browser.
      res.set(tenantCorsHeaders(tenant.settings, req.get('origin')));
      res.locals.tenantId = tenantId;
      res.locals.role = member.role;
      res.locals.log = res.locals.log.child({ tenantId });
      updateAuditContext({ tenantId });
      next();
    };

  return (route) => {
    if (route.auth === 'none') return [];
    const chain = [authenticate];
    if (route.auth === 'verified') chain.push(verified);
    if (route.role) chain.push(tenantRole(route));
    return chain;
  };
}

/** CORS preflight of tenant routes, answered from the tenant's allowed origins (none by default). */
export function tenantPreflight(services: Services): RequestHandler {
  return async (req, res) => {
    const origin = req.get('origin');
    const tenantId = req.params.tenantId as string;
    const tenant = await services.platform.tenancy.getTenant(tenantId).catch(() => null);
    const headers = tenantCorsHeaders(tenant?.settings, origin);
    res.set(headers);
    if (headers['access-control-allow-origin']) {
      res.set({
        'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
        'access-control-allow-headers': 'authorization, content-type, x-request-id, range',
        'access-control-expose-headers': 'x-request-id, content-disposition, retry-after',
        'access-control-max-age': '600',
      });
    }
    res.status(204).end();
  };
}
