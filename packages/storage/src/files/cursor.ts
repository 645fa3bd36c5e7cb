import { StorageError } from '../errors.js';

/**
 * Position of the last record of a page: createdAt (ms) then id, newest first.
 *
 * @example
 * ```ts
 * const c: FileCursor = { createdAt: file.createdAt, id: file.id };
 * ```
 */
export interface FileCursor {
  /** Creation time of the last record seen. */
  createdAt: Date;
  /** Id of the last record seen (tie-breaker). */
  id: string;
}

/**
 * Encodes a file-list cursor (opaque to clients).
 *
 * @example
 * ```ts
 * const cursor = encodeFileCursor({ createdAt: file.createdAt, id: file.id });
 * ```
 */
export function encodeFileCursor(c: FileCursor): string {
  return Buffer.from(JSON.stringify([c.createdAt.getTime(), c.id]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeFileCursor}; throws `invalid_input` for anything else.
 *
 * @example
 * ```ts
 * const { createdAt, id } = decodeFileCursor(query.cursor);
 * ```
 */
export function decodeFileCursor(cursor: string): FileCursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') {
      return { createdAt: new Date(value[0] as number), id: value[1] };
    }
  } catch {
    // fall through
  }
  throw new StorageError('invalid_input', 'invalid cursor (pass back the nextCursor of the previous page unchanged)');
}

/**
 * Validates a page size: 1..100, default 20.
 *
 * @example
 * ```ts
 * const limit = pageLimit(query.limit);
 * ```
 */
export function pageLimit(limit: number | undefined): number {
  const value = limit ?? 20;
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new StorageError('invalid_input', `limit must be an integer between 1 and 100, got ${String(limit)}`);
  }
  return value;
}
