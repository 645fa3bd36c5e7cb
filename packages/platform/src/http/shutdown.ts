import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { errorDetails, type PlatformLogger, silentLogger } from '../logger.js';
import type { Platform } from '../platform.js';

/** Options of {@link gracefulShutdown}. */
export interface ShutdownOptions {
  /** The platform to close once the server stopped. */
  platform: Pick<Platform, 'close'>;
  /** How long in-flight requests may take before their connections are closed (`SHUTDOWN_TIMEOUT_MS`). */
  timeoutMs: number;
  /**
   * How long closing the platform (background jobs, audit buffer, pools) may take once the server
   * stopped; past it the process exits with code 1 (a database that no longer answers would
   * otherwise hold the process forever). @default 10000
   */
  closeTimeoutMs?: number;
  /** Logger. @default silentLogger */
  logger?: PlatformLogger;
  /** Signals that start the shutdown. @default ['SIGTERM', 'SIGINT'] */
  signals?: NodeJS.Signals[];
  /**
   * Called with 0 at the end of a clean stop, or 1 when a close step failed (`platform.close()`
   * rejected: e.g. the audit buffer could not be written), closing did not finish in time, or a
   * second signal cut it short. @default process.exit
   */
  exit?: (code: number) => void;
}

/** A repeat of the stop signal within this many ms is the same stop (npm and pnpm forward Ctrl-C to a child that got it too). */
const SAME_STOP_MS = 1000;

/**
 * Graceful shutdown of a Node.js HTTP server (Express's `app.listen()`, `@hono/node-server`'s
 * `serve()`, or `http.createServer()`): on the first signal, stop accepting connections, close idle
 * keep-alive connections and end the others after their current response (`Connection: close`),
 * let in-flight requests finish (closing what remains after `timeoutMs`), then close the platform
 * (background jobs, audit buffer, pools) and exit 0. A close step that failed (`platform.close()`
 * rejected, e.g. buffered audit events could not be written) exits 1, so a supervisor sees the
 * loss. Closing is bounded too (`closeTimeoutMs`, then exit 1), and a second signal at least a
 * second after the first exits 1 at once. Returns the shutdown function (also for calling it
 * yourself).
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
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  let stopping: Promise<void> | undefined;
  let stoppedAt = 0;

  // Responses in flight: once stopping, each one ends its keep-alive connection, so a connection
  // that was busy at the signal does not stay open idle for the keep-alive timeout afterwards.
  const inFlight = new Set<ServerResponse>();
  const endConnectionAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
    // Headers already sent (a download under way): close the connection once it is idle.
    res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
  };
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (stopping) {
      endConnectionAfter(res);
      return;
    }
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });

  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      stoppedAt = Date.now();
      log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of inFlight) endConnectionAfter(res);
      server.closeIdleConnections();
      const timer = setTimeout(() => {
        log.warn({}, 'shutdown timeout: closing remaining connections');
        server.closeAllConnections();
      }, options.timeoutMs);
      await closed;
      clearTimeout(timer);
      let closeTimer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        options.platform.close().then(
          () => ({ closed: 'ok' as const }),
          (error: unknown) => ({ closed: 'failed' as const, error }),
        ),
        new Promise<{ closed: 'timeout' }>((resolve) => {
          closeTimer = setTimeout(() => resolve({ closed: 'timeout' }), closeTimeoutMs);
        }),
      ]);
      clearTimeout(closeTimer);
      if (outcome.closed === 'timeout') {
        log.error(
          { closeTimeoutMs },
          'shutdown: closing the platform did not finish in time (is the database or Redis answering?); audit events still buffered are lost',
        );
        exit(1);
        return;
      }
      if (outcome.closed === 'failed') {
        const { error } = outcome;
        log.error(
          errorDetails(error),
          'shutdown: closing the platform failed (a close step failed: audit events may be lost)',
        );
        exit(1);
        return;
      }
      log.info({}, 'stopped');
      exit(0);
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) {
      void shutdown(signal);
      return;
    }
    if (Date.now() - stoppedAt < SAME_STOP_MS) return;
    log.warn({ signal }, 'second stop signal: exiting now, without finishing the shutdown');
    exit(1);
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) process.on(signal, onSignal);
  return shutdown;
}
