import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { type RouteDefinition, routeList } from '@portalkit/client/contract';
import {
  type Access,
  type ApiRouteName,
  JSON_BODY_LIMIT,
  jsonTooLarge,
  type Operation,
  type OperationResult,
  SYSTEM_ROUTES,
  validateRouteInput,
} from '@portalkit/platform/http';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode, RedirectStatusCode, StatusCode } from 'hono/utils/http-status';
import type { AppEnv } from './context.js';

/** `app.on` with a route table's method, path and middleware chain. */
type Mount = (method: string, path: string, ...handlers: MiddlewareHandler<AppEnv>[]) => void;

/** The route's `auth`/`role` checks: claims, tenant membership, per-tenant CORS headers. */
const authorize = (access: Access, route: RouteDefinition) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const grant = await access.authorize(route, {
      authorization: c.req.header('authorization'),
      origin: c.req.header('origin'),
      params: c.req.param(),
    });
    for (const [name, value] of Object.entries(grant.headers)) c.header(name, value);
    if (grant.claims) {
      c.set('claims', grant.claims);
      c.set('userId', grant.claims.sub);
    }
    if (grant.tenant) c.set('tenantId', grant.tenant.id);
    await next();
  });

/** Validates path, query and JSON body against the contract into the `input` variable. */
const validate = (route: RouteDefinition) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const query: Record<string, string | string[]> = {};
    for (const [key, values] of Object.entries(c.req.queries())) query[key] = values.length === 1 ? values[0]! : values;
    c.set(
      'input',
      await validateRouteInput(route, {
        params: c.req.param(),
        query,
        contentType: c.req.header('content-type'),
        contentEncoding: c.req.header('content-encoding'),
        body: () => c.req.json(),
      }),
    );
    await next();
  });

/** An operation's result as a Hono response. */
function respond(c: Context<AppEnv>, result: OperationResult): Response {
  if (result.tenantId) c.set('tenantId', result.tenantId);
  switch (result.type) {
    case 'json':
      return c.json(result.body as object, result.status as ContentfulStatusCode);
    case 'empty':
      return c.body(null, result.status as StatusCode, result.headers);
    case 'redirect':
      for (const [name, value] of Object.entries(result.headers)) c.header(name, value);
      return c.redirect(result.location, result.status as RedirectStatusCode);
    case 'stream':
      return c.body(
        Readable.toWeb(result.body) as unknown as ReadableStream<Uint8Array>,
        result.status as ContentfulStatusCode,
        result.headers,
      );
  }
}

/** The handler of a route: hand the validated request to its operation, answer with the result. */
const handle = (operation: Operation) =>
  createMiddleware<AppEnv>(async (c) => {
    const result = await operation({
      ...c.get('input'),
      claims: c.get('claims') ?? null,
      client: { ip: c.get('clientIp'), userAgent: c.req.header('user-agent') },
      header: (name) => c.req.header(name),
      multipart: () => ({
        headers: { 'content-type': c.req.header('content-type') },
        body: c.req.raw.body ? Readable.fromWeb(c.req.raw.body as unknown as NodeWebStream<Uint8Array>) : null,
      }),
    });
    return respond(c, result);
  });

/**
 * Mounts every API route of the contract's route table (the system routes are the app's): access
 * checks, JSON body limit, validation, then the route's operation from @portalkit/platform.
 */
export function mountApi(app: Hono<AppEnv>, access: Access, operations: Record<ApiRouteName, Operation>): void {
  const jsonLimit = bodyLimit({
    maxSize: JSON_BODY_LIMIT,
    onError: () => {
      throw jsonTooLarge();
    },
  });
  for (const route of routeList) {
    if (SYSTEM_ROUTES.has(route.name)) continue;
    const operation = operations[route.name as ApiRouteName];
    // The body is read only after the access checks, as in the Express server.
    const chain = [authorize(access, route), validate(route), handle(operation)];
    if (route.bodyType === 'json') chain.splice(1, 0, jsonLimit);
    (app.on as Mount)(route.method, route.path, ...chain);
  }
}
