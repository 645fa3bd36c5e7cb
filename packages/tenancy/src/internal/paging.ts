import { TenancyError } from '../errors.js';
import type { PageOptions } from '../model.js';
import type { StorePage } from '../store.js';

export function encodeCursor(key: string): string {
  return Buffer.from(`k:${key}`, 'utf8').toString('base64url');
}

export function toStorePage(options: PageOptions = {}): StorePage {
  const limit = options.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new TenancyError('invalid_input', 'limit must be an integer from 1 to 100', {
      fields: [{ path: 'limit', message: 'must be an integer from 1 to 100' }],
    });
  }
  if (options.cursor === undefined || options.cursor === null || options.cursor === '') return { limit, after: null };
  const decoded = /^[A-Za-z0-9_-]+$/.test(options.cursor)
    ? Buffer.from(options.cursor, 'base64url').toString('utf8')
    : '';
  if (!decoded.startsWith('k:') || decoded.length < 3) {
    throw new TenancyError('invalid_input', 'cursor is not one this API returned', {
      fields: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  }
  return { limit, after: decoded.slice(2) };
}

/** Asks the store for one extra row to know whether a next page exists. */
export async function paginate<T>(
  options: PageOptions | undefined,
  fetch: (page: StorePage) => Promise<T[]>,
  keyOf: (item: T) => string,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const page = toStorePage(options);
  const rows = await fetch({ limit: page.limit + 1, after: page.after });
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > page.limit && last ? encodeCursor(keyOf(last)) : null };
}
