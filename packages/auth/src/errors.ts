/**
 * Stable machine codes of {@link AuthError}. Switch on them; never on messages.
 *
 * | code | meaning | suggested HTTP answer |
 * | --- | --- | --- |
 * | `validation_failed` | input has the wrong shape (see `errors`) | 400 `validation_failed` |
 * | `weak_password` | the password policy refused the password (see `errors`) | 400 `validation_failed` |
 * | `invalid_credentials` | wrong e-mail or password (never says which) | 401 |
 * | `email_not_verified` | right password, e-mail not verified yet | 403 |
 * | `token_expired` | access, refresh or one-time token past its expiry | 401 |
 * | `token_invalid` | malformed, tampered, unknown, revoked or already used token | 401 `unauthorized` |
 * | `token_reused` | a spent refresh token was presented: its session is revoked | 401 |
 * | `rate_limited` | a rate limit refused the call (see `retryAfterMs`) | 429 + `Retry-After` |
 * | `forbidden` | authenticated, but not allowed (no membership, missing permission) | 403 or 404 |
 * | `not_found` | the addressed record (e.g. a session of the caller) does not exist | 404 |
 * | `conflict` | a unique constraint refused a write (store level) | 409 |
 * | `unavailable` | the store or the rate-limit backend failed | 503 |
 */
export type AuthErrorCode =
  | 'validation_failed'
  | 'weak_password'
  | 'invalid_credentials'
  | 'email_not_verified'
  | 'token_expired'
  | 'token_invalid'
  | 'token_reused'
  | 'rate_limited'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unavailable';

/** One problem with one input field, as carried by `validation_failed` and `weak_password` errors. */
export interface AuthFieldError {
  /** The input field, e.g. `password` or `email`. */
  field: string;
  /** Stable machine reason, e.g. `too_short`, `too_common`, `contains_email`, `invalid_email`. */
  reason: string;
  /** Human-readable explanation, safe to show to the end user. */
  message: string;
}

/** Options of {@link AuthError}. */
export interface AuthErrorOptions {
  /** The underlying error (driver, provider or network), kept for logs; never shown to end users. */
  cause?: unknown;
  /** Per-field problems (`validation_failed`, `weak_password`). */
  errors?: AuthFieldError[];
  /** For `rate_limited`: milliseconds until a retry can succeed (send as `Retry-After`, rounded up to seconds). */
  retryAfterMs?: number;
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
  /** Per-field problems for `validation_failed` and `weak_password`; empty otherwise. */
  readonly errors: AuthFieldError[];
  /** For `rate_limited`: milliseconds until a retry can succeed. */
  readonly retryAfterMs: number | undefined;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(`[portalkit/auth] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthError';
    this.code = code;
    this.errors = options.errors ?? [];
    this.retryAfterMs = options.retryAfterMs;
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
