import { pipeline } from 'node:stream';
import { type RouteDefinition, routeList } from '@portalkit/client/contract';
import {
  type Access,
  type ApiRouteName,
  JSON_BODY_LIMIT,
  malformedJson,
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

/**
 * JSON bodies of the routes that take one, read after the access checks: 1 MiB at most (413
 * above), UTF-8 only, uncompressed (415 otherwise), parsed only for application/json. An empty
 * body is malformed JSON (body-parser would make it `{}`), as in the Hono server.
 */
const jsonBody = express.json({
  limit: JSON_BODY_LIMIT,
  strict: true,
  inflate: false,
  verify: (_req, _res, bytes) => {
    if (bytes.length === 0) throw malformedJson();
  },
});

/** Validates path, query and JSON body (parsed by `express.json`) against the contract. */
function validate(route: RouteDefinition): RequestHandler {
  return async (req, res, next) => {
    res.locals.input = await validateRouteInput(route, {
      params: req.params as Record<string, string>,
      query: req.query as Record<string, unknown>,
      contentType: req.get('content-type'),
      contentEncoding: req.get('content-encoding'),
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
      // pipeline, not pipe: a client that goes away mid-download must close the source (a file
      // handle of the local provider, a socket to S3), or every aborted download leaks one.
      pipeline(result.body, res, (err) => {
        if (err && !res.writableFinished && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') {
          res.locals.log.error({ err }, 'response stream failed mid-way');
        }
      });
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
 * checks, the JSON body, validation, then the route's operation from @portalkit/platform.
 */
export function apiRouter(access: Access, operations: Record<ApiRouteName, Operation>): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  for (const route of routeList) {
    if (SYSTEM_ROUTES.has(route.name)) continue;
    const operation = operations[route.name as ApiRouteName];
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    const chain = [authorize(access, route), validate(route), handle(operation)];
    if (route.bodyType === 'json') chain.splice(1, 0, jsonBody);
    router[method](route.path, ...chain);
  }
  return router;
}
