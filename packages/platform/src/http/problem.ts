import { type AuditError, isAuditError } from '@portalkit/audit';
import { type AuthError, isAuthError } from '@portalkit/auth';
import { createProblem, type FieldError, type ProblemCode } from '@portalkit/client/contract';
import { isStorageError, type StorageError } from '@portalkit/storage';
import { isTenancyError, type TenancyError } from '@portalkit/tenancy';

/**
 * The contract's problem codes, plus `not_implemented` for a route nothing provides.
 *
 * @example
 * ```ts
 * import type { ApiProblemCode } from '@portalkit/platform/http';
 *
 * const code: ApiProblemCode = 'not_found';
 * ```
 */
export type ApiProblemCode = ProblemCode | 'not_implemented';

/** Extra parts of an {@link ApiProblem}. */
export interface ApiProblemExtra {
  /** Field errors of a `validation_failed` problem. */
  errors?: FieldError[];
  /** Response headers to send with it (e.g. `retry-after`). */
  headers?: Record<string, string>;
}

/**
 * An HTTP error of the API: thrown anywhere while serving a request, rendered by the server's error
 * handler as `application/problem+json` with {@link problemDocument}.
 *
 * @example
 * ```ts
 * import { ApiProblem } from '@portalkit/platform/http';
 *
 * throw new ApiProblem(415, 'unsupported_media_type', 'send the body as application/json');
 * ```
 */
export class ApiProblem extends Error {
  /** Always `'ApiProblem'`. */
  override name = 'ApiProblem';
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** Stable machine code. */
    readonly code: ApiProblemCode,
    /** Human-readable detail, safe to show to clients. */
    readonly detail: string,
    /** Field errors and headers. */
    readonly extra: ApiProblemExtra = {},
  ) {
    super(detail);
  }
}

/**
 * `true` when `err` is an {@link ApiProblem} (also across copies of this package).
 *
 * @example
 * ```ts
 * import { isApiProblem } from '@portalkit/platform/http';
 *
 * if (isApiProblem(err)) console.log(err.status);
 * ```
 */
export function isApiProblem(err: unknown): err is ApiProblem {
  return err instanceof ApiProblem || (err instanceof Error && err.name === 'ApiProblem' && 'code' in err);
}

/**
 * A 404 `not_found` problem.
 *
 * @example
 * ```ts
 * import { notFound } from '@portalkit/platform/http';
 *
 * throw notFound('route');
 * ```
 */
export const notFound = (what = 'resource'): ApiProblem => new ApiProblem(404, 'not_found', `${what} not found`);

/**
 * A 501 `not_implemented` problem for a route of the contract that nothing serves.
 *
 * @example
 * ```ts
 * import { notImplemented } from '@portalkit/platform/http';
 *
 * throw notImplemented('GET /api/v1/something');
 * ```
 */
export const notImplemented = (route: string): ApiProblem =>
  new ApiProblem(501, 'not_implemented', `${route} is not available in this build: nothing provides it yet`);

/**
 * The 500 `internal` problem (log the cause; never show it).
 *
 * @example
 * ```ts
 * import { internalProblem } from '@portalkit/platform/http';
 *
 * const problem = internalProblem();
 * ```
 */
export const internalProblem = (): ApiProblem =>
  new ApiProblem(500, 'internal', 'an unexpected error occurred; quote the request id when reporting it');

/**
 * The RFC 9457 body of a problem, carrying the request id.
 *
 * @example
 * ```ts
 * import { notFound, problemDocument } from '@portalkit/platform/http';
 *
 * const body = JSON.stringify(problemDocument(notFound(), 'req-123'));
 * ```
 */
export function problemDocument(problem: ApiProblem, requestId: string | undefined): Record<string, unknown> {
  const body =
    problem.code === 'not_implemented'
      ? {
          type: 'https://portalkit.dev/problems/not_implemented',
          title: 'Not implemented',
          status: 501,
          detail: problem.detail,
          code: problem.code,
        }
      : createProblem(problem.code, problem.detail, {
          status: problem.status,
          ...(problem.extra.errors ? { errors: problem.extra.errors } : {}),
        });
  return { ...body, ...(requestId ? { requestId } : {}) };
}

const strip = (message: string) => message.replace(/^\[portalkit\/[a-z]+\]\s*/, '');
type Mapping = ApiProblem | null;

/**
 * Maps the packages' typed errors (and {@link ApiProblem}s) to the API's problems. Messages meant
 * for developers stay in the logs: clients get a fixed, safe detail per code (input errors keep
 * their message). Returns `null` for anything else, which the server answers with
 * {@link internalProblem} after logging it.
 *
 * @example
 * ```ts
 * import { internalProblem, problemFromError } from '@portalkit/platform/http';
 *
 * const problem = problemFromError(err) ?? internalProblem();
 * ```
 */
export function problemFromError(err: unknown): ApiProblem | null {
  if (isApiProblem(err)) return err;
  if (isAuthError(err)) return fromAuth(err);
  if (isTenancyError(err)) return fromTenancy(err);
  if (isStorageError(err)) return fromStorage(err);
  if (isAuditError(err)) return fromAudit(err);
  return null;
}

function fromAuth(err: AuthError): Mapping {
  switch (err.code) {
    case 'validation_failed':
    case 'weak_password': {
      const errors = err.errors.map((f) => ({ path: f.field, message: f.message }));
      return new ApiProblem(400, 'validation_failed', strip(err.message), errors.length > 0 ? { errors } : {});
    }
    case 'invalid_credentials':
      return new ApiProblem(401, 'invalid_credentials', 'wrong e-mail or password');
    case 'email_not_verified':
      return new ApiProblem(403, 'email_not_verified', 'verify your e-mail address first');
    case 'token_expired':
      return new ApiProblem(401, 'token_expired', 'the token has expired');
    case 'token_invalid':
      return new ApiProblem(401, 'unauthorized', 'the token is invalid');
    case 'token_reused':
      return new ApiProblem(401, 'token_reused', 'this refresh token was already used: the session is revoked');
    case 'rate_limited':
      return new ApiProblem(429, 'rate_limited', 'too many attempts: try again later', {
        headers: { 'retry-after': String(Math.max(1, Math.ceil((err.retryAfterMs ?? 60_000) / 1000))) },
      });
    case 'forbidden':
      return new ApiProblem(403, 'forbidden', 'not allowed');
    case 'not_found':
      return notFound();
    case 'conflict':
      return new ApiProblem(409, 'conflict', 'conflict');
    case 'unavailable':
      return null;
  }
}

function fromTenancy(err: TenancyError): Mapping {
  switch (err.code) {
    case 'not_found':
    case 'tenant_mismatch':
    case 'no_tenant':
      // Another tenant's resources do not exist for the caller.
      return notFound();
    case 'invitation_invalid':
      // An unknown, used, revoked or expired invitation token is not found (API.md).
      return new ApiProblem(404, 'not_found', 'the invitation is invalid, used or expired');
    case 'conflict':
      return new ApiProblem(409, 'conflict', strip(err.message));
    case 'last_admin':
      return new ApiProblem(409, 'conflict', 'a tenant keeps at least one admin');
    case 'invalid_input': {
      const errors = err.fields.map((f) => ({ path: f.path, message: f.message }));
      return new ApiProblem(400, 'validation_failed', strip(err.message), errors.length > 0 ? { errors } : {});
    }
    case 'tenant_suspended':
      return new ApiProblem(403, 'tenant_suspended', 'this tenant is suspended');
    case 'forbidden':
    case 'email_mismatch':
      return new ApiProblem(403, 'forbidden', 'not allowed');
    case 'email_not_verified':
      return new ApiProblem(403, 'email_not_verified', 'verify your e-mail address first');
    case 'unsupported_query':
    case 'internal':
      return null;
  }
}

function fromStorage(err: StorageError): Mapping {
  switch (err.code) {
    case 'not_found':
      return notFound('file');
    case 'too_large':
      return new ApiProblem(413, 'payload_too_large', 'the file is larger than the limit');
    case 'type_not_allowed':
      return new ApiProblem(415, 'unsupported_media_type', 'this file type is not allowed');
    case 'checksum_mismatch':
    case 'invalid_input':
    case 'invalid_key':
    case 'range_not_satisfiable':
      return new ApiProblem(400, 'validation_failed', strip(err.message));
    case 'signature_invalid':
    case 'url_expired':
      return new ApiProblem(403, 'forbidden', 'the signed URL is invalid or expired');
    case 'conflict':
      return new ApiProblem(409, 'conflict', 'conflict');
    case 'provider_unavailable':
    case 'access_denied':
    case 'invalid_config':
      return null;
  }
}

function fromAudit(err: AuditError): Mapping {
  switch (err.code) {
    case 'invalid_query':
    case 'invalid_cursor':
      return new ApiProblem(400, 'validation_failed', strip(err.message));
    case 'not_found':
      return notFound();
    case 'invalid_event':
    case 'no_context':
    case 'chain_broken':
    case 'queue_full':
    case 'closed':
    case 'no_signing_key':
    case 'store_failed':
    case 'conflict':
    case 'missing_dependency':
      return null;
  }
}
