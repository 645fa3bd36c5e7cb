import type { Socket } from 'node:net';
import { type Config, ConfigError, createPlatform, loadConfig } from '@portalkit/platform';
import { createApp } from './app.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, { name: 'express-server' });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  // Database, cache, keys, mailer, every package, the storage sweeper and the audit retention job.
  const platform = await createPlatform({ config, logger: log });
  const app = createApp({ config, log, platform });

  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info(
    { host: config.host, port, database: platform.database.kind, cache: platform.cache.kind },
    `listening on http://${config.host}:${port}`,
  );

  // Track open connections so a slow shutdown can report them (bounded by SHUTDOWN_TIMEOUT_MS).
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const timer = setTimeout(() => {
      log.warn({ open: sockets.size }, 'shutdown timeout: closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    await closed;
    clearTimeout(timer);
    // Stops the background jobs, flushes the audit buffer, closes the pools.
    await platform.close();
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
