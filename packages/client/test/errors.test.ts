import { ApiError, isApiError } from '@portalkit/client';
import { describe, expect, it } from 'vitest';

describe('ApiError', () => {
  it('carries a stable code, a prefixed message and the cause', () => {
    const cause = new Error('driver said no');
    const error = new ApiError('network_error', 'something failed', { cause });
    expect(error.code).toBe('network_error');
    expect(error.name).toBe('ApiError');
    expect(error.message).toBe('[portalkit/client] something failed');
    expect(error.cause).toBe(cause);
    expect(error.stack).toContain('ApiError');
  });

  it('is recognised by the guard across realms but not for look-alikes without a code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'ApiError', code: 'network_error' });
    expect(isApiError(new ApiError('timeout', 'x'))).toBe(true);
    expect(isApiError(foreign)).toBe(true);
    expect(isApiError(Object.assign(new Error('x'), { name: 'ApiError' }))).toBe(false);
    expect(isApiError(new Error('x'))).toBe(false);
    expect(isApiError('network_error')).toBe(false);
  });
});
