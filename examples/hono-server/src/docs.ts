import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from './context.js';

const assets = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** Only these files of swagger-ui-dist are served: no path from the request reaches the disk. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

const page = `<!doctype html>
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

const init = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api-reference', deepLinking: true });
});`;

/** `/docs`: Swagger UI rendering /openapi.json, its assets read from node_modules (no CDN). */
export const docs = new Hono<AppEnv>()
  .get('/docs', (c) => c.html(page))
  .get('/docs/init.js', (c) => c.body(init, 200, { 'content-type': 'application/javascript; charset=utf-8' }))
  .get('/docs/assets/:name', async (c) => {
    const type = ASSETS[c.req.param('name')];
    if (!type) return c.notFound();
    const bytes = await readFile(join(assets, c.req.param('name')));
    return c.body(bytes, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400, immutable' });
  });
