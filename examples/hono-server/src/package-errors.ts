import { isAuditError } from '@portalkit/audit';
import { isAuthError } from '@portalkit/auth';
import { isStorageError } from '@portalkit/storage';
import { isTenancyError } from '@portalkit/tenancy';
import { HttpProblem } from './problem.js';

/**
 * Maps the packages' typed errors to the API's problem codes. Messages meant for developers stay in
 * the logs; clients get a fixed, safe detail per code. Returns null for anything else (a 500).
 */
export function problemFromPackageError(err: unknown): HttpProblem | null {
  if (isAuthError(err)) {
    const errors = err.errors.length > 0 ? err.errors.map((f) => ({ path: f.field, message: f.message })) : undefined;
    switch (err.code) {
      case 'validation_failed':
      case 'weak_password':
        return new HttpProblem(400, 'validation_failed', err.message.replace(/^\[portalkit\/auth\]\s*/, ''), {
          ...(errors ? { errors } : {}),
        });
      case 'invalid_credentials':
        return new HttpProblem(401, 'invalid_credentials', 'wrong e-mail or password');
      case 'email_not_verified':
        return new HttpProblem(403, 'email_not_verified', 'verify your e-mail address first');
      case 'token_expired':
        return new HttpProblem(401, 'token_expired', 'the token has expired');
      case 'token_invalid':
        return new HttpProblem(401, 'unauthorized', 'the token is invalid');
      case 'token_reused':
        return new HttpProblem(401, 'token_reused', 'this refresh token was already used: the session is revoked');
      case 'rate_limited': {
        return new HttpProblem(429, 'rate_limited', 'too many attempts: try again later', {
          headers: { 'retry-after': String(Math.max(1, Math.ceil((err.retryAfterMs ?? 60_000) / 1000))) },
        });
      }
      case 'forbidden':
        return new HttpProblem(403, 'forbidden', 'not allowed');
      case 'not_found':
        return new HttpProblem(404, 'not_found', 'not found');
      case 'conflict':
        return new HttpProblem(409, 'conflict', 'conflict');
      case 'unavailable':
        return null;
    }
  }
  if (isTenancyError(err)) {
    switch (err.code) {
      case 'not_found':
      case 'tenant_mismatch':
        return new HttpProblem(404, 'not_found', 'not found');
      case 'conflict':
        return new HttpProblem(409, 'conflict', err.message.replace(/^\[portalkit\/tenancy\]\s*/, ''));
      case 'last_admin':
        return new HttpProblem(409, 'conflict', 'a tenant keeps at least one admin');
      case 'invalid_input':
        return new HttpProblem(400, 'validation_failed', err.message.replace(/^\[portalkit\/tenancy\]\s*/, ''));
      case 'tenant_suspended':
        return new HttpProblem(403, 'tenant_suspended', 'this tenant is suspended');
      case 'forbidden':
      case 'email_mismatch':
        return new HttpProblem(403, 'forbidden', 'not allowed');
      case 'email_not_verified':
        return new HttpProblem(403, 'email_not_verified', 'verify your e-mail address first');
      case 'invitation_invalid':
        return new HttpProblem(400, 'validation_failed', 'the invitation is invalid, used or expired', {
          errors: [{ path: 'token', message: 'invalid, used or expired' }],
        });
      default:
        return null;
    }
  }
  if (isStorageError(err)) {
    switch (err.code) {
      case 'not_found':
        return new HttpProblem(404, 'not_found', 'file not found');
      case 'too_large':
        return new HttpProblem(413, 'payload_too_large', 'the file is larger than the limit');
      case 'type_not_allowed':
        return new HttpProblem(415, 'unsupported_media_type', 'this file type is not allowed');
      case 'checksum_mismatch':
      case 'invalid_input':
      case 'invalid_key':
        return new HttpProblem(400, 'validation_failed', err.message.replace(/^\[portalkit\/storage\]\s*/, ''));
      case 'signature_invalid':
      case 'url_expired':
        return new HttpProblem(403, 'forbidden', 'the signed URL is invalid or expired');
      case 'conflict':
        return new HttpProblem(409, 'conflict', 'conflict');
      default:
        return null;
    }
  }
  if (isAuditError(err)) {
    switch (err.code) {
      case 'invalid_query':
      case 'invalid_cursor':
        return new HttpProblem(400, 'validation_failed', err.message.replace(/^\[portalkit\/audit\]\s*/, ''));
      case 'not_found':
        return new HttpProblem(404, 'not_found', 'not found');
      default:
        return null;
    }
  }
  return null;
}
