import { createPlatform, loadConfigOrExit } from '@portalkit/platform';
import { gracefulShutdown } from '@portalkit/platform/http';
import { createApp } from './app.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env, { name: 'express-server' });
  const log = createLogger(config.logLevel);
  // Database, cache, keys, mailer, every package, the storage sweeper and the audit retention job.
  const platform = await createPlatform({ config, logger: log });
  const app = createApp({ config, log, platform });

  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  log.info(
    { host: config.host, port: config.port, database: platform.database.kind, cache: platform.cache.kind },
    'express-server listening',
  );
  // SIGTERM/SIGINT: stop accepting, finish in-flight requests (bounded), close the platform, exit 0.
  gracefulShutdown(server, { platform, timeoutMs: config.shutdownTimeoutMs, logger: log });
}

main().catch((err) => {
  process.stderr.write(`[portalkit/express-server] failed to start: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
});
