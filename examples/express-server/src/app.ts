import { randomUUID } from 'node:crypto';
import { runWithAuditContext } from '@portalkit/audit';
import { buildOpenApi } from '@portalkit/client/contract';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Services } from './context.js';
import { docsRouter } from './docs.js';
import { guardsFor, tenantPreflight } from './guards.js';
import { problemFromPackageError } from './package-errors.js';
import { HttpProblem, notFound, sendProblem } from './problem.js';
import { apiRouter, type Handlers } from './routes.js';

/** Routes of the table that the app serves itself, outside the validated API router. */
const SYSTEM_ROUTES = new Set(['health', 'ready', 'openapi', 'docs']);

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** x-request-id from the caller when well-formed, else a new one; a child logger per request. */
function requestContext(services: Services): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.locals.log = services.log.child({ requestId });
    res.setHeader('x-request-id', requestId);
    // Audit events recorded while serving the request carry its id, ip and user agent.
    runWithAuditContext({ requestId, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null }, next);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // Path only: query strings may carry signed-URL signatures.
      res.locals.log.info(
        {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          tenantId: res.locals.tenantId,
          userId: res.locals.userId,
        },
        'request completed',
      );
    });
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

/** The Express application: middleware, health, docs and the API routes. */
export function createApp(services: Services, handlers: Handlers): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', services.config.trustProxy);
  app.use(requestContext(services));
  // Over plain http (the embedded default) HSTS and upgrade-insecure-requests would break /docs.
  const https = services.config.publicUrl.startsWith('https:');
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
    const checks = {
      database: await check(services.database.ping),
      storage: await check(async () => {
        // A listing fails when the bucket or root is missing or unreachable (exists() would say false).
        await services.platform.storage.list('portalkit-ready/', { limit: 1 });
      }),
      cache: await check(services.cache.ping),
    };
    const failing = Object.entries(checks).filter(([, v]) => v !== 'ok');
    if (failing.length > 0) res.locals.log.warn({ checks }, 'not ready');
    res.status(failing.length === 0 ? 200 : 503).json({ status: failing.length === 0 ? 'ok' : 'unavailable', checks });
  });
  const openapi = JSON.stringify(buildOpenApi({ servers: [{ url: services.config.publicUrl }] }));
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });
  app.use(docsRouter());
  // Signed URLs of the local provider (direct uploads, downloads): the signature is the authorization.
  const signedUrls = services.platform.signedUrls;
  if (signedUrls) {
    app.all('/storage/{*key}', (req, res, next) => {
      signedUrls.node(req, res).catch(next);
    });
  }

  // JSON bodies: 1 MiB at most (413 above), parsed only for application/json.
  app.use(express.json({ limit: '1mb', strict: true }));
  app.options('/api/v1/tenants/:tenantId{/*rest}', tenantPreflight(services));
  app.use(apiRouter(handlers, guardsFor(services), SYSTEM_ROUTES));

  app.use((_req, _res, next) => next(notFound('route')));
  app.use(errorHandler);
  return app;
}

/** Everything thrown ends here: known problems as they are, parser errors mapped, the rest 500 without details. */
const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const log = res.locals.log;
  let problem: HttpProblem | null = err instanceof HttpProblem ? err : problemFromPackageError(err);
  if (problem) {
    if (problem.status >= 500) log?.warn({ code: problem.code }, problem.detail);
  } else if (err?.type === 'entity.too.large') {
    problem = new HttpProblem(413, 'payload_too_large', 'the JSON body is larger than 1 MiB');
  } else if (err?.type === 'entity.parse.failed') {
    problem = new HttpProblem(400, 'validation_failed', 'the body is not valid JSON', {
      errors: [{ path: '', message: 'malformed JSON' }],
    });
  } else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
    problem = new HttpProblem(415, 'unsupported_media_type', 'the body must be UTF-8 JSON');
  } else if (err?.type === 'request.aborted') {
    problem = new HttpProblem(400, 'validation_failed', 'the request was aborted by the client');
  } else {
    log?.error({ err }, 'unhandled error');
    problem = new HttpProblem(500, 'internal', 'an unexpected error occurred; quote the request id when reporting it');
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendProblem(res, problem);
};
