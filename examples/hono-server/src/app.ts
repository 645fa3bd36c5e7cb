import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getConnInfo } from '@hono/node-server/conninfo';
import { runWithAuditContext } from '@portalkit/audit';
import {
  type ApiProblem,
  clientAddress,
  createAccess,
  createOperations,
  DOCS_ASSETS,
  DOCS_INIT_SCRIPT,
  DOCS_PAGE,
  docsAssetsDir,
  internalProblem,
  notFound,
  openApiJson,
  problemDocument,
  problemFromError,
  requestIdFrom,
} from '@portalkit/platform/http';
import { type Context, Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv, Services } from './context.js';
import { mountApi } from './routes.js';

/** The problem+json response for a problem, carrying the request id. */
function problemResponse(c: Context<AppEnv>, problem: ApiProblem): Response {
  return c.body(JSON.stringify(problemDocument(problem, c.get('requestId'))), problem.status as ContentfulStatusCode, {
    ...problem.extra.headers,
    // A body refused before it was read leaves bytes on the socket: do not reuse the connection.
    ...(problem.status === 413 ? { connection: 'close' } : {}),
    'content-type': 'application/problem+json',
  });
}

// Variables are read with `c.get(name)`, not `c.var.name`: Hono builds a new object of all the
// variables on every `c.var` read.
/** The Hono application: middleware, health, docs and every API route of the contract. */
export function createApp({ config, log, platform }: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const https = config.publicUrl.startsWith('https:');

  // The request's logger, with the ids known when something logs: made only then (pino's child()
  // costs even below the level). The summary line passes the same ids to the root logger.
  const requestLog = (c: Context<AppEnv>) =>
    log.child({ requestId: c.get('requestId'), tenantId: c.get('tenantId'), userId: c.get('userId') });

  app.use(async (c, next) => {
    const requestId = requestIdFrom(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    // TRUST_PROXY: false, a hop count or the proxies' addresses (never the left-most entry, which
    // the caller writes).
    const clientIp = clientAddress(getConnInfo(c).remote.address, c.req.header('x-forwarded-for'), config.trustProxy);
    c.set('clientIp', clientIp);
    const started = performance.now();
    // Audit events recorded while serving the request carry its id, ip and user agent.
    await runWithAuditContext({ requestId, ip: clientIp ?? null, userAgent: c.req.header('user-agent') ?? null }, () =>
      next(),
    );
    // Set on the final response, so that one a handler built itself (the signed-URL routes) has it too.
    c.res.headers.set('x-request-id', requestId);
    if (!log.isLevelEnabled('info')) return;
    log.info(
      {
        requestId,
        tenantId: c.get('tenantId'),
        userId: c.get('userId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: performance.now() - started,
      },
      'request completed',
    );
  });
  app.use(
    secureHeaders({
      // Headers a handler set win (a download's `sandbox` CSP), as with helmet in Express.
      overwrite: false,
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
    const { ready, checks } = await platform.ready();
    if (!ready) requestLog(c).warn({ checks }, 'not ready');
    return c.json({ status: ready ? 'ok' : 'unavailable', checks }, ready ? 200 : 503);
  });
  const openapi = openApiJson(config.publicUrl);
  app.get('/openapi.json', (c) => c.body(openapi, 200, { 'content-type': 'application/json; charset=utf-8' }));
  app.get('/docs', (c) => c.html(DOCS_PAGE));
  app.get('/docs/init.js', (c) =>
    c.body(DOCS_INIT_SCRIPT, 200, { 'content-type': 'application/javascript; charset=utf-8' }),
  );
  app.get('/docs/assets/:name', async (c) => {
    const name = c.req.param('name');
    const type = DOCS_ASSETS[name];
    if (!type) return c.notFound();
    const bytes = await readFile(join(docsAssetsDir(), name));
    return c.body(bytes, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400, immutable' });
  });
  // Signed URLs of the local provider (direct uploads, downloads): the signature is the authorization.
  const signedUrls = platform.signedUrls;
  if (signedUrls) app.all('/storage/*', (c) => signedUrls.fetch(c.req.raw));

  const access = createAccess(platform);
  // CORS preflight of tenant routes, answered from the tenant's allowed origins (none by default).
  const preflight = async (c: Context<AppEnv>) =>
    c.body(null, 204, await access.preflight(c.req.param('tenantId'), c.req.header('origin')));
  app.options('/api/v1/tenants/:tenantId', preflight);
  app.options('/api/v1/tenants/:tenantId/*', preflight);
  mountApi(app, access, createOperations(platform));

  app.notFound((c) => problemResponse(c, notFound('route')));
  app.onError((err, c) => {
    let problem = problemFromError(err);
    if (!problem) {
      requestLog(c).error({ err }, 'unhandled error');
      problem = internalProblem();
    }
    return problemResponse(c, problem);
  });
  return app;
}
