import { randomUUID } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { runWithAuditContext, updateAuditContext } from '@portalkit/audit';
import {
  buildOpenApi,
  fieldErrorsFromZod,
  type RouteDefinition,
  type RouteName,
  routeList,
} from '@portalkit/client/contract';
import { tenantCorsHeaders } from '@portalkit/tenancy';
import { type Context, type Handler, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import type { z } from 'zod';
import type { AppEnv, Services } from './context.js';
import { docs } from './docs.js';
import { problemFromPackageError } from './package-errors.js';
import { HttpProblem, notFound, notImplemented, problemResponse } from './problem.js';

/** Handlers by route name; a route without one answers 501 not_implemented. */
export type Handlers = Partial<Record<RouteName, Array<MiddlewareHandler<AppEnv> | Handler<AppEnv>>>>;

/** `app.on` with a route table's method, path and handler chain. */
type Mount = (method: string, path: string, ...handlers: Array<MiddlewareHandler<AppEnv> | Handler<AppEnv>>) => void;

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const SYSTEM_ROUTES = new Set(['health', 'ready', 'openapi', 'docs']);

function parse(schema: z.ZodType | null, value: unknown, where: string): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors = fieldErrorsFromZod(result.error).map((e) => ({ ...e, path: e.path ? e.path : where }));
    throw new HttpProblem(400, 'validation_failed', `the ${where} is invalid`, { errors });
  }
  return result.data;
}

/** Validates params, query and JSON body against the route's contract schemas into `c.var.input`. */
function validate(route: RouteDefinition): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const params = parse(route.params, c.req.param(), 'path') as Record<string, string>;
    const rawQuery: Record<string, string | string[]> = {};
    for (const [key, values] of Object.entries(c.req.queries())) {
      rawQuery[key] = values.length === 1 ? values[0]! : values;
    }
    const query = parse(route.query, rawQuery, 'query') as Record<string, unknown>;
    let body: unknown;
    if (route.bodyType === 'json' && route.body) {
      if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
        throw new HttpProblem(415, 'unsupported_media_type', 'send the body as application/json');
      }
      let raw: unknown;
      try {
        raw = await c.req.json();
      } catch {
        throw new HttpProblem(400, 'validation_failed', 'the body is not valid JSON', {
          errors: [{ path: '', message: 'malformed JSON' }],
        });
      }
      body = parse(route.body, raw, 'body');
    }
    c.set('input', { params, query, body });
    await next();
  });
}

/**
 * The middleware a route's `auth` and `role` call for: a verified bearer token; a verified e-mail for
 * `verified` routes; for tenant routes, a token minted for that tenant and a current membership with
 * the role (non-members and other tenants' tokens get 404, a too-weak role 403).
 */
function guards(services: Services): (route: RouteDefinition) => MiddlewareHandler<AppEnv>[] {
  const { accessTokens, tenancy, authStore } = services.platform;
  const authenticate = createMiddleware<AppEnv>(async (c, next) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(c.req.header('authorization') ?? '');
    if (!match) throw new HttpProblem(401, 'unauthorized', 'send Authorization: Bearer <access token>');
    const claims = await accessTokens.verify(match[1]!);
    c.set('claims', claims);
    c.set('userId', claims.sub);
    c.set('log', c.var.log.child({ userId: claims.sub }));
    updateAuditContext({ actor: { type: 'user', id: claims.sub } });
    await next();
  });
  const verified = createMiddleware<AppEnv>(async (c, next) => {
    const user = await authStore.findUserById(c.var.userId!);
    if (!user) throw new HttpProblem(401, 'unauthorized', 'this account no longer exists');
    if (user.emailVerifiedAt === null)
      throw new HttpProblem(403, 'email_not_verified', 'verify your e-mail address first');
    await next();
  });
  const tenantRole = (route: RouteDefinition) =>
    createMiddleware<AppEnv>(async (c, next) => {
      const tenantId = c.req.param('tenantId');
      const claims = c.var.claims!;
      // A token minted for tenant A never reads tenant B, whatever the caller's other memberships.
      if (!tenantId || claims.tid !== tenantId) throw notFound('tenant');
      const self = route.allowSelf && c.req.param('userId') === claims.sub;
      const { tenant, member } = await tenancy.requireAccess(
        tenantId,
        claims.sub,
        self ? undefined : (route.role ?? undefined),
      );
      // CORS per tenant: only the origins listed in the tenant's settings may call it from a browser.
      for (const [name, value] of Object.entries(tenantCorsHeaders(tenant.settings, c.req.header('origin')))) {
        c.header(name, value);
      }
      c.set('tenantId', tenantId);
      c.set('role', member.role);
      c.set('log', c.var.log.child({ tenantId }));
      updateAuditContext({ tenantId });
      await next();
    });
  return (route) => {
    if (route.auth === 'none') return [];
    const chain = [authenticate];
    if (route.auth === 'verified') chain.push(verified);
    if (route.role) chain.push(tenantRole(route));
    return chain;
  };
}

async function check(fn: () => Promise<void>, timeoutMs = 2000): Promise<'ok' | 'failed'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch {
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}

/** The Hono application: middleware, health, docs and every API route of the contract. */
export function createApp(services: Services, handlers: Handlers): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const https = services.config.publicUrl.startsWith('https:');

  app.use(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('log', services.log.child({ requestId }));
    c.header('x-request-id', requestId);
    const clientIp = services.config.trustProxy
      ? (c.req.header('x-forwarded-for')?.split(',')[0]?.trim() ?? getConnInfo(c).remote.address)
      : getConnInfo(c).remote.address;
    c.set('clientIp', clientIp);
    const started = performance.now();
    // Audit events recorded while serving the request carry its id, ip and user agent.
    await runWithAuditContext({ requestId, ip: clientIp ?? null, userAgent: c.req.header('user-agent') ?? null }, () =>
      next(),
    );
    c.var.log.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: performance.now() - started,
        tenantId: c.var.tenantId,
        userId: c.var.userId,
      },
      'request completed',
    );
  });
  app.use(
    secureHeaders({
      strictTransportSecurity: https ? 'max-age=31536000; includeSubDomains' : false,
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        fontSrc: ["'self'", 'https:', 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", 'https:', "'unsafe-inline'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    }),
  );

  app.get('/health', (c) => c.json({ status: 'ok' as const }));
  app.get('/ready', async (c) => {
    const checks = {
      database: await check(services.database.ping),
      storage: await check(async () => {
        // A listing fails when the bucket or root is missing or unreachable (exists() would say false).
        await services.platform.storage.list('portalkit-ready/', { limit: 1 });
      }),
      cache: await check(services.cache.ping),
    };
    const ready = Object.values(checks).every((v) => v === 'ok');
    if (!ready) c.var.log.warn({ checks }, 'not ready');
    return c.json({ status: ready ? 'ok' : 'unavailable', checks }, ready ? 200 : 503);
  });
  const openapi = JSON.stringify(buildOpenApi({ servers: [{ url: services.config.publicUrl }] }));
  app.get('/openapi.json', (c) => c.body(openapi, 200, { 'content-type': 'application/json; charset=utf-8' }));
  app.route('/', docs);
  // Signed URLs of the local provider (direct uploads, downloads): the signature is the authorization.
  const signedUrls = services.platform.signedUrls;
  if (signedUrls) app.all('/storage/*', (c) => signedUrls.fetch(c.req.raw));

  // CORS preflight of tenant routes, answered from the tenant's allowed origins (none by default).
  const preflight = async (c: Context<AppEnv>) => {
    const tenant = await services.platform.tenancy.getTenant(c.req.param('tenantId') ?? '').catch(() => null);
    const headers = tenantCorsHeaders(tenant?.settings, c.req.header('origin'));
    if (headers['access-control-allow-origin']) {
      Object.assign(headers, {
        'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
        'access-control-allow-headers': 'authorization, content-type, x-request-id, range',
        'access-control-expose-headers': 'x-request-id, content-disposition, retry-after',
        'access-control-max-age': '600',
      });
    }
    return c.body(null, 204, headers);
  };
  app.options('/api/v1/tenants/:tenantId', preflight);
  app.options('/api/v1/tenants/:tenantId/*', preflight);

  const jsonLimit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: () => {
      throw new HttpProblem(413, 'payload_too_large', 'the JSON body is larger than 1 MiB');
    },
  });
  const guardsFor = guards(services);
  for (const route of routeList) {
    if (SYSTEM_ROUTES.has(route.name)) continue;
    const chain = handlers[route.name as RouteName] ?? [
      () => {
        throw notImplemented(`${route.method} ${route.path}`);
      },
    ];
    const limits = route.bodyType === 'json' ? [jsonLimit] : [];
    (app.on as Mount)(route.method, route.path, ...limits, ...guardsFor(route), validate(route), ...chain);
  }

  app.notFound((c) => problemResponse(c, notFound('route')));
  app.onError((err, c) => {
    let problem = err instanceof HttpProblem ? err : problemFromPackageError(err);
    if (!problem) {
      c.var.log.error({ err }, 'unhandled error');
      problem = new HttpProblem(
        500,
        'internal',
        'an unexpected error occurred; quote the request id when reporting it',
      );
    }
    return problemResponse(c, problem);
  });
  return app;
}
