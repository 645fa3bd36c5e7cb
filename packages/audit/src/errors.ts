/**
 * Stable machine codes of {@link AuditError}. Switch on them; never on messages.
 */
export type AuditErrorCode =
  | 'invalid_event'
  | 'invalid_query'
  | 'invalid_cursor'
  | 'no_context'
  | 'chain_broken'
  | 'not_found'
  | 'queue_full'
  | 'closed'
  | 'no_signing_key'
  | 'store_failed'
  | 'conflict'
  | 'missing_dependency';

/** Options of {@link AuditError}. */
export interface AuditErrorOptions {
  /** The underlying error (driver, provider or network), kept for logs; never shown to end users. */
  cause?: unknown;
}

/**
 * The one error class of `@portalkit/audit`. Every failure the package reports is a
 * `AuditError` with a stable {@link AuditErrorCode | code} and, where there is one, the original
 * error as `cause`.
 *
 * @example
 * ```ts
 * import { AuditError, isAuditError } from '@portalkit/audit';
 *
 * try {
 *   await doSomething();
 * } catch (error) {
 *   if (isAuditError(error) && error.code === 'invalid_event') {
 *     // handle it
 *   }
 *   throw error;
 * }
 * ```
 */
export class AuditError extends Error {
  /** Stable machine code. */
  readonly code: AuditErrorCode;

  constructor(code: AuditErrorCode, message: string, options: AuditErrorOptions = {}) {
    super(`[portalkit/audit] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuditError';
    this.code = code;
  }
}

/**
 * True when `value` is a {@link AuditError}, also across realms and duplicated installs
 * (checks `name` and `code` rather than `instanceof`).
 *
 * @example
 * ```ts
 * if (isAuditError(error)) console.log(error.code);
 * ```
 */
export function isAuditError(value: unknown): value is AuditError {
  return (
    value instanceof AuditError ||
    (value instanceof Error && value.name === 'AuditError' && typeof (value as { code?: unknown }).code === 'string')
  );
}
