/**
 * The logger the platform writes to: the subset of pino's API it uses (`pino()` fits as is).
 * Objects first, message second.
 */
export interface PlatformLogger {
  /** Informational events (connections, sweeps, purges). */
  info(details: Record<string, unknown>, message: string): void;
  /** Recoverable problems (a failed background tick, a lost Redis connection). */
  warn(details: Record<string, unknown>, message: string): void;
  /** Failures. */
  error(details: Record<string, unknown>, message: string): void;
}

/**
 * A logger that drops everything (the default of {@link createPlatform} and the open functions).
 *
 * @example
 * ```ts
 * import { openCache, silentLogger } from '@portalkit/platform';
 *
 * const cache = await openCache(undefined, silentLogger);
 * ```
 */
export const silentLogger: PlatformLogger = Object.freeze({
  info: () => {},
  warn: () => {},
  error: () => {},
});

/** `{ message }` of an error, safe to log (no stack, no enumerable secrets). */
export const errorDetails = (err: unknown) => ({ err: { message: err instanceof Error ? err.message : String(err) } });
