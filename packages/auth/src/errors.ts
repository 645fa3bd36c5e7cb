/**
 * Stable machine codes of {@link AuthError}. Switch on them; never on messages.
 */
export type AuthErrorCode =
  | 'invalid_credentials'
  | 'token_expired'
  | 'token_invalid'
  | 'token_reused'
  | 'rate_limited'
  | 'forbidden'
  | 'weak_password';

/** Options of {@link AuthError}. */
export interface AuthErrorOptions {
  /** The underlying error (driver, provider or network), kept for logs; never shown to end users. */
  cause?: unknown;
}

/**
 * The one error class of `@portalkit/auth`. Every failure the package reports is a
 * `AuthError` with a stable {@link AuthErrorCode | code} and, where there is one, the original
 * error as `cause`.
 *
 * @example
 * ```ts
 * import { AuthError, isAuthError } from '@portalkit/auth';
 *
 * try {
 *   await doSomething();
 * } catch (error) {
 *   if (isAuthError(error) && error.code === 'invalid_credentials') {
 *     // handle it
 *   }
 *   throw error;
 * }
 * ```
 */
export class AuthError extends Error {
  /** Stable machine code. */
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(`[portalkit/auth] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthError';
    this.code = code;
  }
}

/**
 * True when `value` is a {@link AuthError}, also across realms and duplicated installs
 * (checks `name` and `code` rather than `instanceof`).
 *
 * @example
 * ```ts
 * if (isAuthError(error)) console.log(error.code);
 * ```
 */
export function isAuthError(value: unknown): value is AuthError {
  return (
    value instanceof AuthError ||
    (value instanceof Error && value.name === 'AuthError' && typeof (value as { code?: unknown }).code === 'string')
  );
}
