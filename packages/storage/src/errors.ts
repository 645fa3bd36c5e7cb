/**
 * Stable machine codes of {@link StorageError}. Switch on them; never on messages.
 */
export type StorageErrorCode =
  | 'not_found'
  | 'invalid_key'
  | 'too_large'
  | 'type_not_allowed'
  | 'checksum_mismatch'
  | 'provider_unavailable'
  | 'access_denied'
  | 'invalid_config'
  | 'invalid_input'
  | 'conflict'
  | 'signature_invalid'
  | 'url_expired'
  | 'range_not_satisfiable';

/** Options of {@link StorageError}. */
export interface StorageErrorOptions {
  /** The underlying error (driver, provider or network), kept for logs; never shown to end users. */
  cause?: unknown;
}

/**
 * The one error class of `@portalkit/storage`. Every failure the package reports is a
 * `StorageError` with a stable {@link StorageErrorCode | code} and, where there is one, the original
 * error as `cause`.
 *
 * @example
 * ```ts
 * import { StorageError, isStorageError } from '@portalkit/storage';
 *
 * try {
 *   await doSomething();
 * } catch (error) {
 *   if (isStorageError(error) && error.code === 'not_found') {
 *     // handle it
 *   }
 *   throw error;
 * }
 * ```
 */
export class StorageError extends Error {
  /** Stable machine code. */
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options: StorageErrorOptions = {}) {
    super(`[portalkit/storage] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageError';
    this.code = code;
  }
}

/**
 * True when `value` is a {@link StorageError}, also across realms and duplicated installs
 * (checks `name` and `code` rather than `instanceof`).
 *
 * @example
 * ```ts
 * if (isStorageError(error)) console.log(error.code);
 * ```
 */
export function isStorageError(value: unknown): value is StorageError {
  return (
    value instanceof StorageError ||
    (value instanceof Error && value.name === 'StorageError' && typeof (value as { code?: unknown }).code === 'string')
  );
}
