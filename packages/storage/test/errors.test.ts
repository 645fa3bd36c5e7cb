import { isStorageError, StorageError } from '@portalkit/storage';
import { describe, expect, it } from 'vitest';

describe('StorageError', () => {
  it('carries a stable code, a prefixed message and the cause', () => {
    const cause = new Error('driver said no');
    const error = new StorageError('not_found', 'something failed', { cause });
    expect(error.code).toBe('not_found');
    expect(error.name).toBe('StorageError');
    expect(error.message).toBe('[portalkit/storage] something failed');
    expect(error.cause).toBe(cause);
    expect(error.stack).toContain('StorageError');
  });

  it('is recognised by the guard across realms but not for look-alikes without a code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'StorageError', code: 'not_found' });
    expect(isStorageError(new StorageError('invalid_key', 'x'))).toBe(true);
    expect(isStorageError(foreign)).toBe(true);
    expect(isStorageError(Object.assign(new Error('x'), { name: 'StorageError' }))).toBe(false);
    expect(isStorageError(new Error('x'))).toBe(false);
    expect(isStorageError('not_found')).toBe(false);
  });
});
