import type { Server } from 'node:http';
import { type PlatformLogger, silentLogger } from '../logger.js';
import type { Platform } from '../platform.js';

/** Options of {@link gracefulShutdown}. */
export interface ShutdownOptions {
  /** The platform to close once the server stopped. */
  platform: Pick<Platform, 'close'>;
  /** How long in-flight requests may take before their connections are closed (`SHUTDOWN_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Logger. @default silentLogger */
  logger?: PlatformLogger;
  /** Signals that start the shutdown. @default ['SIGTERM', 'SIGINT'] */
  signals?: NodeJS.Signals[];
  /** Called with 0 at the end. @default process.exit */
  exit?: (code: number) => void;
}

/**
 * Graceful shutdown of a Node.js HTTP server (Express's `app.listen()`, `@hono/node-server`'s
 * `serve()`, or `http.createServer()`): on the first signal, stop accepting connections, close idle
 * keep-alive connections, let in-flight requests finish (closing what remains after
 * `timeoutMs`), then close the platform (background jobs, audit buffer, pools) and exit 0. Returns
 * the shutdown function (also for calling it yourself).
 *
 * @example
 * ```ts
 * import { gracefulShutdown } from '@portalkit/platform/http';
 *
 * const server = app.listen(config.port, config.host);
 * gracefulShutdown(server, { platform, timeoutMs: config.shutdownTimeoutMs, logger: log });
 * ```
 */
export function gracefulShutdown(server: Server, options: ShutdownOptions): (signal: string) => Promise<void> {
  const log = options.logger ?? silentLogger;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        log.warn({}, 'shutdown timeout: closing remaining connections');
        server.closeAllConnections();
      }, options.timeoutMs);
      await closed;
      clearTimeout(timer);
      await options.platform.close();
      log.info({}, 'stopped');
      exit(0);
    })();
    return stopping;
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) process.on(signal, () => void shutdown(signal));
  return shutdown;
}
