import { isTenancyError, TenancyError } from '@portalkit/tenancy';
import { describe, expect, it } from 'vitest';

describe('TenancyError', () => {
  it('carries a stable code, a prefixed message and the cause', () => {
    const cause = new Error('driver said no');
    const error = new TenancyError('not_found', 'something failed', { cause });
    expect(error.code).toBe('not_found');
    expect(error.name).toBe('TenancyError');
    expect(error.message).toBe('[portalkit/tenancy] something failed');
    expect(error.cause).toBe(cause);
    expect(error.stack).toContain('TenancyError');
  });

  it('is recognised by the guard across realms but not for look-alikes without a code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'TenancyError', code: 'not_found' });
    expect(isTenancyError(new TenancyError('no_tenant', 'x'))).toBe(true);
    expect(isTenancyError(foreign)).toBe(true);
    expect(isTenancyError(Object.assign(new Error('x'), { name: 'TenancyError' }))).toBe(false);
    expect(isTenancyError(new Error('x'))).toBe(false);
    expect(isTenancyError('not_found')).toBe(false);
  });
});
