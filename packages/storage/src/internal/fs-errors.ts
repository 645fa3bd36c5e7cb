import { isStorageError, StorageError } from '../errors.js';

export function mapFsError(error: unknown, key: string, op: string): StorageError {
  if (isStorageError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const where = `[local] ${op} "${key.slice(0, 200)}"`;
  switch (code) {
    case 'ENOENT':
      return new StorageError('not_found', `${where}: no such object`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new StorageError(
        'access_denied',
        `${where}: permission denied (check the permissions of the root directory)`,
        {
          cause: error,
        },
      );
    case 'ENOTDIR':
    case 'EISDIR':
    case 'EEXIST':
    case 'ENOTEMPTY':
      return new StorageError('conflict', `${where}: the key collides with a "directory" of other keys on local disk`, {
        cause: error,
      });
    case 'ENOSPC':
    case 'EMFILE':
    case 'ENFILE':
    case 'EIO':
    case 'EROFS':
      return new StorageError('provider_unavailable', `${where}: disk error ${code} (check free space and the mount)`, {
        cause: error,
      });
    case 'ABORT_ERR':
      return new StorageError('invalid_input', `${where}: aborted by the caller`, { cause: error });
    default:
      return new StorageError('provider_unavailable', `${where}: ${code ?? 'unexpected error'}`, { cause: error });
  }
}
