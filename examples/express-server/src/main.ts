import { mkdir } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { createApp } from './app.js';
import { openCache } from './cache.js';
import { ConfigError, loadConfig } from './config.js';
import type { Services } from './context.js';
import { openDatabase } from './database.js';
import { createHandlers } from './handlers.js';
import { loadKeySet } from './keys.js';
import { createLogger } from './logger.js';
import { createMailer } from './mailer.js';
import { createPlatform } from './platform.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  await mkdir(config.dataDir, { recursive: true });
  const database = await openDatabase(config.databaseUrl, config.dataDir, log);
  const cache = await openCache(config.redisUrl, log);
  const keySet = await loadKeySet(config.jwtPrivateKeys, config.dataDir);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, mailDir: config.mailDir, from: config.mailFrom });
  const platform = await createPlatform({ config, log, database, cache, mailer, keySet });
  const services: Services = { config, log, database, cache, mailer, keySet, platform };
  const app = createApp(services, createHandlers(services));

  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info(
    { host: config.host, port, database: database.kind, cache: cache.kind },
    `listening on http://${config.host}:${port}`,
  );

  // Track in-flight requests so shutdown can wait for them (bounded by SHUTDOWN_TIMEOUT_MS).
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  // The sweeper purges soft-deleted objects, expired pending uploads and orphans; the package makes
  // it safe to run from several instances at once.
  const sweepGraceMs = 60 * 60 * 1000;
  const sweeper = setInterval(() => {
    platform.files
      .sweep({ olderThan: new Date(Date.now() - sweepGraceMs) })
      .then((result) => {
        if (result.deleted + result.orphans + result.pending > 0) log.info({ sweep: result }, 'storage sweep');
      })
      .catch((err) => log.warn({ err: { message: (err as Error).message } }, 'storage sweep failed'));
  }, config.sweepIntervalMs);
  sweeper.unref();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    clearInterval(sweeper);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => {
      log.warn({ open: sockets.size }, 'shutdown timeout: closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    await closed;
    clearTimeout(timer);
    try {
      await platform.audit.close();
      services.mailer.close();
      await cache.close();
      await database.close();
    } catch (err) {
      log.error({ err }, 'error while closing resources');
    }
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`[portalkit/express-server] failed to start: ${err instanceof Error ? err.message : err}\n`);
  process.exit(1);
});
