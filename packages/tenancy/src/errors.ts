/**
 * Stable machine codes of {@link TenancyError}. Switch on them; never on messages.
 */
export type TenancyErrorCode =
  | 'not_found'
  | 'no_tenant'
  | 'conflict'
  | 'last_admin'
  | 'invalid_input'
  | 'tenant_mismatch'
  | 'tenant_suspended'
  | 'forbidden'
  | 'invitation_invalid'
  | 'email_mismatch'
  | 'email_not_verified'
  | 'unsupported_query'
  | 'internal';

/** One field problem of an `invalid_input` error (for a `validation_failed` answer's `errors`). */
export interface TenancyFieldError {
  /** Dotted path of the offending field, e.g. `settings.allowedOrigins.0`. */
  path: string;
  /** What is wrong with it. */
  message: string;
}

/** Options of {@link TenancyError}. */
export interface TenancyErrorOptions {
  /** The underlying error (driver, provider or network), kept for logs; never shown to end users. */
  cause?: unknown;
  /** Field problems, for `invalid_input`. */
  fields?: TenancyFieldError[];
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
  /** Field problems (only for `invalid_input`); empty otherwise. */
  readonly fields: readonly TenancyFieldError[];

  constructor(code: TenancyErrorCode, message: string, options: TenancyErrorOptions = {}) {
    super(`[portalkit/tenancy] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TenancyError';
    this.code = code;
    this.fields = options.fields ?? [];
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
