import { AuditError, isAuditError } from '@portalkit/audit';
import { describe, expect, it } from 'vitest';

describe('AuditError', () => {
  it('carries a stable code, a prefixed message and the cause', () => {
    const cause = new Error('driver said no');
    const error = new AuditError('invalid_event', 'something failed', { cause });
    expect(error.code).toBe('invalid_event');
    expect(error.name).toBe('AuditError');
    expect(error.message).toBe('[portalkit/audit] something failed');
    expect(error.cause).toBe(cause);
    expect(error.stack).toContain('AuditError');
  });

  it('is recognised by the guard across realms but not for look-alikes without a code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'AuditError', code: 'invalid_event' });
    expect(isAuditError(new AuditError('chain_broken', 'x'))).toBe(true);
    expect(isAuditError(foreign)).toBe(true);
    expect(isAuditError(Object.assign(new Error('x'), { name: 'AuditError' }))).toBe(false);
    expect(isAuditError(new Error('x'))).toBe(false);
    expect(isAuditError('invalid_event')).toBe(false);
  });
});
