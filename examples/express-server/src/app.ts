import { runWithAuditContext } from '@portalkit/audit';
import type { Config, Platform } from '@portalkit/platform';
import {
  type ApiProblem,
  createAccess,
  createOperations,
  DOCS_ASSETS,
  DOCS_INIT_SCRIPT,
  DOCS_PAGE,
  docsAssetsDir,
  internalProblem,
  jsonTooLarge,
  malformedJson,
  notFound,
  openApiJson,
  ApiProblem as Problem,
  problemDocument,
  problemFromError,
  requestIdFrom,
} from '@portalkit/platform/http';
import express, { type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import './context.js';
import { apiRouter } from './routes.js';

/** What the app is built from: the configuration, the root logger and the composed platform. */
export interface Services {
  config: Config;
  log: Logger;
  platform: Platform;
}

/**
 * x-request-id from the caller when well-formed, else a new one; the request's logger; a summary
 * line when the response is finished; an audit context per request.
 */
function requestContext(log: Logger): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdFrom(req.get('x-request-id'));
    res.locals.requestId = requestId;
    // The request's logger carries the ids known when it is asked for. It is made only when
    // something logs (pino's child() costs even below the level); the summary line below passes
    // the same ids to the root logger instead.
    Object.defineProperty(res.locals, 'log', {
      get: () => log.child({ requestId, tenantId: res.locals.tenantId, userId: res.locals.userId }),
    });
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (!log.isLevelEnabled('info')) return;
      // Path only: query strings may carry signed-URL signatures.
      log.info(
        {
          requestId,
          tenantId: res.locals.tenantId,
          userId: res.locals.userId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request completed',
      );
    });
    // Audit events recorded while serving the request carry its id, ip and user agent.
    runWithAuditContext({ requestId, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null }, next);
  };
}

/** Writes a problem as application/problem+json (with the request id). */
function sendProblem(res: Response, problem: ApiProblem): void {
  res
    .status(problem.status)
    .set(problem.extra.headers ?? {})
    .type('application/problem+json')
    .send(JSON.stringify(problemDocument(problem, res.locals.requestId)));
}

/** Body-parser failures (they carry a `type`) as the API's problems. */
function parserProblem(err: { type?: unknown }): ApiProblem | null {
  switch (err?.type) {
    case 'entity.too.large':
      return jsonTooLarge();
    case 'entity.parse.failed':
      return malformedJson();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new Problem(415, 'unsupported_media_type', 'the body must be UTF-8 JSON');
    case 'request.aborted':
      return new Problem(400, 'validation_failed', 'the request was aborted by the client');
    default:
      return null;
  }
}

/**
 * Other client errors Express and its parsers raise (a path parameter with broken percent-encoding,
 * a body stream it cannot read): they carry a 4xx `status`. Answered as a fixed 400 problem, not
 * logged as a server error.
 */
function clientProblem(err: { status?: unknown; expose?: unknown }): ApiProblem | null {
  if (typeof err?.status !== 'number' || err.status < 400 || err.status > 499 || err.expose === false) return null;
  return new Problem(400, 'validation_failed', 'the request is malformed');
}

/** Everything thrown ends here: the platform maps package errors, the rest is a 500 without details. */
const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  let problem = problemFromError(err) ?? parserProblem(err) ?? clientProblem(err);
  if (!problem) {
    res.locals.log?.error({ err }, 'unhandled error');
    problem = internalProblem();
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendProblem(res, problem);
};

/** The Express application: middleware, health, docs and the API routes. */
export function createApp({ config, log, platform }: Services): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // TRUST_PROXY: false, a hop count or the proxies' addresses; Express reads X-Forwarded-For from the
  // right with the same rule as clientAddress() of @portalkit/platform/http.
  app.set('trust proxy', config.trustProxy);
  // Paths match exactly, as in the contract (and in the Hono server): /API/v1/... or a trailing
  // slash is another path.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.use(requestContext(log));
  // Over plain http (the embedded default) HSTS and upgrade-insecure-requests would break /docs.
  const https = config.publicUrl.startsWith('https:');
  app.use(
    helmet({
      strictTransportSecurity: https,
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: https ? [] : null } },
    }),
  );

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    const { ready, checks } = await platform.ready();
    if (!ready) res.locals.log.warn({ checks }, 'not ready');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks });
  });
  const openapi = openApiJson(config.publicUrl);
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });
  app.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  app.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(DOCS_INIT_SCRIPT);
  });
  app.get('/docs/assets/:name', (req, res, next) => {
    const type = DOCS_ASSETS[req.params.name];
    if (!type) return next();
    res.type(type).sendFile(req.params.name, { root: docsAssetsDir(), maxAge: '1d', immutable: true });
  });
  // Signed URLs of the local provider (direct uploads, downloads): the signature is the authorization.
  const signedUrls = platform.signedUrls;
  if (signedUrls) {
    app.all('/storage/{*key}', (req, res, next) => {
      signedUrls.node(req, res).catch(next);
    });
  }

  const access = createAccess(platform);
  // CORS preflight of tenant routes, answered from the tenant's allowed origins (none by default).
  app.options('/api/v1/tenants/:tenantId{/*rest}', async (req, res) => {
    res
      .set(await access.preflight(req.params.tenantId, req.get('origin')))
      .status(204)
      .end();
  });
  // Only tenant routes answer preflights (their CORS is per tenant); Express would answer any
  // other OPTIONS with an Allow header by itself.
  app.options('/{*path}', (_req, _res, next) => next(notFound('route')));
  app.use(apiRouter(access, createOperations(platform)));

  app.use((_req, _res, next) => next(notFound('route')));
  app.use(errorHandler);
  return app;
}
