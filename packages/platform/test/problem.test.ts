import { AuditError, type AuditErrorCode } from '@portalkit/audit';
import { AuthError, type AuthErrorCode } from '@portalkit/auth';
import { problemCodes } from '@portalkit/client/contract';
import {
  ApiProblem,
  internalProblem,
  isApiProblem,
  notImplemented,
  problemDocument,
  problemFromError,
} from '@portalkit/platform/http';
import { StorageError, type StorageErrorCode } from '@portalkit/storage';
import { TenancyError, type TenancyErrorCode } from '@portalkit/tenancy';
import { describe, expect, it } from 'vitest';

/** `status code` of the problem, or `500 internal` when the error is not the client's. */
type Expected = `${number} ${string}`;

const auth: Record<AuthErrorCode, Expected> = {
  validation_failed: '400 validation_failed',
  weak_password: '400 validation_failed',
  invalid_credentials: '401 invalid_credentials',
  email_not_verified: '403 email_not_verified',
  token_expired: '401 token_expired',
  token_invalid: '401 unauthorized',
  token_reused: '401 token_reused',
  rate_limited: '429 rate_limited',
  forbidden: '403 forbidden',
  not_found: '404 not_found',
  conflict: '409 conflict',
  unavailable: '500 internal',
};

const tenancy: Record<TenancyErrorCode, Expected> = {
  not_found: '404 not_found',
  no_tenant: '404 not_found',
  tenant_mismatch: '404 not_found',
  invitation_invalid: '404 not_found',
  conflict: '409 conflict',
  last_admin: '409 conflict',
  invalid_input: '400 validation_failed',
  tenant_suspended: '403 tenant_suspended',
  forbidden: '403 forbidden',
  email_mismatch: '403 forbidden',
  email_not_verified: '403 email_not_verified',
  unsupported_query: '500 internal',
  internal: '500 internal',
};

const storage: Record<StorageErrorCode, Expected> = {
  not_found: '404 not_found',
  too_large: '413 payload_too_large',
  type_not_allowed: '415 unsupported_media_type',
  checksum_mismatch: '400 validation_failed',
  invalid_input: '400 validation_failed',
  invalid_key: '400 validation_failed',
  range_not_satisfiable: '400 validation_failed',
  signature_invalid: '403 forbidden',
  url_expired: '403 forbidden',
  conflict: '409 conflict',
  provider_unavailable: '500 internal',
  access_denied: '500 internal',
  invalid_config: '500 internal',
};

const audit: Record<AuditErrorCode, Expected> = {
  invalid_query: '400 validation_failed',
  invalid_cursor: '400 validation_failed',
  not_found: '404 not_found',
  invalid_event: '500 internal',
  no_context: '500 internal',
  chain_broken: '500 internal',
  queue_full: '500 internal',
  closed: '500 internal',
  no_signing_key: '500 internal',
  store_failed: '500 internal',
  conflict: '500 internal',
  missing_dependency: '500 internal',
};

function outcome(err: unknown): Expected {
  const problem = problemFromError(err) ?? internalProblem();
  return `${problem.status} ${problem.code}`;
}

describe('problemFromError maps every code of every package', () => {
  it.each(Object.entries(auth))('auth %s -> %s', (code, expected) => {
    expect(outcome(new AuthError(code as AuthErrorCode, 'internal detail'))).toBe(expected);
  });
  it.each(Object.entries(tenancy))('tenancy %s -> %s', (code, expected) => {
    expect(outcome(new TenancyError(code as TenancyErrorCode, 'internal detail'))).toBe(expected);
  });
  it.each(Object.entries(storage))('storage %s -> %s', (code, expected) => {
    expect(outcome(new StorageError(code as StorageErrorCode, 'internal detail'))).toBe(expected);
  });
  it.each(Object.entries(audit))('audit %s -> %s', (code, expected) => {
    expect(outcome(new AuditError(code as AuditErrorCode, 'internal detail'))).toBe(expected);
  });

  it('uses only the contract problem codes', () => {
    const used = [
      ...Object.values(auth),
      ...Object.values(tenancy),
      ...Object.values(storage),
      ...Object.values(audit),
    ];
    for (const entry of used) expect(problemCodes).toContain(entry.split(' ')[1]);
  });

  it('keeps developer messages out of fixed-detail problems and strips the package prefix from input errors', () => {
    expect(problemFromError(new AuthError('invalid_credentials', 'user 42 has no password row'))?.detail).toBe(
      'wrong e-mail or password',
    );
    expect(problemFromError(new TenancyError('invalid_input', 'slug must be lowercase'))?.detail).toBe(
      'slug must be lowercase',
    );
  });

  it('carries field errors and the retry-after header', () => {
    const invalid = problemFromError(
      new AuthError('weak_password', 'password too weak', {
        errors: [{ field: 'password', reason: 'too_common', message: 'too common' }],
      }),
    );
    expect(invalid?.extra.errors).toEqual([{ path: 'password', message: 'too common' }]);
    const settings = problemFromError(
      new TenancyError('invalid_input', 'tenant settings are invalid (see error.fields)', {
        fields: [{ path: 'settings.allowedOrigins.0', message: 'must be an origin' }],
      }),
    );
    expect(settings?.extra.errors).toEqual([{ path: 'settings.allowedOrigins.0', message: 'must be an origin' }]);
    const limited = problemFromError(new AuthError('rate_limited', 'slow down', { retryAfterMs: 2_500 }));
    expect(limited?.extra.headers).toEqual({ 'retry-after': '3' });
  });

  it('passes API problems through and answers null for unknown errors', () => {
    const problem = new ApiProblem(415, 'unsupported_media_type', 'json please');
    expect(problemFromError(problem)).toBe(problem);
    expect(isApiProblem(problem)).toBe(true);
    expect(problemFromError(new Error('boom'))).toBeNull();
    expect(problemFromError('boom')).toBeNull();
  });
});

describe('problemDocument', () => {
  it('renders RFC 9457 with the request id', () => {
    const doc = problemDocument(
      new ApiProblem(400, 'validation_failed', 'the body is invalid', { errors: [{ path: 'email', message: 'bad' }] }),
      'req-12345678',
    );
    expect(doc).toEqual({
      type: expect.stringContaining('validation_failed'),
      title: expect.any(String),
      status: 400,
      detail: 'the body is invalid',
      code: 'validation_failed',
      errors: [{ path: 'email', message: 'bad' }],
      requestId: 'req-12345678',
    });
  });

  it('renders not_implemented outside the contract codes', () => {
    expect(problemDocument(notImplemented('GET /x'), undefined)).toMatchObject({
      status: 501,
      code: 'not_implemented',
    });
  });
});
