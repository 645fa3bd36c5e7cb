import type { FieldError, Problem, ProblemCode } from './contract/problem.js';

/**
 * Stable machine codes of {@link ApiError}. Switch on them; never on messages.
 *
 * - Every {@link ProblemCode} of the API (`validation_failed`, `token_expired`, `not_found`, ...),
 *   taken from the problem+json answer.
 * - `http_error`: an error status without a recognisable problem body (a proxy's HTML page, a
 *   storage provider's XML error during a direct upload).
 * - `network_error`: no answer at all (DNS, refused connection, reset).
 * - `timeout`: no answer within `timeoutMs`.
 * - `aborted`: the caller's `AbortSignal` fired.
 * - `invalid_response`: the answer does not match the contract (response validation).
 * - `not_signed_in`: the call needs tokens the storage does not have.
 */
export type ApiErrorCode =
  | ProblemCode
  | 'http_error'
  | 'network_error'
  | 'timeout'
  | 'aborted'
  | 'invalid_response'
  | 'not_signed_in';

/** Options of {@link ApiError}. */
export interface ApiErrorOptions {
  /** The underlying error (network, zod issues), kept for logs; never shown to end users. */
  cause?: unknown;
  /** HTTP status of the answer. @default 0 (no answer) */
  status?: number | undefined;
  /** The problem's `detail`. */
  detail?: string | undefined;
  /** The problem's field `errors` (for `validation_failed`). @default [] */
  errors?: FieldError[] | undefined;
  /** The `x-request-id` of the answer (or the problem's `requestId`). */
  requestId?: string | undefined;
  /** Seconds the server asked to wait (`Retry-After`). */
  retryAfter?: number | undefined;
  /** The parsed problem+json body, when there was one. */
  problem?: Problem | undefined;
}

/**
 * The one error class of `@portalkit/client`. Every failure a client call reports is an
 * `ApiError` with a stable {@link ApiErrorCode | code}, the HTTP `status` (0 without an answer),
 * the problem's `detail` and field `errors`, the `requestId` to quote in a support request, and
 * the original error as `cause`.
 *
 * @example
 * ```ts
 * import { ApiError, isApiError } from '@portalkit/client';
 *
 * try {
 *   await client.auth.login({ email, password });
 * } catch (error) {
 *   if (isApiError(error) && error.code === 'invalid_credentials') showWrongPassword();
 *   else if (isApiError(error) && error.code === 'validation_failed') showFieldErrors(error.errors);
 *   else throw error;
 * }
 * ```
 */
export class ApiError extends Error {
  /** Stable machine code. */
  readonly code: ApiErrorCode;
  /** HTTP status of the answer; 0 when there was none (network error, timeout, abort). */
  readonly status: number;
  /** The problem's `detail`, when the server sent one. */
  readonly detail: string | undefined;
  /** Field problems of a `validation_failed` answer (empty otherwise). */
  readonly errors: FieldError[];
  /** The request id of the answer (`x-request-id`), when known. */
  readonly requestId: string | undefined;
  /** Seconds the server asked to wait before retrying (`Retry-After`), when it said so. */
  readonly retryAfter: number | undefined;
  /** The parsed problem+json body, when there was one. */
  readonly problem: Problem | undefined;

  constructor(code: ApiErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(`[portalkit/client] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = options.status ?? 0;
    this.detail = options.detail;
    this.errors = options.errors ?? [];
    this.requestId = options.requestId;
    this.retryAfter = options.retryAfter;
    this.problem = options.problem;
  }
}

/**
 * True when `value` is a {@link ApiError}, also across realms and duplicated installs
 * (checks `name` and `code` rather than `instanceof`).
 *
 * @example
 * ```ts
 * if (isApiError(error)) console.log(error.code, error.requestId);
 * ```
 */
export function isApiError(value: unknown): value is ApiError {
  return (
    value instanceof ApiError ||
    (value instanceof Error && value.name === 'ApiError' && typeof (value as { code?: unknown }).code === 'string')
  );
}
