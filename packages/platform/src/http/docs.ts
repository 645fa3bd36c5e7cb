import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { buildOpenApi } from '@portalkit/client/contract';

/**
 * The `/docs` page: Swagger UI rendering `/openapi.json`, with its assets under `/docs/assets/`
 * and its start script at `/docs/init.js` (no CDN).
 *
 * @example
 * ```ts
 * import { DOCS_PAGE } from '@portalkit/platform/http';
 *
 * app.get('/docs', (_req, res) => res.type('html').send(DOCS_PAGE));
 * ```
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>portalkit API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="api-reference"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

/**
 * `/docs/init.js`: starts Swagger UI (a file, so the Content-Security-Policy needs no inline script).
 *
 * @example
 * ```ts
 * import { DOCS_INIT_SCRIPT } from '@portalkit/platform/http';
 *
 * app.get('/docs/init.js', (_req, res) => res.type('application/javascript').send(DOCS_INIT_SCRIPT));
 * ```
 */
export const DOCS_INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api-reference', deepLinking: true });
});`;

/**
 * The files under `/docs/assets/` the page uses, with their content types; serve only these. A
 * prototype-less object: `DOCS_ASSETS['constructor']` is undefined like any other unknown name.
 *
 * @example
 * ```ts
 * import { DOCS_ASSETS } from '@portalkit/platform/http';
 *
 * const type = DOCS_ASSETS['swagger-ui.css']; // 'text/css; charset=utf-8'
 * ```
 */
export const DOCS_ASSETS: Readonly<Record<string, string | undefined>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    'swagger-ui.css': 'text/css; charset=utf-8',
    'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  }),
);

let assetsDir: string | undefined;

/**
 * The local directory of the page's assets (the installed `swagger-ui-dist`).
 *
 * @example
 * ```ts
 * import { join } from 'node:path';
 * import { docsAssetsDir } from '@portalkit/platform/http';
 *
 * const css = join(docsAssetsDir(), 'swagger-ui.css');
 * ```
 */
export function docsAssetsDir(): string {
  assetsDir ??= dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return assetsDir;
}

/**
 * The OpenAPI document of the reference API (from the contract) for a public URL, as JSON text.
 *
 * @example
 * ```ts
 * import { openApiJson } from '@portalkit/platform/http';
 *
 * const body = openApiJson('https://api.example.com');
 * ```
 */
export function openApiJson(publicUrl: string): string {
  return JSON.stringify(buildOpenApi({ servers: [{ url: publicUrl }] }));
}
