/**
 * Stable machine codes of {@link ApiError}. Switch on them; never on messages.
 */
export type ApiErrorCode = 'network_error' | 'timeout' | 'aborted' | 'invalid_response';

/** Options of {@link ApiError}. */
export interface ApiErrorOptions {
  /** The underlying error (driver, provider or network), kept for logs; never shown to end users. */
  cause?: unknown;
}

/**
 * The one error class of `@portalkit/client`. Every failure the package reports is a
 * `ApiError` with a stable {@link ApiErrorCode | code} and, where there is one, the original
 * error as `cause`.
 *
 * @example
 * ```ts
 * import { ApiError, isApiError } from '@portalkit/client';
 *
 * try {
 *   await doSomething();
 * } catch (error) {
 *   if (isApiError(error) && error.code === 'network_error') {
 *     // handle it
 *   }
 *   throw error;
 * }
 * ```
 */
export class ApiError extends Error {
  /** Stable machine code. */
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(`[portalkit/client] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
  }
}

/**
 * True when `value` is a {@link ApiError}, also across realms and duplicated installs
 * (checks `name` and `code` rather than `instanceof`).
 *
 * @example
 * ```ts
 * if (isApiError(error)) console.log(error.code);
 * ```
 */
export function isApiError(value: unknown): value is ApiError {
  return (
    value instanceof ApiError ||
    (value instanceof Error && value.name === 'ApiError' && typeof (value as { code?: unknown }).code === 'string')
  );
}
