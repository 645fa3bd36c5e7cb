/**
 * Stable machine codes of {@link TenancyError}. Switch on them; never on messages.
 */
export type TenancyErrorCode =
  | 'not_found'
  | 'no_tenant'
  | 'conflict'
  | 'last_admin'
  | 'invalid_input'
  | 'tenant_mismatch';

/** Options of {@link TenancyError}. */
export interface TenancyErrorOptions {
  /** The underlying error (driver, provider or network), kept for logs; never shown to end users. */
  cause?: unknown;
}

/**
 * The one error class of `@portalkit/tenancy`. Every failure the package reports is a
 * `TenancyError` with a stable {@link TenancyErrorCode | code} and, where there is one, the original
 * error as `cause`.
 *
 * @example
 * ```ts
 * import { TenancyError, isTenancyError } from '@portalkit/tenancy';
 *
 * try {
 *   await doSomething();
 * } catch (error) {
 *   if (isTenancyError(error) && error.code === 'not_found') {
 *     // handle it
 *   }
 *   throw error;
 * }
 * ```
 */
export class TenancyError extends Error {
  /** Stable machine code. */
  readonly code: TenancyErrorCode;

  constructor(code: TenancyErrorCode, message: string, options: TenancyErrorOptions = {}) {
    super(`[portalkit/tenancy] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TenancyError';
    this.code = code;
  }
}

/**
 * True when `value` is a {@link TenancyError}, also across realms and duplicated installs
 * (checks `name` and `code` rather than `instanceof`).
 *
 * @example
 * ```ts
 * if (isTenancyError(error)) console.log(error.code);
 * ```
 */
export function isTenancyError(value: unknown): value is TenancyError {
  return (
    value instanceof TenancyError ||
    (value instanceof Error && value.name === 'TenancyError' && typeof (value as { code?: unknown }).code === 'string')
  );
}
