import { type RouteDefinition, routeList } from '@portalkit/client/contract';
import {
  type Access,
  type ApiRouteName,
  type Operation,
  type OperationResult,
  SYSTEM_ROUTES,
  validateRouteInput,
} from '@portalkit/platform/http';
import express, { type RequestHandler, type Response, type Router } from 'express';

/** The route's `auth`/`role` checks: claims, tenant membership, per-tenant CORS headers. */
function authorize(access: Access, route: RouteDefinition): RequestHandler {
  return async (req, res, next) => {
    const grant = await access.authorize(route, {
      authorization: req.get('authorization'),
      origin: req.get('origin'),
      params: req.params as Record<string, string>,
    });
    res.set(grant.headers);
    if (grant.claims) {
      res.locals.claims = grant.claims;
      res.locals.userId = grant.claims.sub;
    }
    if (grant.tenant) res.locals.tenantId = grant.tenant.id;
    next();
  };
}

/** Validates path, query and JSON body (parsed by `express.json`) against the contract. */
function validate(route: RouteDefinition): RequestHandler {
  return async (req, res, next) => {
    res.locals.input = await validateRouteInput(route, {
      params: req.params as Record<string, string>,
      query: req.query as Record<string, unknown>,
      contentType: req.get('content-type'),
      body: req.body,
    });
    next();
  };
}

/** Writes an operation's result on the Express response. */
function send(res: Response, result: OperationResult): void {
  if (result.tenantId) res.locals.tenantId = result.tenantId;
  switch (result.type) {
    case 'json':
      res.status(result.status).json(result.body);
      return;
    case 'empty':
      res
        .status(result.status)
        .set(result.headers ?? {})
        .end();
      return;
    case 'redirect':
      res.set(result.headers).redirect(result.status, result.location);
      return;
    case 'stream':
      res.status(result.status).set(result.headers);
      result.body.on('error', (err) => {
        res.locals.log.error({ err }, 'response stream failed mid-way');
        res.destroy();
      });
      result.body.pipe(res);
  }
}

/** The handler of a route: hand the validated request to its operation, send the result. */
function handle(operation: Operation): RequestHandler {
  return async (req, res) => {
    const { input } = res.locals;
    send(
      res,
      await operation({
        ...input,
        claims: res.locals.claims ?? null,
        client: { ip: req.ip, userAgent: req.get('user-agent') },
        header: (name) => req.get(name),
        multipart: () => ({ headers: req.headers, body: req }),
      }),
    );
  };
}

/**
 * Mounts every API route of the contract's route table (the system routes are the app's): access
 * checks, validation, then the route's operation from @portalkit/platform.
 */
export function apiRouter(access: Access, operations: Record<ApiRouteName, Operation>): Router {
  const router = express.Router();
  for (const route of routeList) {
    if (SYSTEM_ROUTES.has(route.name)) continue;
    const operation = operations[route.name as ApiRouteName];
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    router[method](route.path, authorize(access, route), validate(route), handle(operation));
  }
  return router;
}
