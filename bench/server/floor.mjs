// bench/server floor: the least any server on this framework can do for the files list, to put the
// example servers' figures in proportion. The same framework (the version the example uses) with
// no middleware, no authentication, no tenancy check, no validation and no logging: GET /static
// answers {"status":"ok"} (the example's /health body), GET /files runs the SQL of
// kyselyFileStore.list as one precompiled node-postgres query for the bench tenant (20 of the same
// rows in the same table) and answers the same JSON shape as the example's files list.
// Env: FLOOR_FRAMEWORK (express-server | hono-server), DATABASE_URL, PORT, TENANT_ID.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { FILES_PAGE_SQL, filesPage } from '../shared/files-page.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const framework = process.env.FLOOR_FRAMEWORK;
const fromExample = createRequire(join(root, 'examples', framework, 'package.json'));
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const tenantId = process.env.TENANT_ID;
const port = Number(process.env.PORT);

async function files() {
  const { rows } = await pool.query(FILES_PAGE_SQL, [tenantId, 21]);
  return filesPage(rows, 20);
}

if (framework === 'hono-server') {
  const { Hono } = fromExample('hono');
  const { serve } = fromExample('@hono/node-server');
  const app = new Hono();
  app.get('/static', (c) => c.json({ status: 'ok' }));
  app.get('/files', async (c) => c.json(await files()));
  serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
} else if (framework === 'express-server') {
  const express = fromExample('express');
  const app = express();
  app.get('/static', (_req, res) => res.json({ status: 'ok' }));
  app.get('/files', async (_req, res) => res.json(await files()));
  app.listen(port, '127.0.0.1');
} else {
  throw new Error(`FLOOR_FRAMEWORK must be express-server or hono-server, not ${framework}`);
}
process.on('SIGTERM', () => pool.end().then(() => process.exit(0)));
