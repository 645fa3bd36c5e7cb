import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createPlatform, loadConfigOrExit } from '@portalkit/platform';
import { gracefulShutdown } from '@portalkit/platform/http';
import { createApp } from './app.js';
import { createLogger } from './logger.js';

const config = loadConfigOrExit(process.env, { name: 'hono-server' });
const log = createLogger(config.logLevel);

try {
  // Database, cache, keys, mailer, every package, the storage sweeper and the audit retention job.
  const platform = await createPlatform({ config, logger: log });
  const app = createApp({ config, log, platform });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
    log.info(
      { port: info.port, database: platform.database.kind, cache: platform.cache.kind },
      'hono-server listening',
    ),
  ) as Server;
  server.once('error', (err) => {
    process.stderr.write(`[portalkit/hono-server] cannot listen: ${err.message}\n`);
    process.exit(1);
  });
  // SIGTERM/SIGINT: stop accepting, finish in-flight requests (bounded), close the platform, exit 0.
  gracefulShutdown(server, { platform, timeoutMs: config.shutdownTimeoutMs, logger: log });
} catch (err) {
  process.stderr.write(`[portalkit/hono-server] failed to start: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
}
