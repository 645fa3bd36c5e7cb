import { AuthError, isAuthError } from '@portalkit/auth';
import { describe, expect, it } from 'vitest';

describe('AuthError', () => {
  it('carries a stable code, a prefixed message and the cause', () => {
    const cause = new Error('driver said no');
    const error = new AuthError('invalid_credentials', 'something failed', { cause });
    expect(error.code).toBe('invalid_credentials');
    expect(error.name).toBe('AuthError');
    expect(error.message).toBe('[portalkit/auth] something failed');
    expect(error.cause).toBe(cause);
    expect(error.stack).toContain('AuthError');
  });

  it('is recognised by the guard across realms but not for look-alikes without a code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'AuthError', code: 'invalid_credentials' });
    expect(isAuthError(new AuthError('token_expired', 'x'))).toBe(true);
    expect(isAuthError(foreign)).toBe(true);
    expect(isAuthError(Object.assign(new Error('x'), { name: 'AuthError' }))).toBe(false);
    expect(isAuthError(new Error('x'))).toBe(false);
    expect(isAuthError('invalid_credentials')).toBe(false);
  });
});
