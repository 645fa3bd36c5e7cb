import { TenancyError } from '../errors.js';

/**
 * Normalises a MongoDB driver error into a {@link TenancyError}: duplicate key (11000) becomes
 * `conflict`, write conflict (112, a concurrent transaction touched the same document) becomes
 * `conflict` too (retry it); anything else `internal`. The original error is kept as `cause`.
 *
 * @example
 * ```ts
 * try { await collection.insertOne(doc); } catch (error) { throw mongoErrorToTenancyError(error, 'slug is taken'); }
 * ```
 */
export function mongoErrorToTenancyError(
  error: unknown,
  conflictMessage = 'a document with this key already exists',
): TenancyError {
  if (error instanceof TenancyError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 11000 || code === 11001) return new TenancyError('conflict', conflictMessage, { cause: error });
  if (code === 112)
    return new TenancyError('conflict', 'a concurrent write touched the same document: retry', { cause: error });
  return new TenancyError('internal', 'the tenancy MongoDB operation failed (see cause)', { cause: error });
}
